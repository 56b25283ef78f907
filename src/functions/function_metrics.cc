#include "functions/function_metrics.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "common/metrics_catalog.h"
#include "functions/builtin.h"

namespace callgate {

namespace {

using Words = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// The label for the result map's `key` (a word the function answers), else "other".
std::string_view outcomeOf(const StringMap& result, const char* key, Words words) {
  auto it = result.find(key);
  if (it == result.end()) return metrics::kOtherLabel;
  for (const auto& [word, label] : words) {
    if (it->second == word) return label;
  }
  return metrics::kOtherLabel;
}

void countOutcome(std::string_view name, const Result<StringMap>& result) {
  metrics::CounterFamily* family = nullptr;
  if (name == "send-otp") family = &metrics::otpSends();
  if (name == "verify-otp") family = &metrics::otpVerifies();
  if (name == "verify-pin") family = &metrics::pinVerifies();
  if (family == nullptr) return;
  if (!result.ok()) {
    // A request that was unusable (no caller number, no code) differs from a store or gateway
    // failure, which an operator must look at.
    family
        ->with({result.error().code() == ErrorCode::kInvalidArgument ? "invalid_request" : "error"})
        .inc();
    return;
  }
  std::string_view outcome;
  if (name == "send-otp") {
    outcome = outcomeOf(*result, "otpResult",
                        {{"Sent", "sent"},
                         {"RateLimited", "rate_limited"},
                         {"SendFailed", "send_failed"},
                         {"Refused", "refused"}});
  } else if (name == "verify-otp") {
    outcome = outcomeOf(*result, "otpResult",
                        {{"Verified", "verified"},
                         {"Invalid", "invalid"},
                         {"Locked", "locked"},
                         {"Expired", "expired"},
                         {"NoChallenge", "no_challenge"}});
  } else {
    outcome = outcomeOf(*result, "authResult",
                        {{"Authenticated", "authenticated"},
                         {"Denied", "denied"},
                         {"Locked", "locked"},
                         {"Unavailable", "unavailable"}});
  }
  family->with({outcome}).inc();
}

}  // namespace

std::string_view functionLabel(std::string_view name) {
  const auto& builtins = builtinFunctionNames();
  if (std::find(builtins.begin(), builtins.end(), name) != builtins.end()) return name;
  if (name.starts_with("connect:")) return name;
  return "external";
}

Result<StringMap> invokeMeasured(Function& fn, const FunctionRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  Result<StringMap> result = fn.invoke(request);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics::functionDuration().with({functionLabel(fn.name())}).observe(seconds);
  countOutcome(fn.name(), result);
  return result;
}

}  // namespace callgate
