// The operator pages of the console (issue 14): customers, SMS messages, the audit log, flows and
// metrics, for supervisors and admins, plus GET /console, which sends an agent to their calls and
// everyone else to the customers. See docs/OPERATIONS.md, "Console".
//
// app/ builds OperatorDeps from its Services and calls addOperatorRoutes() once, before the
// server starts. Everything borrowed must outlive the server.
#pragma once

#include "adapters/net/http/router.h"
#include "channels/console/audit_routes.h"
#include "channels/console/console_guard.h"
#include "channels/console/customers_routes.h"
#include "channels/console/flows_routes.h"
#include "channels/console/metrics_routes.h"
#include "channels/console/sms_routes.h"

namespace callgate::console {

struct OperatorDeps {
  CustomersDeps customers;
  SmsDeps sms;
  AuditDeps audit;
  FlowsDeps flows;
  MetricsDeps metrics;
};

// Registers every operator route behind `guard`; with no guard (the console's sign-in is not
// configured) registers nothing, so no operator page can be reached without signing in.
void addOperatorRoutes(http::Router& router, const ConsoleGuard* guard, const OperatorDeps& deps);

}  // namespace callgate::console
