// ExternalLambda: a Lambda function that is not ours, called the way Amazon Connect calls one
// from InvokeLambdaFunction. It sends Connect's Lambda input event for the contact through an
// ExternalLambdaInvoker (an HTTP endpoint or AWS Lambda's Invoke API, chosen by config) within
// the block's InvocationTimeLimitSeconds, and reads the answer with Connect's response rules
// (core/external_lambda.h: 32 KB, STRING_MAP or JSON validation).
// Any failure (no answer in time, transport, function error, a response breaking those rules) is
// an error, so the block takes its Error branch. Owns its invoker; stateless otherwise;
// thread-safe when the invoker is.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/external_lambda.h"
#include "functions/function.h"

namespace callgate {

class ExternalLambda final : public Function {
 public:
  // `name`: the ARN or name flows use (the registry key). `instanceArn`: sent as
  // ContactData.InstanceARN ("" when not configured).
  ExternalLambda(std::string name, std::string instanceArn,
                 std::unique_ptr<ExternalLambdaInvoker> invoker);

  std::string_view name() const override { return name_; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

  // The event sent for `request` (JSON text), for tests.
  std::string event(const FunctionRequest& request) const;

 private:
  const std::string name_;
  const std::string instanceArn_;
  const std::unique_ptr<ExternalLambdaInvoker> invoker_;
};

}  // namespace callgate
