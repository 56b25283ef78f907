#include "channels/console/operator_routes.h"

#include "channels/console/operator_html.h"

namespace callgate::console {

void addOperatorRoutes(http::Router& router, const ConsoleGuard* guard, const OperatorDeps& deps) {
  if (guard == nullptr) return;
  // Anyone signed in: an agent's page is their calls, everyone else starts at the customers.
  addGuarded(
      router, *guard, "GET", "/console", StaffRole::kAgent,
      [](const http::Request&, const StaffPrincipal& viewer) {
        return seeOther(viewer.role == StaffRole::kAgent ? "/console/agent" : "/console/customers");
      });
  addCustomerRoutes(router, *guard, deps.customers);
  addSmsRoutes(router, *guard, deps.sms);
  addAuditRoutes(router, *guard, deps.audit);
  addFlowRoutes(router, *guard, deps.flows);
  addMetricsRoutes(router, *guard, deps.metrics);
}

}  // namespace callgate::console
