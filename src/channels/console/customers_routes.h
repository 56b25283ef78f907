// The console's customer pages (issue 14): supervisors search customers by user id or by the
// last digits of their number, see each one's PIN lock and unlock it; admins also add a customer
// and import a CSV file (the format and the all-or-nothing rule of `callgate customers import`,
// functions/customer_csv.h). Every change is audited with the staff member's username.
//
//   GET  /console/customers?q=...   supervisor+  search (user id exact, or 4+ last digits)
//   POST /console/customers/unlock  supervisor+  user_id            -> 303 back to the search
//   POST /console/customers/add     admin        the add form       -> 303 to the new customer
//   POST /console/customers/import  admin        csv (the text)     -> 303 with the count
//
// Pages show numbers with only their last four digits (maskLast4) and never a PIN or its hash.
// Adding and importing hash PINs (argon2id), so those routes run on the slow lane.
#pragma once

#include "adapters/net/http/router.h"
#include "channels/console/console_guard.h"
#include "core/pin_policy.h"
#include "core/ports.h"

namespace callgate::console {

// Borrowed; everything must outlive the router's server.
struct CustomersDeps {
  CustomerStore& customers;
  CredentialStore& credentials;
  // Hashes PINs typed into the add form or present in an imported file; null refuses them.
  const PinHasher* pinHasher = nullptr;
  AuditLog& audit;
  const Clock& clock;
  PinLockoutPolicy pinLockout{};
};

// At most this many results are shown for one search.
inline constexpr int kCustomerSearchLimit = 50;
// At most this many PINs in one console import (each costs ~0.1 s of argon2id on the slow lane);
// larger files go through `callgate customers import`.
inline constexpr size_t kConsoleImportMaxPins = 100;

void addCustomerRoutes(http::Router& router, const ConsoleGuard& guard, const CustomersDeps& deps);

}  // namespace callgate::console
