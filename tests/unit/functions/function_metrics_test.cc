// invokeMeasured: the run time of every function and the outcome of the authentication ones,
// read from the map they answer. The registry is process-wide, so tests compare deltas.
#include "functions/function_metrics.h"

#include <gtest/gtest.h>

#include "common/metrics_catalog.h"

namespace callgate {
namespace {

class CannedFunction : public Function {
 public:
  CannedFunction(std::string name, Result<StringMap> answer)
      : name_(std::move(name)), answer_(std::move(answer)) {}
  std::string_view name() const override { return name_; }
  Result<StringMap> invoke(const FunctionRequest&) override { return answer_; }

 private:
  std::string name_;
  Result<StringMap> answer_;
};

TEST(FunctionMetricsTest, CountsOtpOutcomesFromTheAnswer) {
  auto& verified = metrics::otpVerifies().with({"verified"});
  auto& expired = metrics::otpVerifies().with({"expired"});
  auto& timing = metrics::functionDuration().with({"verify-otp"});
  const uint64_t verified0 = verified.value(), expired0 = expired.value();
  const uint64_t timing0 = timing.count();
  CannedFunction ok("verify-otp", StringMap{{"otpResult", "Verified"}});
  CannedFunction late("verify-otp", StringMap{{"otpResult", "Expired"}});
  ASSERT_TRUE(invokeMeasured(ok, {}).ok());
  ASSERT_TRUE(invokeMeasured(late, {}).ok());
  EXPECT_EQ(verified.value(), verified0 + 1);
  EXPECT_EQ(expired.value(), expired0 + 1);
  EXPECT_EQ(timing.count(), timing0 + 2);
}

TEST(FunctionMetricsTest, ErrorsAreInvalidRequestOrError) {
  auto& invalid = metrics::otpSends().with({"invalid_request"});
  auto& error = metrics::otpSends().with({"error"});
  const uint64_t invalid0 = invalid.value(), error0 = error.value();
  CannedFunction bad("send-otp", Error::invalidArgument("no number"));
  CannedFunction down("send-otp", Error::unavailable("database away"));
  EXPECT_FALSE(invokeMeasured(bad, {}).ok());
  EXPECT_FALSE(invokeMeasured(down, {}).ok());
  EXPECT_EQ(invalid.value(), invalid0 + 1);
  EXPECT_EQ(error.value(), error0 + 1);
}

TEST(FunctionMetricsTest, PinOutcomes) {
  auto& denied = metrics::pinVerifies().with({"denied"});
  const uint64_t denied0 = denied.value();
  CannedFunction fn("verify-pin", StringMap{{"authResult", "Denied"}});
  ASSERT_TRUE(invokeMeasured(fn, {}).ok());
  EXPECT_EQ(denied.value(), denied0 + 1);
}

TEST(FunctionMetricsTest, OnlyOurFunctionNamesBecomeLabels) {
  EXPECT_EQ(functionLabel("lookup-caller"), "lookup-caller");
  EXPECT_EQ(functionLabel("connect:check-hours-of-operation"), "connect:check-hours-of-operation");
  EXPECT_EQ(functionLabel("arn:aws:lambda:us-east-1:123456789012:function:theirs"), "external");
  EXPECT_EQ(functionLabel("my-own-lambda"), "external");
}

}  // namespace
}  // namespace callgate
