#include "app/wiring/wiring.h"

#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/net/http_client/curl_http_client.h"
#include "adapters/net/http_client/retrying_http_client.h"
#include "adapters/platform/audit/jsonl_audit_log.h"
#include "adapters/platform/clock/system_clock.h"
#include "adapters/security/crypto/argon2id_pin_hasher.h"
#include "adapters/security/crypto/hmac_code_hasher.h"
#include "adapters/security/crypto/secret_fingerprint.h"
#include "adapters/security/crypto/secret_key_file.h"
#include "adapters/security/crypto/sodium_random.h"
#include "adapters/security/crypto/state_cipher.h"
#include "adapters/security/token/key_ring.h"
#include "adapters/security/token/token_service.h"
#include "adapters/sms/kannel/kannel_dlr_token.h"
#include "adapters/sms/kannel/kannel_sms_sender.h"
#include "adapters/sms/outbox/outbox_sms_sender.h"
#include "adapters/sms/sns/sns_sms_sender.h"
#include "adapters/sms/twilio/twilio_sms_sender.h"
#include "adapters/storage/postgres/pg_database.h"
#include "adapters/storage/sqlite/sqlite_database.h"
#include "app/wiring/storage_backends.h"
#include "channels/twilio_voice/parked_call.h"
#include "channels/twilio_voice/voice_runtime.h"
#include "functions/action_links.h"
#include "functions/add_member.h"
#include "functions/builtin.h"
#include "functions/issue_action_link.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/verify_otp.h"
#include "functions/verify_pin.h"

namespace callgate::app {

Services::Services() = default;
Services::~Services() = default;

Result<std::string> otpKey(const Config& config) {
  if (const char* env = std::getenv("CALLGATE_OTP_SECRET"); env && *env) {
    auto key = decodeSecretKeyHex(env);
    if (!key.ok()) return Error::invalidArgument("CALLGATE_OTP_SECRET: " + key.error().message());
    return key;
  }
  return loadOrCreateSecretKey(config.otpSecretFile);
}

namespace {

// The PIN pepper: CALLGATE_PIN_PEPPER (hex) if set, else the key file (created 0600). A key of
// its own, not the OTP key: rotating one must not invalidate the other's hashes.
Result<std::string> pinPepper(const Config& config) {
  if (const char* env = std::getenv("CALLGATE_PIN_PEPPER"); env && *env) {
    auto key = decodeSecretKeyHex(env);
    if (!key.ok()) return Error::invalidArgument("CALLGATE_PIN_PEPPER: " + key.error().message());
    return key;
  }
  return loadOrCreateSecretKey(config.pinPepperFile);
}

// Refuses a node whose OTP secret or PIN pepper differs from the other nodes' (their keyed
// fingerprints in the database; the first node records them). The pepper always exists (created
// on first use), so it is always checked.
Status checkClusterSecrets(const Config& config, const std::string& otpSecret, Services& s) {
  auto pepper = pinPepper(config);
  if (!pepper.ok()) return Error(pepper.error().code(), "PIN pepper: " + pepper.error().message());
  const Status checked = callgate::checkSharedSecrets(
      *s.secretFingerprints, {{"otp_secret", otpSecret,
                               "CALLGATE_OTP_SECRET, or the file named by --otp-secret-file / "
                               "[security] otp_secret_file"},
                              {"pin_pepper", *pepper,
                               "CALLGATE_PIN_PEPPER, or the file named by --pin-pepper-file / "
                               "[security] pin_pepper_file"}});
  sodium_memzero(pepper->data(), pepper->size());
  return checked;
}

// The SMS sender for config.sms.provider, with the HTTP client and delivery store it needs.
Status buildSmsSender(const Config& config, const std::string& otpSecret, Services& s) {
  const SmsConfig& sms = config.sms;
  if (sms.provider == SmsProvider::kOutbox) {
    s.sms = std::make_unique<OutboxSmsSender>(outboxPath(config), *s.clock);
    return okStatus();
  }
  CurlHttpClientOptions curl;
  curl.connectTimeout = Millis(sms.http.connectTimeoutMs);
  curl.requestTimeout = Millis(sms.http.attemptTimeoutMs);
  s.httpTransport = std::make_unique<CurlHttpClient>(curl);
  s.backoffClock = std::make_unique<SteadyBackoffClock>();
  RetryPolicy policy;
  policy.maxAttempts = sms.http.maxAttempts;
  policy.totalBudget = Millis(sms.http.totalTimeoutMs);
  s.http =
      std::make_unique<RetryingHttpClient>(*s.httpTransport, policy, *s.backoffClock, *s.random);
  SmsTracking tracking{s.smsMessages.get(), *s.random, *s.clock};
  switch (sms.provider) {
    case SmsProvider::kOutbox:
      break;  // built above
    case SmsProvider::kTwilio:
      s.sms = std::make_unique<TwilioSmsSender>(sms.twilio, *s.http, tracking);
      break;
    case SmsProvider::kSns:
      s.sms = std::make_unique<SnsSmsSender>(sms.sns, *s.http, tracking);
      break;
    case SmsProvider::kKannel:
      s.kannelDlrTokens = std::make_unique<KannelDlrToken>(otpSecret);
      s.sms = std::make_unique<KannelSmsSender>(sms.kannel, *s.kannelDlrTokens, *s.http, tracking);
      break;
  }
  return okStatus();
}

}  // namespace

std::unique_ptr<AuditLog> buildAuditLog(const Config& config, const Clock& clock) {
  return std::make_unique<JsonlAuditLog>(config.auditLog, clock);
}

Result<std::unique_ptr<PinHasher>> buildPinHasher(const Config& config) {
  const Argon2Cost cost{static_cast<uint64_t>(config.pinHashOpsLimit),
                        static_cast<size_t>(config.pinHashMemoryKib) * 1024};
  if (Status s = validateArgon2Cost(cost); !s.ok()) {
    return Error::invalidArgument("security.pin_hash_*: " + s.error().message());
  }
  auto pepper = pinPepper(config);
  if (!pepper.ok()) return Error(pepper.error().code(), "PIN pepper: " + pepper.error().message());
  std::unique_ptr<PinHasher> hasher = std::make_unique<Argon2idPinHasher>(*pepper, cost);
  sodium_memzero(pepper->data(), pepper->size());
  return hasher;
}

Result<std::unique_ptr<Services>> buildStorage(const Config& config) {
  auto s = std::make_unique<Services>();
  s->clock = std::make_unique<SystemClock>();
  const Status opened = config.storage.isPostgres()
                            ? detail::openPostgresStorage(config.storage, *s)
                            : detail::openSqliteStorage(config.storage, *s);
  if (!opened.ok()) return opened.error();
  return s;
}

Result<std::unique_ptr<Services>> buildServices(const Config& config) {
  auto built = buildStorage(config);
  if (!built.ok()) return built.error();
  std::unique_ptr<Services> s = std::move(*built);

  s->random = std::make_unique<SodiumRandom>();
  auto key = otpKey(config);
  if (!key.ok()) return Error(key.error().code(), "OTP secret: " + key.error().message());
  // Before anything uses the secrets: a node that disagrees with the cluster must not start.
  if (Status c = checkClusterSecrets(config, *key, *s); !c.ok()) return c.error();
  s->hasher = std::make_unique<HmacCodeHasher>(*key);
  // The Twilio voice channel's parked-call key: a subkey of the same secret, which every node
  // sharing the database already has; it is never stored.
  auto voiceCipher = twilio_voice::voiceStateCipher(*key);
  if (!voiceCipher.ok()) {
    return Error(voiceCipher.error().code(), "OTP secret: " + voiceCipher.error().message());
  }
  s->voiceStateCipher = std::move(*voiceCipher);
  if (Status sms = buildSmsSender(config, *key, *s); !sms.ok()) return sms.error();
  s->audit = buildAuditLog(config, *s->clock);
  if (Status t = buildTokens(config, *s, *key); !t.ok()) return t.error();

  OtpDeps deps{*s->customers, *s->challenges, *s->sms,   *s->hasher,
               *s->random,    *s->clock,      *s->audit, config.otp};
  s->functions.add(std::make_unique<LookupCaller>(*s->customers, config.callerIdTrust));
  s->functions.add(std::make_unique<SendOtp>(deps));
  s->functions.add(std::make_unique<VerifyOtp>(deps));

  auto pinHasher = buildPinHasher(config);
  if (!pinHasher.ok()) return pinHasher.error();
  s->pinHasher = std::move(*pinHasher);
  PinDeps pinDeps{*s->customers, *s->credentials, *s->pinHasher,
                  *s->clock,     *s->audit,       config.pinMaxFailures};
  s->functions.add(std::make_unique<VerifyPin>(pinDeps));

  LinkConfig links;
  links.publicBaseUrl = config.publicBaseUrl;
  links.ttl = config.linkTtl;
  links.perUserLimit = config.linkPerUserLimit;
  links.perUserWindow = config.linkPerUserWindow;
  links.brand = config.otp.brand;
  s->actionLinks = std::make_unique<ActionLinks>(LinkDeps{
      *s->customers, *s->grants, *s->sms, *s->hasher, *s->random, *s->clock, *s->audit, links});
  s->functions.add(std::make_unique<IssueActionLink>(*s->actionLinks));
  s->addMember = std::make_unique<AddMember>(*s->customers, *s->members, *s->clock, *s->audit);
  return s;
}

Status buildTokens(const Config& config, Services& s, std::string_view otpSecret) {
  if (!s.random) s.random = std::make_unique<SodiumRandom>();
  token::KeyRingOptions keys = config.tokenKeys;
  keys.backgroundRefresh = true;  // no request waits for the database to notice a rotation
  auto ring = token::KeyRing::open(keys, *s.signingKeys, otpSecret, *s.clock, *s.random);
  if (!ring.ok()) return Error(ring.error().code(), "JWT keys: " + ring.error().message());
  s.keyRing = std::move(*ring);
  s.tokens = std::make_unique<TokenService>(*s.keyRing, *s.tokenStates, *s.random, *s.clock,
                                            config.tokens);
  return okStatus();
}

Result<std::unique_ptr<twilio_voice::TwilioVoiceRuntime>> buildTwilioVoice(const Config& config,
                                                                           Services& services) {
  using namespace twilio_voice;  // NOLINT: local to this function
  const TwilioVoiceConfig& tc = config.twilioVoice;
  auto flows = loadTwilioFlows(config);
  if (!flows.ok()) return flows.error();
  VoiceOptions options;
  options.voice = tc.voice;
  options.language = tc.language;
  options.speech = tc.speech;
  options.sessionTtl = Seconds(tc.sessionTtlSeconds);
  for (const auto& [queue, target] : tc.queues) {
    auto parsed = parseAgentTarget(target);
    if (!parsed.ok()) {
      return Error::invalidArgument("twilio.queues." + queue + ": " + parsed.error().message());
    }
    options.queues[queue] = *parsed;
  }
  if (!tc.defaultAgent.empty()) {
    auto parsed = parseAgentTarget(tc.defaultAgent);
    if (!parsed.ok()) {
      return Error::invalidArgument("twilio.default_agent: " + parsed.error().message());
    }
    options.defaultAgent = *parsed;
  }
  if (!services.voiceStateCipher) {
    return Error::failedPrecondition("twilio: the voice state key is not set up (buildServices)");
  }
  return std::make_unique<TwilioVoiceRuntime>(
      std::make_shared<flow::FlowCatalogSource>(std::move(*flows)), std::move(options),
      *services.voiceSessions, *services.voiceStateCipher, services.functions, *services.clock,
      *services.random);
}

Result<flow::FlowCatalog> loadTwilioFlows(const Config& config) {
  auto flows = loadFlowCatalog(config, config.flow, config.twilioVoice.numbers);
  if (!flows.ok()) return Error(flows.error().code(), "twilio: " + flows.error().message());
  return flows;
}

Result<flow::FlowCatalog> loadFlowCatalog(const Config& config, const std::string& defaultFlow,
                                          const std::map<std::string, std::string>& numbers) {
  flow::FlowCatalog flows;
  flows.defaultFlow = defaultFlow;
  std::vector<std::string> names{defaultFlow};
  for (const auto& [number, path] : numbers) {
    flows.byNumber[number] = path;
    names.push_back(path);
  }
  for (const std::string& name : names) {
    if (flows.byName.count(name)) continue;
    auto loaded = loadFlowFile(name, config);
    if (!loaded.ok()) return loaded.error();
    flows.byName[name] = *loaded;
  }
  return flows;
}

std::string locateFlowFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::path(path).is_absolute() || fs::exists(path, ec)) return path;
  // Relative and not under the working directory: try next to the build or install tree, so
  // build/callgate finds the repository's flows/ and bin/callgate finds ../share/callgate/flows.
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return path;
  for (const fs::path& base :
       {exe.parent_path().parent_path(), exe.parent_path().parent_path() / "share" / "callgate"}) {
    if (fs::exists(base / path, ec)) return (base / path).string();
  }
  return path;
}

Result<std::shared_ptr<const flow::Flow>> loadFlowFile(const std::string& requested,
                                                       const Config& config) {
  const std::string path = locateFlowFile(requested);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalidArgument("cannot read flow file " + path);
  constexpr std::streamsize kMaxFlowBytes = 1 << 20;
  std::string text(static_cast<size_t>(kMaxFlowBytes) + 1, '\0');
  in.read(text.data(), kMaxFlowBytes + 1);
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > static_cast<size_t>(kMaxFlowBytes)) {
    return Error::invalidArgument(path + ": flow is larger than 1 MiB");
  }
  flow::LoadOptions options;
  options.resolveFunction = [map = config.functionMap](const std::string& arn) {
    return resolveFunctionName(arn, map);
  };
  auto loaded = flow::Flow::load(text, options);
  if (!loaded.ok()) return Error(loaded.error().code(), path + ": " + loaded.error().message());
  return loaded;
}

}  // namespace callgate::app
