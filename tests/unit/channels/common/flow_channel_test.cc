// What every channel shares when a flow invokes a function: the request carries the block's time
// limit as a deadline, and a request that waited past it in a queue is never started.
#include "channels/common/flow_channel.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

class CountingFunction : public Function {
 public:
  std::string_view name() const override { return "counting"; }
  Result<StringMap> invoke(const FunctionRequest&) override {
    ++calls;
    return StringMap{{"ok", "yes"}};
  }
  int calls = 0;
};

TEST(InvokeLoggedTest, ARequestPastItsDeadlineIsNeverStarted) {
  CountingFunction fn;
  FunctionRequest request;
  request.deadline = std::chrono::steady_clock::now() - std::chrono::milliseconds(1);
  auto late = invokeLogged(fn, request);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(fn.calls, 0);

  request.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  EXPECT_TRUE(invokeLogged(fn, request).ok());
  request.deadline.reset();  // no limit known (the Connect endpoints)
  EXPECT_TRUE(invokeLogged(fn, request).ok());
  EXPECT_EQ(fn.calls, 2);
}

}  // namespace
}  // namespace callgate
