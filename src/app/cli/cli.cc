#include "app/cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "adapters/platform/log/logging.h"
#include "app/cli/commands.h"
#include "app/cli/serve_lifecycle.h"

namespace callgate::app {

namespace {

// The flags every data-touching subcommand shares; values land in `o`.
void addCommonOptions(CLI::App* cmd, Overrides& o) {
  cmd->add_option("--config", o.configFile, "TOML config file (flags win over it)");
  cmd->add_option("--db", o.db,
                  "SQLite database file (created on first run) or postgresql://USER@HOST:PORT/DB "
                  "(password from CALLGATE_DB_PASSWORD, PGPASSWORD or ~/.pgpass)");
  cmd->add_option("--sms", o.sms,
                  "SMS provider: outbox:PATH, twilio, sns or kannel (settings in [sms.*])");
  cmd->add_option("--caller-id-trust", o.callerIdTrust, "any | attested (default attested)");
  cmd->add_option("--otp-secret-file", o.otpSecretFile, "key file for hashing one-time codes");
  cmd->add_option("--pin-pepper-file", o.pinPepperFile, "key file peppering PIN hashes");
  cmd->add_option("--audit-log", o.auditLog, "append-only audit log (JSON lines)");
  cmd->add_option("--log-level", o.logLevel, "trace|debug|info|warn|error|off");
  cmd->add_option("--jwt-key-file", o.jwtKeyFile,
                  "legacy JWT signing-key file, imported once into an empty database");
}

// Loads the config and sets up logging; on failure prints why and returns false.
// `quietLevel`, when set, replaces the configured log level unless --log-level was given, so the
// console commands are not drowned in the server's operational log.
bool prepare(const Overrides& o, bool bufferedLog, std::optional<LogLevel> quietLevel,
             Config& out) {
  auto config = loadConfig(o);
  if (!config.ok()) {
    std::cerr << "callgate: config: " << config.error().message() << "\n";
    return false;
  }
  out = std::move(*config);
  if (quietLevel && !o.logLevel) out.logLevel = *quietLevel;
  // The log file is the server's (CLI commands print to the console).
  if (auto s = setupLogging(std::string(logLevelName(out.logLevel)), bufferedLog,
                            bufferedLog ? out.lifecycle.logFile : std::string());
      !s.ok()) {
    std::cerr << "callgate: " << s.error().message() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int runCli(int argc, char** argv) {
  CLI::App app{"callgate: caller authentication for voice contact centers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "callgate 0.1.0");
  Overrides o;
  int rc = 0;

  auto* serve = app.add_subcommand(
      "serve",
      "Run the server: HTTP (Amazon Connect function endpoints, Twilio voice webhooks, links) and, "
      "with --sip, the SIP voice channel");
  addCommonOptions(serve, o);
  serve->add_option("--http", o.http, "HOST:PORT to listen on (port 0 picks a free port)");
  serve->add_option("--sip", o.sip,
                    "HOST:PORT for SIP over UDP and TCP (port 0 picks a free port); overrides "
                    "[sip] listen");

  auto* customers = app.add_subcommand("customers", "Manage the customer store");
  customers->require_subcommand(1);
  NewCustomer nc;
  auto* add = customers->add_subcommand("add", "Add one customer");
  addCommonOptions(add, o);
  add->add_option("--phone", nc.phone, "phone number, E.164 (+14155550100)")->required();
  add->add_option("--first-name", nc.firstName)->required();
  add->add_option("--last-name", nc.lastName)->required();
  add->add_option("--level", nc.level, "customer level (custLevel), default Standard");
  add->add_option("--language", nc.language, "language tag, default en-US");
  add->add_option("--user-id", nc.userId, "user id for PIN login, 4-10 digits");
  add->add_option("--pin", nc.pin,
                  "PIN, 4-8 digits (visible in the process list: prefer --pin-stdin)");
  add->add_flag("--pin-stdin", nc.pinStdin, "read the PIN from the first line of standard input");
  std::string csvPath;
  auto* import = customers->add_subcommand("import", "Import customers from CSV (all or nothing)");
  addCommonOptions(import, o);
  import
      ->add_option("FILE", csvPath,
                   "CSV with header phone,first_name,last_name,level,language[,user_id[,pin]]")
      ->required();
  bool skipExisting = false;
  import->add_flag("--skip-existing", skipExisting,
                   "leave out rows whose phone or user id is already stored (never updates them); "
                   "import the others");
  std::string showPhone, showUserId;
  auto* show = customers->add_subcommand("show", "Show one customer (never the PIN or its hash)");
  addCommonOptions(show, o);
  show->add_option("--phone", showPhone);
  show->add_option("--user-id", showUserId);
  std::string unlockUserId;
  auto* unlock =
      customers->add_subcommand("unlock", "Clear the PIN failures and lock of a user id");
  addCommonOptions(unlock, o);
  unlock->add_option("--user-id", unlockUserId)->required();

  auto* staffCmd = app.add_subcommand("staff", "Manage console staff accounts");
  staffCmd->require_subcommand(1);
  NewStaff ns;
  auto* staffAdd = staffCmd->add_subcommand(
      "add", "Add a staff account; prints its TOTP secret (and password) once");
  addCommonOptions(staffAdd, o);
  staffAdd->add_option("USERNAME", ns.username, "a-z 0-9 . _ -, at most 64")->required();
  staffAdd->add_option("--role", ns.role, "agent | supervisor | admin")->required();
  staffAdd->add_flag("--password-stdin", ns.passwordStdin,
                     "read the password from standard input (else one is made and printed)");
  auto* staffReset = staffCmd->add_subcommand(
      "reset", "New password and TOTP secret, lock cleared, every session ended");
  addCommonOptions(staffReset, o);
  staffReset->add_option("USERNAME", ns.username)->required();
  staffReset->add_option("--role", ns.role, "a new role (default: keep it)");
  staffReset->add_flag("--password-stdin", ns.passwordStdin,
                       "read the password from standard input (else one is made and printed)");
  auto* staffList = staffCmd->add_subcommand("list", "List staff accounts");
  addCommonOptions(staffList, o);
  std::string staffRemoveName;
  auto* staffRemove =
      staffCmd->add_subcommand("remove", "Remove a staff account and end its sessions");
  addCommonOptions(staffRemove, o);
  staffRemove->add_option("USERNAME", staffRemoveName)->required();

  SimulatedCall call;
  std::string attest = "none";
  auto* callCmd = app.add_subcommand("call", "Simulate a call through a flow on the console");
  addCommonOptions(callCmd, o);
  callCmd->add_option("--from", call.from, "caller number, E.164")->required();
  callCmd->add_option("--to", call.to, "dialled number");
  callCmd->add_option("--flow", o.flow, "flow file (default flows/caller-id-otp.json)");
  callCmd->add_option("--attest", attest, "STIR/SHAKEN attestation of the call: A|B|C|none");
  callCmd->add_option("--language", call.language, "caller's language, default en-US");
  callCmd->add_flag("--json", call.json, "one JSON object per event line");

  auto* flowCmd = app.add_subcommand("flow", "Work with flow files");
  flowCmd->require_subcommand(1);
  std::string flowPath;
  auto* check = flowCmd->add_subcommand(
      "check", "Validate a flow file or a flows directory; non-zero exit with every error");
  check->add_option("--config", o.configFile, "TOML config file (for the [functions] map)");
  check->add_option("PATH", flowPath, "a flow file, or a directory of them")->required();
  auto* diagram = flowCmd->add_subcommand("diagram", "Print a flow as a Graphviz diagram");
  diagram->add_option("--config", o.configFile, "TOML config file (for the [functions] map)");
  diagram->add_option("FILE", flowPath)->required();

  auto* keys = app.add_subcommand("keys", "Manage the JWT signing keys");
  keys->require_subcommand(1);
  auto* rotate = keys->add_subcommand("rotate",
                                      "Add a new signing key; retired keys stay published until "
                                      "their tokens have expired");
  auto* list = keys->add_subcommand(
      "list", "List the signing keys (kid, created, status); never the private keys");
  auto* reset = keys->add_subcommand(
      "reset",
      "Replace the whole ring with one new key (after changing the OTP secret on every node; "
      "tokens already issued stop verifying)");
  auto* cluster = app.add_subcommand("cluster", "State shared by the nodes of one database");
  cluster->require_subcommand(1);
  auto* forgetSecrets = cluster->add_subcommand(
      "forget-secrets",
      "Forget the recorded OTP secret / PIN pepper fingerprints (after changing a secret on every "
      "node; the next node to start records its own)");
  for (CLI::App* k : {rotate, list, reset, forgetSecrets}) addCommonOptions(k, o);

  auto* callbacksCmd =
      app.add_subcommand("callbacks", "Callback requests left by flows (CreateCallbackContact)");
  callbacksCmd->require_subcommand(1);
  int callbacksLimit = 100;
  bool callbacksNumbers = false;
  auto* callbacksList =
      callbacksCmd->add_subcommand("list", "List callback requests, the earliest due first");
  addCommonOptions(callbacksList, o);
  callbacksList->add_option("--limit", callbacksLimit, "at most this many (default 100)")
      ->check(CLI::Range(1, 100000));
  callbacksList->add_flag("--show-numbers", callbacksNumbers,
                          "print whole phone numbers (masked by default)");
  auto* verdictCmd = app.add_subcommand("verdict", "Signed verdicts handed over with transfers");
  verdictCmd->require_subcommand(1);
  VerdictToCheck verdictCheck;
  auto* verdictVerify = verdictCmd->add_subcommand(
      "verify",
      "Check a signed verdict (X-Callgate-Verdict / callgateVerdict) as the agent side should: "
      "signature, issuer, lifetime and the call it is bound to");
  addCommonOptions(verdictVerify, o);
  verdictVerify->add_option("token", verdictCheck.token, "the verdict JWT, or - to read stdin")
      ->required();
  verdictVerify
      ->add_option("--call-id", verdictCheck.callId,
                   "the call it must be bound to: SIP Call-ID, Twilio CallSid or Connect ContactId")
      ->required();
  verdictVerify->add_option("--target", verdictCheck.target,
                            "the transfer target it must name (a SIP URI), when checked");
  verdictVerify->add_option("--jwks", verdictCheck.jwksFile,
                            "a saved JWKS document (/.well-known/jwks.json); default: the key ring "
                            "in the database");
  verdictVerify->add_option("--issuer", verdictCheck.issuer,
                            "the expected issuer (default: [tokens] issuer)");

  std::string backupTo;
  auto* backup = app.add_subcommand(
      "backup", "Copy the SQLite database to a file while the server runs (consistent, online)");
  addCommonOptions(backup, o);
  backup->add_option("--to", backupTo, "the backup file (replaced atomically if it exists)")
      ->required();

  auto* auditCmd = app.add_subcommand("audit", "The tamper-evident audit log");
  auditCmd->require_subcommand(1);
  AuditVerifyOptions auditVerify;
  auto* auditVerifyCmd = auditCmd->add_subcommand(
      "verify",
      "Check an audit log's hash chain and signed checkpoints; name the first bad line (exit 1)");
  addCommonOptions(auditVerifyCmd, o);
  auditVerifyCmd->add_option("FILE", auditVerify.file,
                             "the audit log (default: [security] audit_log)");
  auditVerifyCmd
      ->add_option("--jwks", auditVerify.jwks,
                   "a JWKS file with the public keys (repeatable; default: the server's key ring)")
      ->allow_extra_args(false);
  auditVerifyCmd->add_option("--state-dir", auditVerify.stateDir,
                             "the server's working directory, for its relative paths");

  auto* sipCmd = app.add_subcommand("sip", "SIP voice channel tools");
  sipCmd->require_subcommand(1);
  SignedIdentity identity;
  std::string identityAttest = "A";
  auto* identityCmd = sipCmd->add_subcommand(
      "identity",
      "Print a STIR/SHAKEN Identity header signed with a local P-256 key, to try [sip.stir] with "
      "your own key (callgate itself never signs calls)");
  identityCmd->add_option("--key", identity.keyFile, "PEM EC P-256 private key")->required();
  identityCmd->add_option("--attest", identityAttest, "A, B or C");
  identityCmd->add_option("--orig", identity.orig, "calling number (digits or E.164)")->required();
  identityCmd->add_option("--dest", identity.dest, "called number (digits or E.164)")->required();
  identityCmd->add_option("--iat", identity.iat, "issued-at, Unix seconds (default: now)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  Config config;
  if (serve->parsed()) {
    // First: from now on a SIGHUP or SIGTERM waits for serve's loop instead of killing it.
    installServeSignalHandlers();
    if (!prepare(o, /*bufferedLog=*/true, std::nullopt, config)) return 2;
    rc = serveCommand(config);
  } else if (callCmd->parsed()) {
    auto a = parseAttestation(attest);
    if (!a.ok()) {
      std::cerr << "callgate: --attest: " << a.error().message() << "\n";
      return 2;
    }
    call.attestation = *a;
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    rc = callCommand(config, call);
  } else if (add->parsed() || import->parsed() || show->parsed() || unlock->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    if (add->parsed())
      rc = customersAddCommand(config, nc);
    else if (import->parsed())
      rc = customersImportCommand(config, csvPath, skipExisting);
    else if (show->parsed())
      rc = customersShowCommand(config, showPhone, showUserId);
    else
      rc = customersUnlockCommand(config, unlockUserId);
  } else if (staffAdd->parsed() || staffReset->parsed() || staffList->parsed() ||
             staffRemove->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    if (staffAdd->parsed())
      rc = staffAddCommand(config, ns);
    else if (staffReset->parsed())
      rc = staffResetCommand(config, ns);
    else if (staffList->parsed())
      rc = staffListCommand(config);
    else
      rc = staffRemoveCommand(config, staffRemoveName);
  } else if (check->parsed() || diagram->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    rc =
        check->parsed() ? flowCheckCommand(config, flowPath) : flowDiagramCommand(config, flowPath);
  } else if (rotate->parsed() || list->parsed() || reset->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    if (rotate->parsed())
      rc = keysRotateCommand(config);
    else if (list->parsed())
      rc = keysListCommand(config);
    else
      rc = keysResetCommand(config);
  } else if (forgetSecrets->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    rc = clusterForgetSecretsCommand(config);
  } else if (callbacksList->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    rc = callbacksListCommand(config, callbacksLimit, callbacksNumbers);
  } else if (verdictVerify->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    rc = verdictVerifyCommand(config, verdictCheck);
  } else if (backup->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    rc = backupCommand(config, backupTo);
  } else if (auditVerifyCmd->parsed()) {
    if (!prepare(o, false, LogLevel::kWarn, config)) return 2;
    rc = auditVerifyCommand(config, auditVerify);
  } else if (identityCmd->parsed()) {
    auto a = parseAttestation(identityAttest);
    if (!a.ok() || *a == Attestation::kNone) {
      std::cerr << "callgate: --attest must be A, B or C\n";
      return 2;
    }
    identity.attestation = *a;
    rc = sipIdentityCommand(identity);
  }
  return rc;
}

}  // namespace callgate::app
