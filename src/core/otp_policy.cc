#include "core/otp_policy.h"

#include <algorithm>

namespace callgate {

Status validateOtpConfig(const OtpConfig& c) {
  if (c.digits < 4 || c.digits > 10) return Error::invalidArgument("otp.digits must be 4..10");
  if (c.ttl < Seconds(30) || c.ttl > Seconds(3600)) {
    return Error::invalidArgument("otp.ttl_seconds must be 30..3600");
  }
  if (c.maxAttempts < 1 || c.maxAttempts > 10) {
    return Error::invalidArgument("otp.max_attempts must be 1..10");
  }
  if (c.perNumberLimit < 1) return Error::invalidArgument("otp.per_number_limit must be >= 1");
  if (c.perPrefixLimit < 1) return Error::invalidArgument("otp.per_prefix_limit must be >= 1");
  if (c.perNumberWindow < Seconds(1) || c.perPrefixWindow < Seconds(1)) {
    return Error::invalidArgument("otp rate windows must be >= 1 second");
  }
  if (c.dailySendLimit < 1 || c.dailyFailureLimit < 1 || c.maxConsecutiveFailures < 1 ||
      c.maxConsecutiveFailures > 100) {
    return Error::invalidArgument(
        "otp.daily_send_limit and otp.daily_failure_limit must be >= 1, "
        "otp.max_consecutive_failures 1..100");
  }
  if (c.prefixLength < 3 || c.prefixLength > 12) {
    return Error::invalidArgument("otp.prefix_length must be 3..12");
  }
  if (c.brand.empty() || c.brand.size() > 40) {
    return Error::invalidArgument("otp.brand must be 1..40 characters");
  }
  return okStatus();
}

std::string generateOtpCode(Random& random, int digits) {
  std::string code;
  code.reserve(static_cast<size_t>(digits));
  for (int i = 0; i < digits; ++i) code.push_back(static_cast<char>('0' + random.uniform(10)));
  return code;
}

std::string otpHashInput(const std::string& e164, const std::string& code) {
  return "callgate-otp-v1|" + e164 + "|" + code;
}

std::string otpMessageBody(const OtpConfig& config, const std::string& code) {
  return "Welcome to " + config.brand + ", your one-time PIN is " + code;
}

std::string otpRatePrefix(const OtpConfig& config, const std::string& e164) {
  return e164.substr(0, std::min(e164.size(), static_cast<size_t>(config.prefixLength)));
}

bool isWellFormedOtp(const OtpConfig& config, const std::string& input) {
  return input.size() == static_cast<size_t>(config.digits) &&
         std::all_of(input.begin(), input.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace callgate
