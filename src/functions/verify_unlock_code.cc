#include "functions/verify_unlock_code.h"

#include "common/metrics_catalog.h"
#include "core/customer.h"
#include "core/phone.h"
#include "core/verdict.h"

namespace callgate {

namespace {

StringMap outcome(const char* unlockResult) {
  return {{"lambdaResult", "Success"},
          {"unlockResult", unlockResult},
          {std::string(kAuthenticatedKey), std::string(kFalse)}};
}

std::string parameter(const FunctionRequest& request, const char* key) {
  auto it = request.parameters.find(key);
  return it == request.parameters.end() ? std::string() : it->second;
}

}  // namespace

Result<StringMap> VerifyUnlockCode::invoke(const FunctionRequest& request) {
  const std::string userId = parameter(request, "userId");
  const std::string code = parameter(request, "code");
  if (!isWellFormedUserId(userId)) return outcome("Invalid");
  auto customer = deps_.customers.findByUserId(userId);
  if (!customer.ok()) return customer.error();
  if (!customer->has_value()) return outcome("Invalid");
  const std::string& phone = (*customer)->phone;

  auto latest = deps_.challenges.latest(phone);
  if (!latest.ok()) return latest.error();
  if (!latest->has_value()) return outcome("Invalid");
  const Challenge& challenge = **latest;
  const TimePoint now = deps_.clock.now();
  if (challenge.state != ChallengeState::kActive || now >= challenge.expiresAt) {
    return outcome("Invalid");
  }

  // A malformed entry is checked like any other wrong code, so it counts as an attempt too.
  const bool match = isWellFormedOtp(deps_.config, code) &&
                     deps_.hasher.matches(challenge.codeHash, otpHashInput(phone, code));
  if (!match) {
    auto after = deps_.challenges.recordFailure(challenge.id);
    if (!after.ok()) return after.error();
    deps_.audit.record("pin_unlock_code_failed", {{"user_id", userId},
                                                  {"challenge", std::to_string(challenge.id)},
                                                  {"attempts", std::to_string(after->attempts)}});
    return outcome("Invalid");
  }

  // Used up before the unlock: two callers racing with one code unlock once.
  auto won = deps_.challenges.redeem(challenge.id, now, std::nullopt);
  if (!won.ok()) return won.error();
  if (!*won) return outcome("Invalid");
  auto cleared = credentials_.unlock(userId);
  if (!cleared.ok()) return cleared.error();
  metrics::pinSelfServiceUnlocks().with().inc();
  deps_.audit.record("pin_unlocked_self_service", {{"user_id", userId},
                                                   {"phone", maskPhone(phone)},
                                                   {"challenge", std::to_string(challenge.id)},
                                                   {"had_failures", *cleared ? "true" : "false"}});
  return outcome("Unlocked");
}

}  // namespace callgate
