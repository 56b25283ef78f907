// GET /console/audit?page=N (supervisor+): the newest records of the hash-chained audit log
// (adapters/platform/audit), newest first, kAuditPageSize a page, and whether the whole chain
// verifies with the server's signing keys: the check `callgate audit verify` makes
// (audit::verifyChain), run on the file as it is at each request, so an edit shows at once.
// Audit records hold no secret and no whole number by construction (core/ports.h AuditLog).
#pragma once

#include <functional>
#include <string>

#include "adapters/net/http/router.h"
#include "adapters/platform/audit/audit_chain.h"
#include "channels/console/console_guard.h"

namespace callgate::console {

struct AuditDeps {
  std::string path;  // the audit log file ([security] audit_log)
  // The public keys checkpoints may be signed with (the server's JWT key ring); thread-safe.
  std::function<audit::PublicKeys()> keys;
};

inline constexpr int kAuditPageSize = 50;

void addAuditRoutes(http::Router& router, const ConsoleGuard& guard, const AuditDeps& deps);

}  // namespace callgate::console
