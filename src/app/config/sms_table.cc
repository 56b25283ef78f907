// [sms], [sms.twilio], [sms.sns], [sms.kannel]: the providers (in failover order) and their
// circuit breakers, each provider's table (the sender's own config), the HTTP retry settings,
// and the checks that every listed provider has what it needs.

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "adapters/net/http_client/http_client.h"
#include "app/config/config_tables.h"

namespace callgate::app {

namespace detail {

namespace {

constexpr Words<SnsSmsType, 2> kSnsSmsTypes{
    {{"Transactional", SnsSmsType::kTransactional}, {"Promotional", SnsSmsType::kPromotional}}};

bool hasKey(const std::vector<std::string>& keys, const char* key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// `provider = "x"` (a list of one) or `providers = ["x", "y"]` (failover order), not both.
Status readProviders(TableReader& sms, SmsConfig& out) {
  const std::vector<std::string> present = std::as_const(sms).keys();
  const bool one = hasKey(present, "provider");
  const bool list = hasKey(present, "providers");
  if (one && list) {
    return sms.invalid("providers",
                       "and sms.provider are both set: list every provider in providers alone");
  }
  if (one) {
    SmsProvider provider = out.primary();
    sms.choice("provider", provider, kSmsProviders);
    out.providers = {provider};
  }
  if (!list) return okStatus();
  std::vector<std::string> names;
  sms.stringList("providers", names);
  if (names.empty()) {
    return sms.invalid("providers", "must be a non-empty array of provider names");
  }
  std::vector<SmsProvider> providers;
  for (const std::string& name : names) {
    const auto p = parseWord(kSmsProviders, name);
    if (!p) {
      return sms.invalid("providers", "must list " + listWords(kSmsProviders) + " (got \"" +
                                          name.substr(0, 40) + "\")");
    }
    if (std::find(providers.begin(), providers.end(), *p) != providers.end()) {
      return sms.invalid("providers", "lists \"" + name + "\" twice");
    }
    providers.push_back(*p);
  }
  if (providers.size() > 1 &&
      std::find(providers.begin(), providers.end(), SmsProvider::kOutbox) != providers.end()) {
    return sms.invalid("providers",
                       "may list outbox only alone (it is a local file, not a provider to fail "
                       "over to or from)");
  }
  out.providers = std::move(providers);
  return okStatus();
}

// allowed_countries, refused_number_types, max_per_hour, max_per_country_per_hour.
Status readGuard(TableReader& sms, SmsGuardPolicy& guard) {
  std::vector<std::string> countries;
  sms.stringList("allowed_countries", countries);
  for (const std::string& c : countries) {
    const bool iso = c.size() == 2 && std::all_of(c.begin(), c.end(),
                                                  [](char ch) { return ch >= 'A' && ch <= 'Z'; });
    if (!iso) {
      return sms.invalid(
          "allowed_countries",
          "must list ISO 3166-1 alpha-2 codes such as \"US\" (got \"" + c.substr(0, 20) + "\")");
    }
  }
  if (!countries.empty()) guard.allowedCountries = std::move(countries);
  const std::vector<std::string> present = std::as_const(sms).keys();
  if (hasKey(present, "refused_number_types")) {
    std::vector<std::string> names;
    sms.stringList("refused_number_types", names);
    std::vector<PhoneType> types;
    for (const std::string& name : names) {
      const auto type = parsePhoneType(name);
      if (!type) {
        return sms.invalid("refused_number_types",
                           "must list premium_rate, shared_cost, toll_free, uan, voicemail, "
                           "pager, voip, personal_number, mobile, fixed_line, "
                           "fixed_line_or_mobile or unknown (got \"" +
                               name.substr(0, 40) + "\")");
      }
      types.push_back(*type);
    }
    guard.refusedTypes = std::move(types);  // [] refuses no type
  }
  sms.integer("max_per_hour", guard.maxPerHour, 0, 10000000);
  sms.integer("max_per_country_per_hour", guard.maxPerCountryPerHour, 0, 10000000);
  sms.integer("conversion_min_sample", guard.conversion.minSample, 0, 10000);
  sms.fraction("conversion_min_ratio", guard.conversion.minRatio);
  sms.integer("conversion_prefix_digits", guard.conversion.prefixDigits, 1, 8);
  sms.seconds("conversion_window_seconds", guard.conversion.window, 60, 7 * 86400);
  sms.seconds("conversion_throttle_seconds", guard.conversion.throttle, 60, 7 * 86400);
  return okStatus();
}

}  // namespace

Status readSmsTable(TableReader& sms, SmsConfig& out) {
  if (auto s = readProviders(sms, out); !s.ok()) return s;
  if (auto s = readGuard(sms, out.guard); !s.ok()) return s;
  sms.integer("breaker_failures", out.breaker.failures, 1, 100);
  sms.seconds("breaker_cooldown_seconds", out.breaker.cooldown, 1, 3600);
  sms.seconds("breaker_window_seconds", out.breaker.window, 1, 86400);
  sms.str("sink", out.sink);
  sms.integer("connect_timeout_ms", out.http.connectTimeoutMs, 100, 60000);
  sms.integer("attempt_timeout_ms", out.http.attemptTimeoutMs, 100, 60000);
  sms.integer("max_attempts", out.http.maxAttempts, 1, 10);
  sms.integer("total_timeout_ms", out.http.totalTimeoutMs, 100, 120000);
  TableReader twilio = sms.sub("twilio");
  twilio.str("account_sid", out.twilio.accountSid);
  twilio.str("auth_token", out.twilio.authToken);
  twilio.str("from", out.twilio.from);
  twilio.str("messaging_service_sid", out.twilio.messagingServiceSid);
  twilio.str("base_url", out.twilio.baseUrl);
  twilio.str("status_callback_url", out.twilio.statusCallbackUrl);
  TableReader sns = sms.sub("sns");
  sns.str("region", out.sns.region);
  sns.str("access_key_id", out.sns.credentials.accessKeyId);
  sns.str("secret_access_key", out.sns.credentials.secretAccessKey);
  sns.str("session_token", out.sns.credentials.sessionToken);
  sns.str("endpoint", out.sns.endpoint);
  sns.str("sender_id", out.sns.senderId);
  sns.choice("sms_type", out.sns.smsType, kSnsSmsTypes);
  TableReader kannel = sms.sub("kannel");
  kannel.str("url", out.kannel.url);
  kannel.str("username", out.kannel.username);
  kannel.str("password", out.kannel.password);
  kannel.str("from", out.kannel.from);
  kannel.str("dlr_url", out.kannel.dlrUrl);
  kannel.integer("dlr_mask", out.kannel.dlrMask, 0, 31);
  for (TableReader* t : {&sms, &twilio, &sns, &kannel}) {
    if (auto s = t->finish(); !s.ok()) return s;
  }
  return okStatus();
}

}  // namespace detail

namespace {

std::string envOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

Status checkUrl(const std::string& key, const std::string& value, bool required) {
  if (value.empty()) {
    if (required) return Error::invalidArgument(key + " is not set");
    return okStatus();
  }
  auto url = splitUrl(value);
  if (!url.ok()) {
    return Error::invalidArgument(key + " is not a usable URL: " + url.error().message());
  }
  return okStatus();
}

bool allOf(const std::string& s, const char* alphabet) {
  return s.find_first_not_of(alphabet) == std::string::npos;
}

constexpr const char* kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

Status checkTwilio(const TwilioSmsConfig& t) {
  if (t.accountSid.size() != 34 || t.accountSid.rfind("AC", 0) != 0 ||
      !allOf(t.accountSid, kAlnum)) {
    return Error::invalidArgument(
        "sms.twilio.account_sid must be the 34-character Account SID (AC...)");
  }
  if (t.authToken.empty()) {
    return Error::invalidArgument(
        "sms.twilio.auth_token is not set (or set CALLGATE_TWILIO_AUTH_TOKEN)");
  }
  if (t.from.empty() && t.messagingServiceSid.empty()) {
    return Error::invalidArgument("sms.twilio needs from or messaging_service_sid");
  }
  if (!t.messagingServiceSid.empty() &&
      (t.messagingServiceSid.rfind("MG", 0) != 0 || !allOf(t.messagingServiceSid, kAlnum))) {
    return Error::invalidArgument("sms.twilio.messaging_service_sid must look like MG...");
  }
  if (auto s = checkUrl("sms.twilio.base_url", t.baseUrl, true); !s.ok()) return s;
  return checkUrl("sms.twilio.status_callback_url", t.statusCallbackUrl, false);
}

Status checkSns(const SnsSmsConfig& s) {
  if (s.region.empty() || !allOf(s.region, "abcdefghijklmnopqrstuvwxyz0123456789-")) {
    return Error::invalidArgument("sms.sns.region must be an AWS region such as us-east-1");
  }
  if (s.credentials.accessKeyId.empty() || s.credentials.secretAccessKey.empty()) {
    return Error::invalidArgument(
        "sms.sns needs access_key_id and secret_access_key (or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY in the environment)");
  }
  if (!allOf(s.credentials.accessKeyId, kAlnum)) {
    return Error::invalidArgument("sms.sns.access_key_id must be alphanumeric");
  }
  if (!s.senderId.empty() &&
      (s.senderId.size() < 3 || s.senderId.size() > 11 || !allOf(s.senderId, kAlnum))) {
    return Error::invalidArgument("sms.sns.sender_id must be 3 to 11 letters or digits");
  }
  return checkUrl("sms.sns.endpoint", s.endpoint, false);
}

Status checkKannel(const KannelSmsConfig& k) {
  if (auto s = checkUrl("sms.kannel.url", k.url, true); !s.ok()) return s;
  if (k.username.empty()) return Error::invalidArgument("sms.kannel.username is not set");
  if (k.password.empty()) {
    return Error::invalidArgument(
        "sms.kannel.password is not set (or set CALLGATE_KANNEL_PASSWORD)");
  }
  return checkUrl("sms.kannel.dlr_url", k.dlrUrl, false);
}

}  // namespace

std::string outboxPath(const Config& config) {
  return config.sms.sink.substr(std::string("outbox:").size());
}

Status resolveSmsConfig(SmsConfig& sms) {
  if (std::string token = envOrEmpty("CALLGATE_TWILIO_AUTH_TOKEN"); !token.empty()) {
    sms.twilio.authToken = token;
  }
  if (std::string password = envOrEmpty("CALLGATE_KANNEL_PASSWORD"); !password.empty()) {
    sms.kannel.password = password;
  }
  // The AWS trio is taken together, so a key id never pairs with another source's secret.
  if (sms.sns.credentials.secretAccessKey.empty()) {
    sms.sns.credentials.accessKeyId = envOrEmpty("AWS_ACCESS_KEY_ID");
    sms.sns.credentials.secretAccessKey = envOrEmpty("AWS_SECRET_ACCESS_KEY");
    sms.sns.credentials.sessionToken = envOrEmpty("AWS_SESSION_TOKEN");
  }
  if (sms.sink.rfind("outbox:", 0) != 0 || sms.sink.size() == 7) {
    return Error::invalidArgument("sms.sink must be outbox:PATH");
  }
  for (SmsProvider provider : sms.providers) {
    Status checked = okStatus();
    switch (provider) {
      case SmsProvider::kOutbox:
        break;
      case SmsProvider::kTwilio:
        checked = checkTwilio(sms.twilio);
        break;
      case SmsProvider::kSns:
        checked = checkSns(sms.sns);
        break;
      case SmsProvider::kKannel:
        checked = checkKannel(sms.kannel);
        break;
    }
    if (!checked.ok()) return checked;
  }
  return okStatus();
}

bool SmsConfig::uses(SmsProvider p) const {
  return std::find(providers.begin(), providers.end(), p) != providers.end();
}

}  // namespace callgate::app
