#include "functions/send_otp.h"

#include <spdlog/spdlog.h>

#include "core/phone.h"
#include "functions/lookup_caller.h"

namespace callgate {

namespace {
StringMap failure(const char* reason) { return {{"lambdaResult", "Error"}, {"reason", reason}}; }
}  // namespace

Result<StringMap> SendOtp::invoke(const FunctionRequest& request) {
  if (request.contact.customerAddress.empty()) {
    return Error::invalidArgument("CustomerEndpoint.Address is empty: no number to send a PIN to");
  }
  auto phone = callerNumber(request.contact);
  if (!phone.ok()) return phone.error();
  const OtpConfig& cfg = deps_.config;
  const TimePoint now = deps_.clock.now();

  auto perNumber = deps_.challenges.countCreatedSince(*phone, now - cfg.perNumberWindow);
  if (!perNumber.ok()) return perNumber.error();
  const std::string prefix = otpRatePrefix(cfg, *phone);
  auto perPrefix = deps_.challenges.countCreatedSince(prefix, now - cfg.perPrefixWindow);
  if (!perPrefix.ok()) return perPrefix.error();
  if (*perNumber >= cfg.perNumberLimit || *perPrefix >= cfg.perPrefixLimit) {
    const bool numberLimited = *perNumber >= cfg.perNumberLimit;
    deps_.audit.record("otp_rate_limited", {{"phone", maskPhone(*phone)},
                                            {"limit", numberLimited ? "number" : "prefix"}});
    return failure("RateLimited");
  }

  const std::string code = generateOtpCode(deps_.random, cfg.digits);
  Challenge challenge;
  challenge.phone = *phone;
  challenge.codeHash = deps_.hasher.digest(otpHashInput(*phone, code));
  // The language is the channel's word (Connect's LanguageCode); a malformed one is not stored.
  challenge.language =
      isLanguageTag(request.contact.languageCode) ? request.contact.languageCode : kDefaultLanguage;
  challenge.createdAt = now;
  challenge.expiresAt = now + cfg.ttl;
  challenge.maxAttempts = cfg.maxAttempts;
  auto id = deps_.challenges.replace(challenge);
  if (!id.ok()) return id.error();

  auto sent = deps_.sms.send({*phone, otpMessageBody(cfg, code)});
  if (!sent.ok()) {
    spdlog::warn("event=sms_failed phone={} error=\"{}\"", maskPhone(*phone), sent.error().message());
    deps_.audit.record("otp_send_failed", {{"phone", maskPhone(*phone)}, {"challenge", std::to_string(*id)}});
    return failure("SmsFailed");
  }
  deps_.audit.record("otp_sent", {{"phone", maskPhone(*phone)}, {"challenge", std::to_string(*id)}});
  return StringMap{{"lambdaResult", "Success"}};
}

}  // namespace callgate
