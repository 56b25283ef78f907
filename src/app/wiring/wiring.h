// The one place that picks concrete adapters from the config and wires them to the functions
// (DESIGN §2). A Services object owns everything it built; destroy it last.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/config.h"
#include "core/flow/flow_catalog.h"
#include "functions/function.h"

namespace callgate {
class SqliteDatabase;
class PgDatabase;
class CustomerStore;
class ChallengeStore;
class SmsSender;
class CodeHasher;
class Random;
class Clock;
class AuditLog;
class TokenStateStore;
class ContactAuthStore;
class ContactAuthLedger;
class HandoffStore;
namespace console {
class HandoffFeed;
}  // namespace console
class VerdictSigner;
class VerdictIssuer;
class TokenService;
namespace token {
class KeyRing;
}  // namespace token
class CredentialStore;
class GrantStore;
class MemberStore;
class PinHasher;
class CredentialVerifier;
class ActionLinks;
class AddMember;
class SmsMessageStore;
class HttpClient;
class BackoffClock;
class KannelDlrToken;
class VoiceSessionStore;
class StateCipher;
class StaffStore;
class StaffTotp;
class StaffSignIn;
class SigningKeyStore;
class SecretFingerprintStore;
class CallbackStore;
class TimeZones;
}  // namespace callgate

namespace callgate::twilio_voice {
class TwilioVoiceRuntime;
}  // namespace callgate::twilio_voice

namespace callgate::app {

struct Services {
  Services();
  ~Services();
  std::unique_ptr<Clock> clock;
  std::unique_ptr<Random> random;
  // Exactly one of the two databases ([storage]); every store below borrows it.
  std::unique_ptr<SqliteDatabase> db;
  std::unique_ptr<PgDatabase> pg;
  std::unique_ptr<CustomerStore> customers;
  std::unique_ptr<ChallengeStore> challenges;
  // The SMS provider's plumbing (HTTP providers only; null for the outbox). Declared before
  // `sms`, which borrows them, so they are destroyed after it.
  std::unique_ptr<SmsMessageStore> smsMessages;
  std::unique_ptr<HttpClient> httpTransport;  // libcurl, one attempt
  std::unique_ptr<BackoffClock> backoffClock;
  std::unique_ptr<HttpClient> http;  // retrying, over httpTransport
  std::unique_ptr<KannelDlrToken> kannelDlrTokens;
  std::unique_ptr<VoiceSessionStore> voiceSessions;
  // What every node sharing the database agrees on (core/cluster_state.h).
  std::unique_ptr<SigningKeyStore> signingKeys;  // the JWT key ring, seeds sealed
  std::unique_ptr<SecretFingerprintStore> secretFingerprints;
  // Seals voice_sessions state at rest; derived from the OTP secret (buildServices only).
  std::unique_ptr<StateCipher> voiceStateCipher;
  std::unique_ptr<SmsSender> sms;
  std::unique_ptr<CodeHasher> hasher;
  std::unique_ptr<token::KeyRing> keyRing;       // JWT signing keys (in signingKeys)
  std::unique_ptr<AuditLog> audit;               // after keyRing, which signs its checkpoints
  std::unique_ptr<TokenStateStore> tokenStates;  // revoked / used tokens
  std::unique_ptr<TokenService> tokens;          // mints and verifies access tokens
  std::unique_ptr<CredentialStore> credentials;
  std::unique_ptr<GrantStore> grants;
  std::unique_ptr<MemberStore> members;
  std::unique_ptr<CallbackStore> callbacks;  // CreateCallbackContact's requests
  // Which contacts callgate saw authenticate (written by the login functions, read by
  // issue-action-link); the ledger borrows the store.
  std::unique_ptr<ContactAuthStore> contactAuth;
  std::unique_ptr<ContactAuthLedger> contactAuthLedger;
  // Console staff: their accounts and sessions, the TOTP second factor (seeds sealed with a
  // subkey of the OTP secret, never stored) and the sign-in over both.
  std::unique_ptr<StaffStore> staff;
  std::unique_ptr<StateCipher> staffTotpCipher;
  std::unique_ptr<StaffTotp> staffTotp;
  std::unique_ptr<StaffSignIn> staffSignIn;
  // The agent console's screen pops: the store, and the node's feed over it (which verdicts,
  // link pages and the add-member API write through, and every event stream reads from). The
  // feed's poller is started by `serve` only.
  std::unique_ptr<HandoffStore> handoffs;
  std::unique_ptr<console::HandoffFeed> handoffFeed;
  // The signed verdict every transfer carries (and issue-verdict answers), from the ledger.
  std::unique_ptr<VerdictSigner> verdictSigner;
  std::unique_ptr<VerdictIssuer> verdicts;
  std::unique_ptr<TimeZones> timeZones;  // local time for CheckHoursOfOperation
  std::unique_ptr<PinHasher> pinHasher;
  // verify-pin's check ([credentials] verifier); may borrow the stores and pinHasher above.
  std::unique_ptr<CredentialVerifier> credentialVerifier;
  // The services the web layer uses (link pages, member API); they borrow the ports above.
  std::unique_ptr<ActionLinks> actionLinks;
  std::unique_ptr<AddMember> addMember;
  // The transport of the [lambdas] functions (libcurl, one attempt each); null without any.
  std::unique_ptr<HttpClient> lambdaHttp;
  // Last, so it is destroyed first: the functions borrow everything above.
  FunctionRegistry functions;
};

// Opens (creating on first run) the database, the SMS sender chosen by config.sms.providers, the
// OTP key and the audit log.
Result<std::unique_ptr<Services>> buildServices(const Config& config);

// The token service over `s`'s database and clock (and a CSPRNG): the JWT key ring in
// s.signingKeys, sealed with `otpSecret` (imported from [tokens] key_file or created on first
// use; refreshed in the background), the SQLite token-state store and the TokenService. Used by
// buildServices.
Status buildTokens(const Config& config, Services& s, std::string_view otpSecret);

// The OTP secret: CALLGATE_OTP_SECRET (hex) if set, else security.otp_secret_file (created 0600
// on first use). Also the key the JWT signing keys are sealed with in the database.
Result<std::string> otpKey(const Config& config);

// Only the database and its stores, for commands that just manage customers.
Result<std::unique_ptr<Services>> buildStorage(const Config& config);

// The audit log named by security.audit_log, hash-chained; for CLI commands that record events
// (no `keys`: no checkpoints). With the JWT key ring (the server's), signed checkpoints every
// [audit] checkpoint_every records; the ring must outlive the log.
std::unique_ptr<AuditLog> buildAuditLog(const Config& config, const Clock& clock,
                                        token::KeyRing* keys = nullptr);

// The PIN hasher: argon2id with the config's cost, peppered with CALLGATE_PIN_PEPPER (64 hex) if
// set, else the key in security.pin_pepper_file (created 0600 on first use). For the CLI commands
// that set PINs; buildServices() calls it too.
Result<std::unique_ptr<PinHasher>> buildPinHasher(const Config& config);
// The Twilio voice channel over `services` (which must outlive it): loads the default flow and
// every [twilio.numbers] flow, and resolves [twilio.queues] / default_agent.
Result<std::unique_ptr<twilio_voice::TwilioVoiceRuntime>> buildTwilioVoice(const Config& config,
                                                                           Services& services);

// The Twilio channel's flows: the default flow and every [twilio.numbers] flow. For the build
// and for serve's reload (SIGHUP), which installs them with runtime.flowSource().replace().
Result<flow::FlowCatalog> loadTwilioFlows(const Config& config);

// The default flow and one flow per dialled number (E.164 -> flow file), each loaded once. With
// [flows] dir, the directory's flows are loaded first (catalog.library) and a configured flow
// that names one of them (by file path or flow name) is that flow.
Result<flow::FlowCatalog> loadFlowCatalog(const Config& config, const std::string& defaultFlow,
                                          const std::map<std::string, std::string>& numbers);

// A relative flow path is looked up in the working directory, then beside the build or install
// tree of the running binary.
std::string locateFlowFile(const std::string& path);

// Loads and validates a flow file against the built-in functions and the config's map. `library`
// is what its TransferToFlow / InvokeFlowModule actions reach (LoadOptions::library).
Result<std::shared_ptr<const flow::Flow>> loadFlowFile(
    const std::string& path, const Config& config,
    std::weak_ptr<const flow::FlowLibrary> library = {});

// Every *.json file of a flows directory, by flow name (the wrapper's Name, else the file name
// without .json), ARN and id. Fails on the first flow that does not load, naming its file.
Result<std::shared_ptr<const flow::FlowLibrary>> loadFlowDirectory(const std::string& dir,
                                                                   const Config& config);

// What `callgate flow check` reports for a file or a directory: every load error of every flow
// ("<file>: <error>"), and for a directory also each TransferToFlow / InvokeFlowModule whose
// static target is not in it. `warnings` gets Flow::warnings() lines; `summary` one line per
// flow that loaded. Empty result = everything is fine.
std::vector<std::string> checkFlows(const std::string& path, const Config& config,
                                    std::vector<std::string>& warnings,
                                    std::vector<std::string>& summary);

}  // namespace callgate::app
