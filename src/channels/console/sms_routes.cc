#include "channels/console/sms_routes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "channels/console/console_page.h"
#include "channels/console/operator_html.h"
#include "channels/web/html_template.h"

namespace callgate::console {

namespace {

using web::escapeHtml;

std::string_view badgeFor(std::string_view status) {
  if (status == "delivered" || status == "read") return "ok";
  if (status == "failed" || status == "undelivered" || status == "canceled") return "bad";
  return "warn";
}

int limitFrom(const http::Params& params) {
  const std::string text = queryParam(params, "limit");
  int n = kSmsPageDefault;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1)
    return kSmsPageDefault;
  return std::min(n, kSmsPageMax);
}

http::Response smsPage(const SmsDeps& deps, const StaffPrincipal& viewer, int limit) {
  if (deps.messages == nullptr) {
    return consolePage(
        viewer, "SMS messages", "sms",
        "<p class=\"notice\" id=\"sms-outbox\">Messages go to the outbox file ([sms] sink), which "
        "keeps no delivery reports. With an SMS provider (Twilio, SNS, Kannel) every message and "
        "its delivery reports are listed here.</p>");
  }
  auto rows = deps.messages->recent(limit);
  if (!rows.ok()) {
    spdlog::warn("event=console_sms_store_failed by={} error=\"{}\"", viewer.username,
                 rows.error().message());
    return consolePage(viewer, "SMS messages", "sms",
                       noticeHtml("The message store did not answer; try again.", true), {}, 503);
  }
  std::string body =
      "<p>The newest " + std::to_string(limit) +
      " messages handed to a provider, with the status their delivery reports left them in. "
      "Message texts are never stored, so no code can be shown.</p>";
  if (rows->empty()) {
    body += "<p id=\"no-sms\">No SMS message has been sent yet.</p>";
    return consolePage(viewer, "SMS messages", "sms", body);
  }
  body += tableWrapOpen("SMS messages") + "<table id=\"sms\"><caption>" +
          std::to_string(rows->size()) + (rows->size() == 1 ? " message" : " messages") +
          "</caption><thead><tr><th scope=\"col\">Sent</th><th scope=\"col\">To</th>"
          "<th scope=\"col\">Provider</th><th scope=\"col\">Status</th><th scope=\"col\">Error</th>"
          "<th scope=\"col\">Last report</th><th scope=\"col\">Provider's "
          "id</th></tr></thead><tbody>\n";
  for (const SmsMessageRecord& m : *rows) {
    body += "<tr><td>" + escapeHtml(formatRfc3339(m.createdAt)) + "</td><td>" +
            escapeHtml(m.toMasked) + "</td><td>" + escapeHtml(m.provider) +
            "</td><td><span class=\"badge " + std::string(badgeFor(m.status)) + "\">" +
            escapeHtml(m.status) + "</span></td><td>" + escapeHtml(m.errorCode) + "</td><td>" +
            escapeHtml(formatRfc3339(m.updatedAt)) + "</td><td><code>" +
            escapeHtml(m.providerMessageId) + "</code></td></tr>\n";
  }
  body += "</tbody></table></div>\n";
  if (static_cast<int>(rows->size()) == limit && limit < kSmsPageMax) {
    body += "<p><a href=\"/console/sms?limit=" + std::to_string(std::min(limit * 5, kSmsPageMax)) +
            "\">Show more</a></p>";
  }
  return consolePage(viewer, "SMS messages", "sms", body);
}

}  // namespace

void addSmsRoutes(http::Router& router, const ConsoleGuard& guard, const SmsDeps& deps) {
  addGuarded(router, guard, "GET", "/console/sms", StaffRole::kSupervisor,
             [deps](const http::Request& request, const StaffPrincipal& viewer) {
               return smsPage(deps, viewer, limitFrom(queryParams(request)));
             });
}

}  // namespace callgate::console
