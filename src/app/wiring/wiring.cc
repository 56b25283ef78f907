#include "app/wiring/wiring.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "adapters/net/http_client/curl_http_client.h"
#include "adapters/net/http_client/retrying_http_client.h"
#include "adapters/net/lambda/aws_lambda_invoker.h"
#include "adapters/net/lambda/http_lambda_invoker.h"
#include "adapters/platform/audit/jsonl_audit_log.h"
#include "adapters/platform/clock/system_clock.h"
#include "adapters/platform/clock/tz_time_zones.h"
#include "adapters/security/crypto/argon2id_pin_hasher.h"
#include "adapters/security/crypto/hmac_code_hasher.h"
#include "adapters/security/crypto/secret_fingerprint.h"
#include "adapters/security/crypto/secret_key_file.h"
#include "adapters/security/crypto/sodium_random.h"
#include "adapters/security/crypto/state_cipher.h"
#include "adapters/security/token/key_ring.h"
#include "adapters/security/token/token_service.h"
#include "adapters/security/token/verdict_jwt.h"
#include "adapters/sms/failover/failover_sms_sender.h"
#include "adapters/sms/kannel/kannel_dlr_token.h"
#include "adapters/sms/kannel/kannel_sms_sender.h"
#include "adapters/sms/outbox/outbox_sms_sender.h"
#include "adapters/sms/sns/sns_sms_sender.h"
#include "adapters/sms/twilio/twilio_sms_sender.h"
#include "adapters/storage/postgres/pg_database.h"
#include "adapters/storage/sqlite/sqlite_database.h"
#include "app/wiring/credential_verifiers.h"
#include "app/wiring/lex_bots.h"
#include "app/wiring/staff_wiring.h"
#include "app/wiring/storage_backends.h"
#include "channels/console/handoff_feed.h"
#include "channels/twilio_voice/parked_call.h"
#include "channels/twilio_voice/voice_runtime.h"
#include "functions/action_links.h"
#include "functions/add_member.h"
#include "functions/builtin.h"
#include "functions/connect_data.h"
#include "functions/connect_hours.h"
#include "functions/external_lambda.h"
#include "functions/issue_action_link.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/send_unlock_code.h"
#include "functions/staff_sign_in.h"
#include "functions/verdict_issuer.h"
#include "functions/verify_otp.h"
#include "functions/verify_pin.h"
#include "functions/verify_unlock_code.h"

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

// The SMS sender for config.sms.providers, with the HTTP client and delivery store they need:
// one provider's sender as it is, or two or more behind a FailoverSmsSender (in list order,
// each with its own circuit breaker). The providers share the retrying HTTP client.
Status buildSmsSender(const Config& config, const std::string& otpSecret, Services& s) {
  const SmsConfig& sms = config.sms;
  if (sms.primary() == SmsProvider::kOutbox) {
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
  std::vector<std::unique_ptr<TrackedSmsSender>> senders;
  for (SmsProvider provider : sms.providers) {
    switch (provider) {
      case SmsProvider::kOutbox:
        return Error::invalidArgument("sms.providers may list outbox only alone");
      case SmsProvider::kTwilio:
        senders.push_back(std::make_unique<TwilioSmsSender>(sms.twilio, *s.http, tracking));
        break;
      case SmsProvider::kSns:
        senders.push_back(std::make_unique<SnsSmsSender>(sms.sns, *s.http, tracking));
        break;
      case SmsProvider::kKannel:
        s.kannelDlrTokens = std::make_unique<KannelDlrToken>(otpSecret);
        senders.push_back(
            std::make_unique<KannelSmsSender>(sms.kannel, *s.kannelDlrTokens, *s.http, tracking));
        break;
    }
  }
  if (senders.size() == 1) {
    s.sms = std::move(senders.front());
  } else {
    s.sms = std::make_unique<FailoverSmsSender>(std::move(senders), sms.breaker, *s.clock);
  }
  return okStatus();
}

// One ExternalLambda per [lambdas] entry, registered under its key (the ARN or name flows
// write), and the [functions] map as aliases, so dynamic ARNs resolve as static ones do.
Status addExternalLambdas(const Config& config, Services& s) {
  for (const auto& [arnOrName, function] : config.functionMap) {
    s.functions.addAlias(arnOrName, function);
  }
  if (config.lambdas.empty()) return okStatus();
  CurlHttpClientOptions curl;
  curl.connectTimeout = Millis(2000);
  curl.requestTimeout = Millis(8000);  // each call sets its block's InvocationTimeLimitSeconds
  // Room above Connect's 32 KB limit, so an oversized answer is refused by that rule.
  curl.maxResponseBytes = 2 * kMaxLambdaResponseBytes;
  s.lambdaHttp = std::make_unique<CurlHttpClient>(curl);
  for (const auto& [key, lambda] : config.lambdas) {
    if (s.functions.find(key) != nullptr) {
      return Error::invalidArgument("lambdas.\"" + key + "\" is the name of a built-in function");
    }
    std::unique_ptr<ExternalLambdaInvoker> invoker;
    if (lambda.http) {
      invoker = std::make_unique<HttpLambdaInvoker>(*lambda.http, *s.lambdaHttp);
    } else if (lambda.aws) {
      invoker = std::make_unique<AwsLambdaInvoker>(*lambda.aws, *s.lambdaHttp, *s.clock);
    } else {
      return Error::invalidArgument("lambdas.\"" + key + "\" has neither url nor AWS settings");
    }
    s.functions.addExternal(
        std::make_unique<ExternalLambda>(key, lambda.instanceArn, std::move(invoker)));
  }
  return okStatus();
}

// The reserved connect: functions behind the routing and data flow actions
// (core/flow/internal_functions.h), over [hours], [queues], [callbacks] and the stores.
Status addRoutingFunctions(const Config& config, Services& s) {
  const RoutingConfig& routing = config.routing;
  s.timeZones = std::make_unique<TzTimeZones>();
  std::vector<std::pair<std::string, std::string>> queueHours;
  for (const QueueInfo& q : routing.queues) {
    if (q.hours.empty()) continue;
    queueHours.emplace_back(q.name, q.hours);
    if (!q.id.empty()) queueHours.emplace_back(q.id, q.hours);
  }
  auto hours =
      CheckHoursOfOperation::create(routing.hours, std::move(queueHours), *s.timeZones, *s.clock);
  if (!hours.ok()) return hours.error();
  s.functions.add(std::move(*hours));
  s.functions.add(std::make_unique<CheckMetricData>(routing.queues));
  s.functions.add(std::make_unique<GetCustomerProfile>(*s.customers));
  s.functions.add(
      std::make_unique<CreateCallbackContact>(*s.callbacks, *s.clock, *s.audit, routing.callbacks));
  return okStatus();
}

}  // namespace

std::unique_ptr<AuditLog> buildAuditLog(const Config& config, const Clock& clock,
                                        token::KeyRing* keys) {
  AuditSigningKeys signing;
  if (keys != nullptr) signing = [keys] { return keys->current(); };
  return std::make_unique<JsonlAuditLog>(config.auditLog, clock, std::move(signing),
                                         config.auditCheckpointEvery);
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
  if (Status t = buildTokens(config, *s, *key); !t.ok()) return t.error();
  s->audit = buildAuditLog(config, *s->clock, s->keyRing.get());  // checkpoints: the JWT key

  s->contactAuthLedger = std::make_unique<ContactAuthLedger>(*s->contactAuth, *s->customers,
                                                             *s->clock, config.contactAuthTtl);
  ContactAuthLedger& ledger = *s->contactAuthLedger;
  OtpDeps deps{*s->customers, *s->challenges, *s->sms,    *s->hasher,      *s->random,
               *s->clock,     *s->audit,      config.otp, config.sms.guard};
  s->functions.add(std::make_unique<LookupCaller>(*s->customers, config.callerIdTrust));
  s->functions.add(std::make_unique<SendOtp>(deps));
  s->functions.add(std::make_unique<VerifyOtp>(deps, ledger));

  auto pinHasher = buildPinHasher(config);
  if (!pinHasher.ok()) return pinHasher.error();
  s->pinHasher = std::move(*pinHasher);
  auto verifier = makeCredentialVerifier(
      config, CredentialVerifierDeps{*s->credentials, *s->pinHasher, *s->customers, *s->clock});
  if (!verifier.ok()) return verifier.error();
  s->credentialVerifier = std::move(*verifier);
  PinDeps pinDeps{*s->customers, *s->credentials, *s->credentialVerifier,
                  *s->clock,     *s->audit,       config.pinLockout};
  s->functions.add(std::make_unique<VerifyPin>(pinDeps, ledger));
  if (Status t = buildStaffSignIn(*key, *s); !t.ok()) return t.error();
  // Self-service unlock: the code goes out through send-otp (its limits, caps and checks).
  s->functions.add(std::make_unique<SendUnlockCode>(
      UnlockCodeDeps{*s->customers, *s->credentials, *s->clock, *s->audit, config.pinLockout},
      *s->functions.find("send-otp")));
  s->functions.add(std::make_unique<VerifyUnlockCode>(deps, *s->credentials));

  LinkConfig links;
  links.publicBaseUrl = config.publicBaseUrl;
  links.ttl = config.linkTtl;
  links.perUserLimit = config.linkPerUserLimit;
  links.perUserWindow = config.linkPerUserWindow;
  links.brand = config.otp.brand;
  s->actionLinks = std::make_unique<ActionLinks>(LinkDeps{
      *s->customers, *s->grants, *s->sms, *s->hasher, *s->random, *s->clock, *s->audit, links});
  // With a directory verifying PINs, the number on file is the one it stated at sign-in.
  s->functions.add(std::make_unique<IssueActionLink>(
      *s->actionLinks, ledger,
      config.credentials.verifier == CredentialVerifierKind::kBuiltin
          ? LinkNumberSource::kCustomerStore
          : LinkNumberSource::kSignIn));
  s->verdictSigner = std::make_unique<token::KeyRingVerdictSigner>(*s->keyRing);
  s->handoffFeed = std::make_unique<console::HandoffFeed>(*s->handoffs);
  s->actionLinks->setHandoffs(s->handoffFeed.get());
  s->verdicts = std::make_unique<VerdictIssuer>(
      VerdictDeps{ledger, *s->customers, *s->verdictSigner, *s->random, *s->clock, *s->audit,
                  config.callerIdTrust, s->handoffFeed.get()},
      VerdictOptions{config.tokens.issuer, config.verdictTtl, config.verdictFullCallerNumber});
  s->functions.add(std::make_unique<IssueVerdict>(*s->verdicts));
  s->addMember = std::make_unique<AddMember>(*s->customers, *s->members, *s->clock, *s->audit);
  s->addMember->setHandoffs(s->handoffFeed.get());
  if (Status r = addRoutingFunctions(config, *s); !r.ok()) return r.error();
  if (Status l = addExternalLambdas(config, *s); !l.ok()) return l.error();
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
  options.verdicts = services.verdicts.get();
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

namespace {

// The same file, however the two paths spell it.
bool sameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  bool same = std::filesystem::equivalent(a, b, ec);
  return !ec && same;
}

// The library flow a configured flow names: its file in the directory, or its flow name.
std::shared_ptr<const flow::Flow> fromLibrary(const flow::FlowLibrary& library,
                                              const std::map<std::string, std::string>& files,
                                              const std::string& configured) {
  const std::string path = locateFlowFile(configured);
  for (const auto& [name, file] : files) {
    if (sameFile(file, path)) return library.find(name);
  }
  return library.find(configured);
}

// *.json files of `dir`, sorted, so loading (and its errors) do not depend on directory order.
Result<std::vector<std::filesystem::path>> flowFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string located = locateFlowFile(dir);
  if (!fs::is_directory(located, ec)) {
    return Error::invalidArgument("flows directory " + located + " is not a directory");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(located, ec)) {
    if (entry.path().extension() == ".json" && entry.is_regular_file(ec))
      files.push_back(entry.path());
  }
  if (ec) return Error::invalidArgument("cannot read flows directory " + located);
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::string> readFlowText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalidArgument("cannot read flow file " + path);
  constexpr std::streamsize kMaxFlowBytes = 1 << 20;
  std::string text(static_cast<size_t>(kMaxFlowBytes) + 1, '\0');
  in.read(text.data(), kMaxFlowBytes + 1);
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > static_cast<size_t>(kMaxFlowBytes)) {
    return Error::invalidArgument(path + ": flow is larger than 1 MiB");
  }
  return text;
}

flow::LoadOptions loadOptions(const Config& config, const std::string& path,
                              std::weak_ptr<const flow::FlowLibrary> library) {
  flow::LoadOptions options;
  std::set<std::string> external;
  for (const auto& [key, lambda] : config.lambdas) external.insert(key);
  options.resolveFunction = [map = config.functionMap,
                             external = std::move(external)](const std::string& arn) {
    return resolveFunctionName(arn, map, external);
  };
  options.resolveLexBot = lexBotResolver(config.lex);
  options.name = std::filesystem::path(path).stem().string();
  options.library = std::move(library);
  return options;
}

// The library being filled by loadFlowDirectory, with the file each flow came from.
struct LoadedDirectory {
  std::shared_ptr<flow::FlowLibrary> library;
  std::map<std::string, std::string> files;  // flow name -> file
};

// Loads every flow of `dir` into a new library; `all` collects every error (flow check) instead
// of stopping at the first.
Result<LoadedDirectory> loadDirectory(const std::string& dir, const Config& config,
                                      std::vector<std::string>* all) {
  auto files = flowFiles(dir);
  if (!files.ok()) return files.error();
  LoadedDirectory out;
  out.library = std::make_shared<flow::FlowLibrary>();
  for (const auto& file : *files) {
    const std::string path = file.string();
    auto text = readFlowText(path);
    if (!text.ok()) {
      if (!all) return text.error();
      all->push_back(text.error().message());
      continue;
    }
    flow::LoadOptions options = loadOptions(config, path, out.library);
    if (all) {
      for (const Error& e : flow::Flow::check(*text, options))
        all->push_back(path + ": " + e.message());
    }
    auto loaded = flow::Flow::load(*text, options);
    if (!loaded.ok()) {
      if (!all) return Error(loaded.error().code(), path + ": " + loaded.error().message());
      continue;
    }
    if (Status added = out.library->add(*loaded); !added.ok()) {
      if (!all) return Error(added.error().code(), path + ": " + added.error().message());
      all->push_back(path + ": " + added.error().message());
      continue;
    }
    out.files[(*loaded)->info().name] = path;
  }
  return out;
}

// "action 'x' (TransferToFlow): no flow 'y' in flows/" for each static target that is missing
// or of the wrong kind (a module where a flow is expected, or the other way round).
void checkTargets(const flow::Flow& f, const flow::FlowLibrary& library, const std::string& file,
                  std::vector<std::string>& problems) {
  for (const flow::Block& b : f.blocks()) {
    const flow::Template* target = nullptr;
    bool wantModule = false;
    if (const auto* t = std::get_if<flow::TransferToFlowParams>(&b.params)) target = &t->flow;
    if (const auto* m = std::get_if<flow::InvokeFlowModuleParams>(&b.params)) {
      target = &m->module;
      wantModule = true;
    }
    if (target == nullptr || !target->isStatic()) continue;
    std::string where = file + ": action '" + b.id + "' (" + std::string(b.typeName()) + "): ";
    auto found = library.find(target->source());
    if (!found) {
      problems.push_back(where + "no flow '" + target->source() + "' in the flows directory");
    } else if (found->info().isModule() != wantModule) {
      problems.push_back(where + "'" + target->source() + "' is " +
                         (wantModule ? "not a module" : "a module, not a flow"));
    }
  }
}

}  // namespace

Result<std::shared_ptr<const flow::FlowLibrary>> loadFlowDirectory(const std::string& dir,
                                                                   const Config& config) {
  auto loaded = loadDirectory(dir, config, nullptr);
  if (!loaded.ok()) return loaded.error();
  return std::shared_ptr<const flow::FlowLibrary>(std::move(loaded->library));
}

Result<flow::FlowCatalog> loadFlowCatalog(const Config& config, const std::string& defaultFlow,
                                          const std::map<std::string, std::string>& numbers) {
  flow::FlowCatalog flows;
  flows.defaultFlow = defaultFlow;
  LoadedDirectory directory;
  if (!config.flowsDir.empty()) {
    auto loaded = loadDirectory(config.flowsDir, config, nullptr);
    if (!loaded.ok()) return loaded.error();
    directory = std::move(*loaded);
    flows.library = directory.library;
  }
  std::vector<std::string> names{defaultFlow};
  for (const auto& [number, path] : numbers) {
    flows.byNumber[number] = path;
    names.push_back(path);
  }
  for (const std::string& name : names) {
    if (flows.byName.count(name)) continue;
    if (directory.library) {
      if (auto known = fromLibrary(*directory.library, directory.files, name)) {
        flows.byName[name] = known;
        continue;
      }
    }
    auto loaded = loadFlowFile(name, config, directory.library);
    if (!loaded.ok()) return loaded.error();
    flows.byName[name] = *loaded;
  }
  return flows;
}

std::vector<std::string> checkFlows(const std::string& path, const Config& config,
                                    std::vector<std::string>& warnings,
                                    std::vector<std::string>& summary) {
  std::vector<std::string> problems;
  auto describe = [&](const flow::Flow& f, const std::string& file, bool prefix) {
    for (const std::string& w : f.warnings()) warnings.push_back(prefix ? file + ": " + w : w);
    summary.push_back(file + " (" + std::to_string(f.blocks().size()) + " actions, starts at '" +
                      f.startBlock().id + "'" + (f.info().isModule() ? ", module" : "") + ")");
  };
  std::error_code ec;
  if (std::filesystem::is_directory(locateFlowFile(path), ec)) {
    auto loaded = loadDirectory(path, config, &problems);
    if (!loaded.ok()) return {loaded.error().message()};
    for (const auto& [name, flow] : loaded->library->byName()) {
      const std::string& file = loaded->files.at(name);
      describe(*flow, file, true);
      checkTargets(*flow, *loaded->library, file, problems);
    }
    return problems;
  }
  const std::string located = locateFlowFile(path);
  auto text = readFlowText(located);
  if (!text.ok()) return {text.error().message()};
  flow::LoadOptions options = loadOptions(config, located, {});
  for (const Error& e : flow::Flow::check(*text, options))
    problems.push_back(located + ": " + e.message());
  if (!problems.empty()) return problems;
  auto loaded = flow::Flow::load(*text, options);
  if (!loaded.ok()) return {located + ": " + loaded.error().message()};
  describe(**loaded, path, false);
  return problems;
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

Result<std::shared_ptr<const flow::Flow>> loadFlowFile(
    const std::string& requested, const Config& config,
    std::weak_ptr<const flow::FlowLibrary> library) {
  const std::string path = locateFlowFile(requested);
  auto text = readFlowText(path);
  if (!text.ok()) return text.error();
  auto loaded = flow::Flow::load(*text, loadOptions(config, path, std::move(library)));
  if (!loaded.ok()) return Error(loaded.error().code(), path + ": " + loaded.error().message());
  return loaded;
}

}  // namespace callgate::app
