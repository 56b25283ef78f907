// `callgate audit verify [FILE] [--jwks FILE]... [--state-dir DIR]`: checks an audit log's hash
// chain and signed checkpoints (adapters/platform/audit/audit_chain.h) and names the first bad
// line. The public keys come from JWKS documents (what /.well-known/jwks.json served, archived
// by the operator), else from the server's JWT key ring in the database (every key it still
// holds, retired ones too) and the legacy key file, found as `serve` finds them: through the
// config, with relative paths taken from --state-dir (the server's working directory) if given.
// Exit 0 when the file verifies, 1 when it does not or cannot be read, 2 for bad usage.

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "adapters/platform/audit/audit_chain.h"
#include "adapters/security/token/key_file.h"
#include "app/cli/commands.h"
#include "app/cli/key_ring_access.h"

namespace callgate::app {

namespace {

int fail(const std::string& message, int code = 1) {
  std::cerr << "callgate: " << message << "\n";
  return code;
}

void addKeys(const std::vector<token::Ed25519Key>& keys, audit::PublicKeys& out) {
  for (const auto& k : keys) {
    out[k.kid] = std::string(reinterpret_cast<const char*>(k.publicKey.data()), k.publicKey.size());
  }
}

// Every public key the server holds: its ring in the database and the legacy key file.
Result<audit::PublicKeys> serverKeys(const Config& config) {
  audit::PublicKeys keys;
  auto legacy = token::readKeyFile(config.tokenKeys.path);
  if (legacy.ok()) {
    addKeys(*legacy, keys);
  } else if (legacy.error().code() != ErrorCode::kNotFound) {
    return Error(legacy.error().code(), "JWT key file: " + legacy.error().message());
  }
  auto ring = readKeyRing(config);
  if (ring.ok()) {
    addKeys((*ring)->keys(), keys);
  } else if (ring.error().code() != ErrorCode::kNotFound) {
    return Error(ring.error().code(), "JWT keys: " + ring.error().message());
  }
  return keys;
}

}  // namespace

int auditVerifyCommand(const Config& config, const AuditVerifyOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Before --state-dir moves the working directory: the files named here are the caller's.
  const std::string file = fs::absolute(options.file.empty() ? config.auditLog : options.file, ec);
  auto content = readWholeFile(file);
  if (!content.ok()) return fail(content.error().message());

  audit::PublicKeys keys;
  if (!options.jwks.empty()) {
    for (const std::string& path : options.jwks) {
      auto jwks = readWholeFile(path);
      if (!jwks.ok()) return fail(jwks.error().message());
      if (Status s = audit::addJwksKeys(*jwks, keys); !s.ok()) {
        return fail(path + ": " + s.error().message(), 2);
      }
    }
  } else {
    if (!options.stateDir.empty() && ::chdir(options.stateDir.c_str()) != 0) {
      return fail("--state-dir " + options.stateDir + ": " + std::strerror(errno), 2);
    }
    auto found = serverKeys(config);
    if (!found.ok()) return fail(found.error().message());
    keys = std::move(*found);
    if (keys.empty()) {
      // The chain can still be checked; a checkpoint will then fail as signed by an unknown kid.
      std::cerr << "callgate: no JWT keys found here (pass --jwks with the published keys); "
                   "checkpoints cannot be checked\n";
    }
  }

  const audit::VerifyReport report = audit::verifyChain(*content, keys);
  std::cout << file << ": " << audit::formatReport(report) << std::flush;
  return report.ok ? 0 : 1;
}

}  // namespace callgate::app
