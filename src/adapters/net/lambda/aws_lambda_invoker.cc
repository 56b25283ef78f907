#include "adapters/net/lambda/aws_lambda_invoker.h"

#include "common/form.h"

namespace callgate {

std::string AwsLambdaOptions::effectiveEndpoint() const {
  return endpoint.empty() ? "https://lambda." + region + ".amazonaws.com" : endpoint;
}

AwsLambdaInvoker::AwsLambdaInvoker(AwsLambdaOptions options, HttpClient& http, const Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {}

Result<HttpClientRequest> AwsLambdaInvoker::buildRequest(std::string_view event,
                                                         int64_t unixMillis) const {
  std::string base = options_.effectiveEndpoint();
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string path =
      "/2015-03-31/functions/" + http::percentEncode(options_.functionName) + "/invocations";
  const std::string query =
      options_.qualifier.empty() ? "" : "Qualifier=" + http::percentEncode(options_.qualifier);
  const std::string url = base + path + (query.empty() ? "" : "?" + query);
  auto parts = splitUrl(url);
  if (!parts.ok()) return Error::invalidArgument("lambda: endpoint: " + parts.error().message());

  aws::SigV4Request toSign;
  toSign.method = "POST";
  // As sent (FunctionName already encoded once): canonicalPath() encodes it again, the double
  // encoding AWS's own SDKs sign for Lambda.
  toSign.path = parts->path;
  toSign.query = parts->query;
  toSign.body = std::string(event);
  const std::string date = aws::amzDate(unixMillis);
  toSign.headers = {{"Content-Type", "application/json"},
                    {"Host", parts->hostHeader()},
                    {"X-Amz-Date", date},
                    {"X-Amz-Invocation-Type", "RequestResponse"}};
  if (!options_.credentials.sessionToken.empty()) {
    toSign.headers.emplace_back("X-Amz-Security-Token", options_.credentials.sessionToken);
  }
  const aws::SigV4Scope scope{date, options_.region, "lambda"};

  HttpClientRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = toSign.headers;
  request.headers.emplace_back("Authorization",
                               aws::authorizationHeader(toSign, scope, options_.credentials));
  request.body = std::move(toSign.body);
  return request;
}

Result<std::string> AwsLambdaInvoker::invoke(std::string_view event, Millis timeout) {
  Result<HttpClientRequest> request = buildRequest(event, toUnixMillis(clock_.now()));
  if (!request.ok()) return request.error();
  request->timeout = timeout;
  Result<HttpClientResponse> response = http_.send(*request);
  if (!response.ok()) return response.error();
  if (auto functionError = response->header("x-amz-function-error")) {
    return Error::unavailable("Lambda function error (" + functionError->substr(0, 40) + ")");
  }
  if (response->status != 200) {
    const std::string type = response->header("x-amzn-errortype").value_or("");
    return Error::unavailable("Lambda Invoke answered HTTP " + std::to_string(response->status) +
                              (type.empty() ? "" : " (" + type.substr(0, 80) + ")"));
  }
  return std::move(response->body);
}

}  // namespace callgate
