#include "channels/console/agent_routes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "channels/console/agent_pop.h"
#include "channels/console/calls_page.h"
#include "channels/console/console_page.h"
#include "channels/web/html_template.h"
#include "common/form.h"

namespace callgate::console {

namespace {

// The ?queue= of a request: "" for none, nullopt for one that is not a queue name.
std::optional<std::string> queueOf(const http::Request& request) {
  if (request.query.empty()) return std::string();
  auto params = http::parseFormPairs(request.query);
  if (!params.ok()) return std::nullopt;
  for (const auto& [name, value] : *params) {
    if (name != "queue") continue;
    if (value.empty()) return std::string();
    if (!isQueueFilter(value)) return std::nullopt;
    return value;
  }
  return std::string();
}

// Last-Event-ID as we send it (a seq: decimal digits); nullopt when absent or anything else.
std::optional<int64_t> lastEventId(const http::Request& request) {
  const std::string& text = request.header("last-event-id");
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

http::Response badQueue() {
  return http::jsonError(400, "queue must be 1 to 64 characters without control characters");
}

std::string queueForm(std::string_view action, const std::string& queue) {
  std::string out = "<form class=\"queue-filter\" method=\"get\" action=\"";
  out += action;
  out +=
      "\"><label for=\"queue\">Queue</label><input type=\"text\" id=\"queue\" name=\"queue\" "
      "maxlength=\"64\" value=\"";
  out += web::escapeHtml(queue);
  out += "\" placeholder=\"all queues\"> <button type=\"submit\">Show</button></form>";
  return out;
}

http::Response agentPage(const http::Request& request, const StaffPrincipal& viewer,
                         const AgentRouteDeps& deps) {
  auto queue = queueOf(request);
  if (!queue) return badQueue();
  auto pops = deps.feed.latest(deps.clock.now() - deps.firstWindow, deps.firstCount, *queue);
  std::string html = queueForm("/console/agent", *queue);
  std::string stream = "/console/agent/events";
  if (!queue->empty()) stream += "?queue=" + http::percentEncode(*queue);
  html += "<p id=\"stream-status\" class=\"muted\" role=\"status\">";
  html += queue->empty() ? "Calls handed to agents in the last 15 minutes, newest first."
                         : "Calls handed to agents of queue " + web::escapeHtml(*queue) +
                               " in the last 15 minutes, newest first.";
  html += " Reload the page to see new ones (live updates need JavaScript).</p>";
  // Announces each new pop once; the list itself is not live, so a screen reader is not read
  // the whole list again on every change.
  html +=
      "<div id=\"pop-announcer\" class=\"visually-hidden\" aria-live=\"assertive\" "
      "aria-atomic=\"true\"></div>";
  if (!pops.ok()) {
    spdlog::warn("event=console_agent_read_failed error=\"{}\"", pops.error().message());
    html +=
        "<p class=\"notice error\" role=\"alert\">The call list cannot be read just now; live "
        "updates resume when the database answers.</p>";
  }
  html += "<ol id=\"pops\" class=\"pops\" aria-label=\"Calls, newest first\" data-stream=\"" +
          web::escapeHtml(stream) + "\">";
  if (pops.ok()) {
    for (auto it = pops->rbegin(); it != pops->rend(); ++it) html += popHtml(*it);
  }
  html += "</ol>";
  html += "<p id=\"no-pops\" class=\"muted\"";
  if (pops.ok() && !pops->empty()) html += " hidden";
  html += ">No calls yet.</p>";
  return consolePage(viewer, "Calls for me", "agent", html, {"console-agent.js"});
}

http::StreamReply agentEvents(const http::Request& request, const ConsoleGuard& guard,
                              const AgentRouteDeps& deps) {
  http::StreamReply reply;
  auto viewer = guard.check(request, StaffRole::kAgent, reply.response);
  if (!viewer) return reply;
  auto queue = queueOf(request);
  if (!queue) {
    reply.response = badQueue();
    return reply;
  }
  // The browser retries after 2 s when the stream drops.
  std::string first = "retry: 2000\n\n";
  int64_t cursor = 0;
  if (auto resume = lastEventId(request)) {
    cursor = *resume;  // the feed replays what came after it, from the store
  } else {
    // Where "new" starts, read before the recent ones so nothing falls between (a pop in both
    // arrives twice; the page keys pops by their id).
    auto last = deps.feed.lastSeq();
    auto recent =
        last.ok() ? deps.feed.latest(deps.clock.now() - deps.firstWindow, deps.firstCount, *queue)
                  : Result<std::vector<Handoff>>(last.error());
    if (!recent.ok()) {
      spdlog::warn("event=console_agent_read_failed error=\"{}\"", recent.error().message());
      reply.response = http::jsonError(503, "the call list cannot be read just now");
      reply.response.headers.emplace_back("Retry-After", "5");
      return reply;
    }
    cursor = *last;
    for (const Handoff& h : *recent) first += popEvent(h);
  }
  reply.response.contentType = "text/event-stream; charset=utf-8";
  reply.response.body = std::move(first);
  addConsoleSecurityHeaders(reply.response);
  reply.response.headers.emplace_back("X-Accel-Buffering", "no");
  reply.response.logFields = "staff=" + viewer->username;
  HandoffFeed& feed = deps.feed;
  reply.onOpen = [&feed, queue = std::move(*queue),
                  cursor](std::shared_ptr<http::StreamSink> sink) mutable {
    feed.subscribe(std::move(sink), std::move(queue), cursor);
  };
  return reply;
}

}  // namespace

void addAgentRoutes(http::Router& router, const ConsoleGuard* guard, const AgentRouteDeps& deps) {
  if (guard == nullptr) return;
  addGuarded(router, *guard, "GET", "/console/agent", StaffRole::kAgent,
             [deps](const http::Request& request, const StaffPrincipal& viewer) {
               return agentPage(request, viewer, deps);
             });
  router.addStream(
      "GET", "/console/agent/events",
      [guard, deps](const http::Request& request) { return agentEvents(request, *guard, deps); },
      http::Lane::kWorker);
  addGuarded(router, *guard, "GET", "/console/calls", StaffRole::kSupervisor,
             [deps](const http::Request& request, const StaffPrincipal& viewer) {
               auto queue = queueOf(request);
               if (!queue) return badQueue();
               return callsPage(viewer, deps.feed, deps.clock, *queue, deps.callsPageCount);
             });
}

}  // namespace callgate::console
