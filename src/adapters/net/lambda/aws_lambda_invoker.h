// AwsLambdaInvoker: a real AWS Lambda function called through Lambda's Invoke API, as Connect
// calls it:
//   POST {endpoint}/2015-03-31/functions/{FunctionName}/invocations[?Qualifier={qualifier}]
//   Content-Type: application/json
//   X-Amz-Invocation-Type: RequestResponse
//   (Host, X-Amz-Date, X-Amz-Security-Token with temporary credentials)
//   Authorization: AWS4-HMAC-SHA256 ... (SigV4, service "lambda", over every header above)
// with the event as the payload. The endpoint defaults to https://lambda.{region}.amazonaws.com
// (overridable for tests and VPC endpoints). A 200 answer is the function's payload unless it
// carries X-Amz-Function-Error (the function threw or timed out inside Lambda), which, like any
// other status, is a failed invocation; the error type header is kept, the payload is not.
//
// FunctionName is URI-encoded in the path (an ARN's ':' as %3A) and, as AWS requires for every
// service but S3, encoded once more in the canonical request that is signed.
//
// Owns its options (holding the secret key, never logged); borrows the HttpClient and Clock (the
// signing time). Blocking (see core/external_lambda.h); thread-safe.
#pragma once

#include <string>

#include "adapters/net/http_client/http_client.h"
#include "adapters/security/signing/aws_sigv4.h"
#include "core/external_lambda.h"
#include "core/ports.h"

namespace callgate {

struct AwsLambdaOptions {
  std::string functionName;  // a name, partial ARN or ARN, without qualifier
  std::string qualifier;     // a version or alias, "" for $LATEST
  std::string region;
  aws::Credentials credentials;
  std::string endpoint;  // "" = https://lambda.{region}.amazonaws.com

  std::string effectiveEndpoint() const;
};

class AwsLambdaInvoker final : public ExternalLambdaInvoker {
 public:
  AwsLambdaInvoker(AwsLambdaOptions options, HttpClient& http, const Clock& clock);
  Result<std::string> invoke(std::string_view event, Millis timeout) override;

  // The signed request invoke() sends at `unixMillis`, for tests.
  Result<HttpClientRequest> buildRequest(std::string_view event, int64_t unixMillis) const;

 private:
  const AwsLambdaOptions options_;
  HttpClient& http_;
  const Clock& clock_;
};

}  // namespace callgate
