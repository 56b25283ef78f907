#include "adapters/net/lambda/http_lambda_invoker.h"

namespace callgate {

HttpLambdaInvoker::HttpLambdaInvoker(HttpLambdaOptions options, HttpClient& http)
    : options_(std::move(options)), http_(http) {}

Result<std::string> HttpLambdaInvoker::invoke(std::string_view event, Millis timeout) {
  HttpClientRequest request;
  request.method = "POST";
  request.url = options_.url;
  request.headers = options_.headers;
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::string(event);
  request.timeout = timeout;
  Result<HttpClientResponse> response = http_.send(request);
  if (!response.ok()) return response.error();
  if (response->status < 200 || response->status > 299) {
    return Error::unavailable("Lambda endpoint answered HTTP " + std::to_string(response->status));
  }
  return std::move(response->body);
}

}  // namespace callgate
