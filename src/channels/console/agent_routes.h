// The agent screen pop and the calls page of the console (issue 14):
//   GET /console/agent          (agent+)       the latest pops, newest first, rendered on the
//                                               server, then kept live by console-agent.js
//   GET /console/agent/events   (agent+)       the pops as Server-Sent Events (docs/API.md)
//   GET /console/calls          (supervisor+)  recent handoffs as a table, calls in progress
// Each takes ?queue=NAME to show one queue only.
//
// The event stream: `id:` is the change's seq (core/handoff.h), so the browser's automatic
// reconnect sends Last-Event-ID and the stream resumes after it from the store (nothing lost
// while away, within the retention). A first connect gets the pops of the last
// `firstWindow` (at most `firstCount`). Then every change, from any node, via the node's
// HandoffFeed; a comment every 15 s keeps idle streams open through proxies.
//
// The guard runs before a stream opens (on a worker: it reads the session store), as for pages.
// Borrows everything given, which must outlive the router's server. Thread-safe.
#pragma once

#include <string>

#include "adapters/net/http/router.h"
#include "channels/console/console_guard.h"
#include "channels/console/handoff_feed.h"
#include "core/ports.h"

namespace callgate::console {

struct AgentRouteDeps {
  HandoffFeed& feed;  // the node's feed; also the store the pages read
  const Clock& clock;
  Seconds firstWindow{15 * 60};
  int firstCount = 50;
  int callsPageCount = 100;  // rows on /console/calls
};

// Registers the three routes behind `guard`; registers nothing when `guard` is null (no staff
// sign-in configured).
void addAgentRoutes(http::Router& router, const ConsoleGuard* guard, const AgentRouteDeps& deps);

}  // namespace callgate::console
