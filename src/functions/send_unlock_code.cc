#include "functions/send_unlock_code.h"

#include "common/metrics_catalog.h"
#include "core/customer.h"

namespace callgate {

namespace {

StringMap requested() { return {{"lambdaResult", "Success"}, {"unlockResult", "Requested"}}; }

}  // namespace

Result<StringMap> SendUnlockCode::invoke(const FunctionRequest& request) {
  auto it = request.parameters.find("userId");
  const std::string userId = it == request.parameters.end() ? std::string() : it->second;
  auto notSent = [&](const std::string& reason) -> Result<StringMap> {
    std::vector<std::pair<std::string, std::string>> fields{{"reason", reason}};
    if (reason != "malformed_user_id") fields.emplace_back("user_id", userId);
    deps_.audit.record("pin_unlock_code_not_sent", fields);
    metrics::pinUnlockCodes().with({"not_sent"}).inc();
    return requested();
  };
  if (!isWellFormedUserId(userId)) return notSent("malformed_user_id");

  // Both reads happen for every id, known or not, locked or not.
  auto failures = deps_.credentials.pinFailures(userId);
  if (!failures.ok()) return failures.error();
  auto customer = deps_.customers.findByUserId(userId);
  if (!customer.ok()) return customer.error();
  if (!customer->has_value()) return notSent("unknown_user_id");
  // Only a locked id: otherwise anyone who knows a user id could have codes texted to its owner.
  if (!pinLockAt(deps_.lockout, *failures, deps_.clock.now()).locked()) {
    return notSent("not_locked");
  }

  FunctionRequest toNumberOnFile = request;
  toNumberOnFile.contact.customerAddress = (*customer)->phone;
  toNumberOnFile.parameters.clear();
  auto sent = sendOtp_.invoke(toNumberOnFile);
  if (!sent.ok()) return sent.error();
  auto result = sent->find("otpResult");
  const std::string otpResult = result == sent->end() ? "none" : result->second;
  if (otpResult != "Sent") return notSent(otpResult);
  deps_.audit.record("pin_unlock_code_sent", {{"user_id", userId}});
  metrics::pinUnlockCodes().with({"sent"}).inc();
  return requested();
}

}  // namespace callgate
