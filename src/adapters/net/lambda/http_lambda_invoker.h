// HttpLambdaInvoker: a Lambda replaced by an HTTP(S) endpoint of the operator's. Each invocation
// is one POST of Connect's Lambda input event to `url` (Content-Type: application/json, plus the
// configured headers, e.g. an Authorization the endpoint checks); a 2xx answer's body is the
// function's response payload, anything else is a failed invocation. No retries: Connect gives
// the function one InvocationTimeLimitSeconds, and the block's Error branch is the fallback.
//
// Owns its options (headers may hold a secret, never logged); borrows the HttpClient. Blocking
// (see core/external_lambda.h); thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "adapters/net/http_client/http_client.h"
#include "core/external_lambda.h"

namespace callgate {

struct HttpLambdaOptions {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
};

class HttpLambdaInvoker final : public ExternalLambdaInvoker {
 public:
  HttpLambdaInvoker(HttpLambdaOptions options, HttpClient& http);
  Result<std::string> invoke(std::string_view event, Millis timeout) override;

 private:
  const HttpLambdaOptions options_;
  HttpClient& http_;
};

}  // namespace callgate
