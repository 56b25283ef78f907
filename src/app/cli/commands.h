// The subcommands behind the CLI. Each returns the process exit code: 0 success, 1 the
// operation failed (reason on stderr), 2 bad usage or configuration.
#pragma once

#include <string>
#include <vector>

#include "app/config/config.h"
#include "channels/simulator/simulator.h"

namespace callgate::app {

int serveCommand(const Config& config);

struct NewCustomer {
  std::string phone, firstName, lastName, level, language;
  std::string userId;     // optional, 4-10 digits
  std::string pin;        // optional (needs userId); --pin puts it in the process list, so
  bool pinStdin = false;  // --pin-stdin reads it from the first line of standard input instead
};
int customersAddCommand(const Config& config, const NewCustomer& customer);
// All rows or none. With `skipExisting`, rows whose phone or user id is already in the store are
// left out (never updated) and the others added: the idempotent import behind `make run`.
int customersImportCommand(const Config& config, const std::string& csvPath, bool skipExisting);
// By phone, or by user id when `phone` is empty.
int customersShowCommand(const Config& config, const std::string& phone, const std::string& userId);
// Clears the PIN failure counter and lock of a user id (known or not); audit account_unlocked.
int customersUnlockCommand(const Config& config, const std::string& userId);

int callCommand(const Config& config, const SimulatedCall& call);

// `callgate staff ...`: console staff accounts. add and reset print the TOTP secret once (and
// the password when none came on standard input).
struct NewStaff {
  std::string username;
  std::string role;  // agent | supervisor | admin; reset: "" keeps the current one
  bool passwordStdin = false;
};
int staffAddCommand(const Config& config, const NewStaff& staff);
int staffResetCommand(const Config& config, const NewStaff& staff);
int staffListCommand(const Config& config);
int staffRemoveCommand(const Config& config, const std::string& username);

// `callgate backup --to FILE`: an online, consistent copy of the SQLite store (sqlite_backup.h)
// while the server runs; PostgreSQL is refused with a pointer to its own tools (exit 2).
int backupCommand(const Config& config, const std::string& destination);

int flowCheckCommand(const Config& config, const std::string& path);
int flowDiagramCommand(const Config& config, const std::string& path);

// The JWT signing-key ring in the database (config.tokenKeys.path is only imported, once).
int keysRotateCommand(const Config& config);
int keysListCommand(const Config& config);
// Replaces the ring with one fresh key, after the OTP secret was changed on every node.
int keysResetCommand(const Config& config);
// Forgets the shared-secret fingerprints, after a secret was changed on every node.
int clusterForgetSecretsCommand(const Config& config);

// `callgate verdict verify`: a signed verdict checked as an agent side would. Keys from
// `jwksFile` (a saved /.well-known/jwks.json: offline), else the key ring in the database.
// `issuer` "" = config.tokens.issuer. Prints the claims; exit 1 when the verdict is rejected.
struct VerdictToCheck {
  std::string token;  // "-" = read from standard input
  std::string callId;
  std::string target;
  std::string jwksFile;
  std::string issuer;
};
int verdictVerifyCommand(const Config& config, const VerdictToCheck& check);

// `callgate callbacks list`: the callback requests flows left, earliest due first (at most
// `limit`); numbers masked unless `showNumbers` (the operator who calls back needs them).
int callbacksListCommand(const Config& config, int limit, bool showNumbers);

// `callgate audit verify`: checks the audit log's hash chain and checkpoint signatures (keys from
// the JWKS files, else the server's own key ring, with relative paths from `stateDir`).
struct AuditVerifyOptions {
  std::string file;  // default: [security] audit_log
  std::vector<std::string> jwks;
  std::string stateDir;
};
int auditVerifyCommand(const Config& config, const AuditVerifyOptions& options);

// `callgate sip identity`: prints an Identity header value for a test call.
struct SignedIdentity {
  std::string keyFile;
  Attestation attestation = Attestation::kA;
  std::string orig, dest;
  int64_t iat = 0;  // 0 = now
};
int sipIdentityCommand(const SignedIdentity& identity);

}  // namespace callgate::app
