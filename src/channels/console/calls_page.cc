#include "channels/console/calls_page.h"

#include <spdlog/spdlog.h>

#include "channels/console/agent_pop.h"
#include "channels/console/console_page.h"
#include "channels/web/html_template.h"
#include "common/metrics_catalog.h"

namespace callgate::console {

namespace {

// The channels whose calls run inside callgate (metrics_catalog.h activeCalls).
constexpr std::string_view kLiveChannels[] = {"sip", "twilio"};

void cell(std::string& out, std::string_view text) {
  out += "<td>";
  out += web::escapeHtml(text);
  out += "</td>";
}

std::string seconds(int64_t ms) {
  if (ms < 0) return "";
  const int64_t tenths = (ms + 50) / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

}  // namespace

http::Response callsPage(const StaffPrincipal& viewer, HandoffStore& store, const Clock& clock,
                         const std::string& queue, int count) {
  std::string html = "<h2 id=\"live\">In progress on this node</h2><div class=\"table-wrap\">";
  html +=
      "<table aria-labelledby=\"live\"><thead><tr><th scope=\"col\">Channel</th>"
      "<th scope=\"col\">Calls</th></tr></thead><tbody>";
  for (std::string_view channel : kLiveChannels) {
    html += "<tr><th scope=\"row\">" + std::string(channel) + "</th><td>" +
            std::to_string(metrics::activeCalls().with({channel}).value()) + "</td></tr>";
  }
  html += "</tbody></table></div>";

  html += "<h2 id=\"recent\">Recent handoffs</h2>";
  html +=
      "<form class=\"queue-filter\" method=\"get\" action=\"/console/calls\"><label "
      "for=\"queue\">Queue</label><input type=\"text\" id=\"queue\" name=\"queue\" "
      "maxlength=\"64\" placeholder=\"all queues\" value=\"" +
      web::escapeHtml(queue) + "\"> <button type=\"submit\">Show</button></form>";
  auto rows = store.latest(clock.now() - std::chrono::hours(24), count, queue);
  if (!rows.ok()) {
    spdlog::warn("event=console_calls_read_failed error=\"{}\"", rows.error().message());
    html += "<p class=\"notice error\" role=\"alert\">Recent handoffs cannot be read just now.</p>";
    return consolePage(viewer, "Calls", "calls", html);
  }
  if (rows->empty()) {
    html += "<p class=\"muted\">No handoffs in the last 24 hours.</p>";
    return consolePage(viewer, "Calls", "calls", html);
  }
  // Eleven columns: the table scrolls in its wrapper even at a desk.
  html += tableWrapOpen("Recent handoffs") +
          "<table aria-labelledby=\"recent\" class=\"calls\"><thead><tr>"
          "<th scope=\"col\">Handed over</th><th scope=\"col\">Channel</th>"
          "<th scope=\"col\">Queue</th><th scope=\"col\">Caller</th><th scope=\"col\">Customer</th>"
          "<th scope=\"col\">Verdict</th><th scope=\"col\">How</th>"
          "<th scope=\"col\">Token check</th><th scope=\"col\">Time to verdict</th>"
          "<th scope=\"col\">Link</th><th scope=\"col\">Verdict id</th></tr></thead><tbody>";
  for (auto it = rows->rbegin(); it != rows->rend(); ++it) {
    const Handoff& h = *it;
    html += "<tr>";
    cell(html, formatRfc3339(h.at));
    cell(html, h.channel);
    cell(html, h.queue);
    cell(html, h.callerLast4);
    cell(html, h.displayName.empty() ? h.userId : h.displayName + " (" + h.userId + ")");
    html += h.authenticated() ? "<td><span class=\"badge ok\">" : "<td><span class=\"badge warn\">";
    html += web::escapeHtml(assuranceName(h.acr));
    html += "</span></td>";
    cell(html, describeMethods(h));
    cell(html, h.tokenCheck);
    cell(html, seconds(h.timeToVerdictMs));
    cell(html, linkActivityName(h.link));
    cell(html, h.jti);
    html += "</tr>";
  }
  html += "</tbody></table></div>";
  return consolePage(viewer, "Calls", "calls", html);
}

}  // namespace callgate::console
