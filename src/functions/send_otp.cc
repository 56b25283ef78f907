#include "functions/send_otp.h"

#include <spdlog/spdlog.h>

#include "core/phone.h"
#include "functions/lookup_caller.h"

namespace callgate {

namespace {
// otpResult names the outcome for a flow's Compare; lambdaResult/reason stay for flows written
// against the first version.
StringMap failure(const char* reason, const char* otpResult) {
  return {{"lambdaResult", "Error"}, {"reason", reason}, {"otpResult", otpResult}};
}
}  // namespace

Result<StringMap> SendOtp::invoke(const FunctionRequest& request) {
  if (request.contact.customerAddress.empty()) {
    return Error::invalidArgument("CustomerEndpoint.Address is empty: no number to send a PIN to");
  }
  auto caller = callerNumber(request.contact);
  if (!caller.ok()) return caller.error();
  const std::string& phone = caller->str();
  const OtpConfig& cfg = deps_.config;
  const TimePoint now = deps_.clock.now();

  auto perNumber = deps_.challenges.countCreatedSince(phone, now - cfg.perNumberWindow);
  if (!perNumber.ok()) return perNumber.error();
  const std::string prefix = otpRatePrefix(cfg, phone);
  auto perPrefix = deps_.challenges.countCreatedSince(prefix, now - cfg.perPrefixWindow);
  if (!perPrefix.ok()) return perPrefix.error();
  if (*perNumber >= cfg.perNumberLimit || *perPrefix >= cfg.perPrefixLimit) {
    const bool numberLimited = *perNumber >= cfg.perNumberLimit;
    deps_.audit.record("otp_rate_limited", {{"phone", caller->masked()},
                                            {"limit", numberLimited ? "number" : "prefix"}});
    return failure("RateLimited", "RateLimited");
  }

  // The long run: a day's sends, a day's wrong codes, and wrong codes in a row.
  auto perDay = deps_.challenges.countCreatedSince(phone, now - kOtpDay);
  if (!perDay.ok()) return perDay.error();
  auto failures = deps_.challenges.countFailures(phone, now - kOtpDay);
  if (!failures.ok()) return failures.error();
  const char* longRunLimit = *perDay >= cfg.dailySendLimit                         ? "day"
                             : failures->since >= cfg.dailyFailureLimit            ? "day_failures"
                             : failures->consecutive >= cfg.maxConsecutiveFailures ? "failures"
                                                                                   : nullptr;
  if (longRunLimit != nullptr) {
    deps_.audit.record("otp_rate_limited", {{"phone", caller->masked()}, {"limit", longRunLimit}});
    return failure("RateLimited", "RateLimited");
  }

  // Against SMS pumping: where the text would go and how many went out this hour. A refusal
  // costs nothing (no challenge, no provider request) and is the flow's to speak.
  auto guarded = checkSmsGuard(deps_.guard, deps_.challenges, deps_.customers, phone,
                               request.contact.systemAddress, now);
  if (!guarded.ok()) return guarded.error();
  if (!guarded->refusal) {
    auto throttled = watch_.throttled(phone, now);
    if (!throttled.ok()) return throttled.error();
    if (*throttled) *guarded = {SmsRefusal::kThrottled, watch_.prefixOf(phone)};
  }
  if (guarded->refusal) {
    const std::string_view reason = smsRefusalName(*guarded->refusal);
    deps_.audit.record("otp_send_refused", {{"phone", caller->masked()},
                                            {"reason", std::string(reason)},
                                            {"detail", guarded->detail}});
    return StringMap{
        {"lambdaResult", "Error"}, {"otpResult", "Refused"}, {"reason", std::string(reason)}};
  }

  const std::string code = generateOtpCode(deps_.random, cfg.digits);
  Challenge challenge;
  challenge.phone = phone;
  challenge.codeHash = deps_.hasher.digest(otpHashInput(phone, code));
  // The language is the channel's word (Connect's LanguageCode); a malformed one is not stored.
  challenge.language =
      isLanguageTag(request.contact.languageCode) ? request.contact.languageCode : kDefaultLanguage;
  challenge.createdAt = now;
  challenge.expiresAt = now + cfg.ttl;
  challenge.maxAttempts = cfg.maxAttempts;
  auto id = deps_.challenges.replace(challenge);
  if (!id.ok()) return id.error();
  watch_.recordSend(phone, *id, now);

  auto sent = deps_.sms.send({phone, otpMessageBody(cfg, code)});
  if (!sent.ok()) {
    // The challenge stays: the provider may have taken the text before failing us, and it still
    // counts against the send limits, so a failing gateway cannot be used to pump messages.
    spdlog::warn("event=sms_failed phone={} code={} error=\"{}\"", caller->masked(),
                 errorCodeName(sent.error().code()), sent.error().message());
    deps_.audit.record("otp_send_failed", {{"phone", caller->masked()},
                                           {"challenge", std::to_string(*id)},
                                           {"error", errorCodeName(sent.error().code())}});
    return failure("SmsFailed", "SendFailed");
  }
  deps_.audit.record("otp_sent", {{"phone", caller->masked()}, {"challenge", std::to_string(*id)}});
  return StringMap{{"lambdaResult", "Success"}, {"otpResult", "Sent"}};
}

}  // namespace callgate
