#include "app/wiring.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/audit/jsonl_audit_log.h"
#include "adapters/clock/system_clock.h"
#include "adapters/crypto/hmac_code_hasher.h"
#include "adapters/crypto/secret_key_file.h"
#include "adapters/crypto/sodium_random.h"
#include "adapters/sms/outbox_sms_sender.h"
#include "adapters/storage/sqlite/sqlite_challenge_store.h"
#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "adapters/storage/sqlite/sqlite_database.h"
#include "adapters/storage/sqlite/sqlite_voice_session_store.h"
#include "adapters/twilio_voice/voice_runtime.h"
#include "functions/builtin.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/verify_otp.h"

namespace callgate::app {

Services::Services() = default;
Services::~Services() = default;

namespace {

// The OTP hashing key: CALLGATE_OTP_SECRET (hex) if set, else the key file (created 0600).
Result<std::string> otpKey(const Config& config) {
  if (const char* env = std::getenv("CALLGATE_OTP_SECRET"); env && *env) {
    auto key = decodeSecretKeyHex(env);
    if (!key.ok()) return Error::invalidArgument("CALLGATE_OTP_SECRET: " + key.error().message());
    return key;
  }
  return loadOrCreateSecretKey(config.otpSecretFile);
}

}  // namespace

Result<std::unique_ptr<Services>> buildStorage(const Config& config) {
  auto s = std::make_unique<Services>();
  s->clock = std::make_unique<SystemClock>();
  auto db = SqliteDatabase::open(config.db);
  if (!db.ok()) return db.error();
  s->db = std::move(*db);
  s->customers = std::make_unique<SqliteCustomerStore>(*s->db);
  s->challenges = std::make_unique<SqliteChallengeStore>(*s->db);
  s->voiceSessions = std::make_unique<SqliteVoiceSessionStore>(*s->db);
  return s;
}

Result<std::unique_ptr<Services>> buildServices(const Config& config) {
  auto built = buildStorage(config);
  if (!built.ok()) return built.error();
  std::unique_ptr<Services> s = std::move(*built);

  s->random = std::make_unique<SodiumRandom>();
  auto key = otpKey(config);
  if (!key.ok()) return Error(key.error().code(), "OTP secret: " + key.error().message());
  s->hasher = std::make_unique<HmacCodeHasher>(*key);
  s->sms = std::make_unique<OutboxSmsSender>(config.sms.substr(std::string("outbox:").size()), *s->clock);
  s->audit = std::make_unique<JsonlAuditLog>(config.auditLog, *s->clock);

  OtpDeps deps{*s->customers, *s->challenges, *s->sms, *s->hasher, *s->random, *s->clock, *s->audit, config.otp};
  s->functions.add(std::make_unique<LookupCaller>(*s->customers, config.callerIdTrust));
  s->functions.add(std::make_unique<SendOtp>(deps));
  s->functions.add(std::make_unique<VerifyOtp>(deps));
  return s;
}

Result<std::unique_ptr<twilio_voice::TwilioVoiceRuntime>> buildTwilioVoice(const Config& config,
                                                                           Services& services) {
  using namespace twilio_voice;  // NOLINT: local to this function
  const TwilioConfig& tc = config.twilio;
  VoiceFlows flows;
  flows.defaultFlow = config.flow;
  std::vector<std::string> names{config.flow};
  for (const auto& [number, path] : tc.numbers) {
    flows.byNumber[number] = path;
    names.push_back(path);
  }
  for (const std::string& name : names) {
    if (flows.byName.count(name)) continue;
    auto loaded = loadFlowFile(name, config);
    if (!loaded.ok()) return Error(loaded.error().code(), "twilio: " + loaded.error().message());
    flows.byName[name] = *loaded;
  }
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
  return std::make_unique<TwilioVoiceRuntime>(std::move(flows), std::move(options),
                                              *services.voiceSessions, services.functions,
                                              *services.clock, *services.random);
}

std::string locateFlowFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::path(path).is_absolute() || fs::exists(path, ec)) return path;
  // Relative and not under the working directory: try next to the build or install tree, so
  // build/callgate finds the repository's flows/ and bin/callgate finds ../share/callgate/flows.
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return path;
  for (const fs::path& base : {exe.parent_path().parent_path(),
                               exe.parent_path().parent_path() / "share" / "callgate"}) {
    if (fs::exists(base / path, ec)) return (base / path).string();
  }
  return path;
}

Result<std::shared_ptr<const flow::Flow>> loadFlowFile(const std::string& requested, const Config& config) {
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
