// GET /console/calls (supervisor+): the calls this node has in progress, per channel (the
// callgate_active_calls gauges: SIP and Twilio; Connect calls stay in Connect), and the recent
// handoffs of the whole cluster (the shared HandoffStore) with their verdicts, newest first.
// Pure rendering over the store; thread-safe.
#pragma once

#include <string>

#include "adapters/net/http/router.h"
#include "channels/console/console_guard.h"
#include "core/handoff.h"
#include "core/ports.h"

namespace callgate::console {

// The page; `queue` "" = every queue. At most `count` handoffs (of the last 24 hours).
http::Response callsPage(const StaffPrincipal& viewer, HandoffStore& store, const Clock& clock,
                         const std::string& queue, int count);

}  // namespace callgate::console
