#include <gtest/gtest.h>

#include "adapters/net/lambda/aws_lambda_invoker.h"
#include "adapters/net/lambda/http_lambda_invoker.h"
#include "unit/adapters/net/http_client/http_client_fakes.h"

namespace callgate {
namespace {

using testing::ScriptedHttpClient;

constexpr int64_t kSigningTime = 1'800'014'400'000;  // 2027-01-15T12:00:00Z
constexpr const char* kEvent = R"({"Name":"ContactFlowEvent"})";
constexpr const char* kArn = "arn:aws:lambda:us-east-1:123456789012:function:crm-lookup";

class FixedClock : public Clock {
 public:
  TimePoint now() const override { return fromUnixMillis(kSigningTime); }
};

std::string header(const HttpClientRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (k == name) return v;
  }
  return "(missing)";
}

TEST(HttpLambdaInvokerTest, PostsTheEventWithinTheTimeout) {
  ScriptedHttpClient http;
  http.respond(200, R"({"ok":"yes"})");
  HttpLambdaInvoker invoker({"https://crm.example.com/connect", {{"Authorization", "Bearer t"}}},
                            http);
  Result<std::string> answer = invoker.invoke(kEvent, Millis(3000));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(*answer, R"({"ok":"yes"})");
  ASSERT_EQ(http.requests.size(), 1u);
  const HttpClientRequest& sent = http.requests[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "https://crm.example.com/connect");
  EXPECT_EQ(sent.body, kEvent);
  EXPECT_EQ(sent.timeout, Millis(3000));
  EXPECT_EQ(header(sent, "Content-Type"), "application/json");
  EXPECT_EQ(header(sent, "Authorization"), "Bearer t");
}

TEST(HttpLambdaInvokerTest, FailsOnAnyStatusButSuccess) {
  for (int status : {301, 400, 404, 500, 503}) {
    ScriptedHttpClient http;
    http.respond(status, R"({"ok":"yes"})");
    HttpLambdaInvoker invoker({"http://127.0.0.1:1/x", {}}, http);
    Result<std::string> answer = invoker.invoke(kEvent, Millis(1000));
    ASSERT_FALSE(answer.ok()) << status;
    EXPECT_EQ(answer.error().code(), ErrorCode::kUnavailable);
  }
}

TEST(HttpLambdaInvokerTest, PassesTransportErrorsOn) {
  ScriptedHttpClient http;
  http.fail(Error::unavailable("timed out"));
  HttpLambdaInvoker invoker({"http://127.0.0.1:1/x", {}}, http);
  EXPECT_EQ(invoker.invoke(kEvent, Millis(1000)).error().code(), ErrorCode::kUnavailable);
}

AwsLambdaOptions awsOptions(std::string sessionToken = "") {
  AwsLambdaOptions o;
  o.functionName = kArn;
  o.qualifier = "prod";
  o.region = "us-east-1";
  o.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                   std::move(sessionToken)};
  return o;
}

// The expected signatures were computed by botocore's SigV4Auth (AWS's Python SDK) for the same
// request, time and keys: it double-encodes the ARN in the canonical path as Lambda requires.
TEST(AwsLambdaInvokerTest, SignsTheInvokeRequestAsAwsSdksDo) {
  ScriptedHttpClient http;
  FixedClock clock;
  AwsLambdaInvoker invoker(awsOptions(), http, clock);
  Result<HttpClientRequest> request = invoker.buildRequest(kEvent, kSigningTime);
  ASSERT_TRUE(request.ok()) << request.error().toString();
  EXPECT_EQ(request->url,
            "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/"
            "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Acrm-lookup/"
            "invocations?Qualifier=prod");
  EXPECT_EQ(request->body, kEvent);
  EXPECT_EQ(header(*request, "X-Amz-Date"), "20270115T120000Z");
  EXPECT_EQ(header(*request, "X-Amz-Invocation-Type"), "RequestResponse");
  EXPECT_EQ(header(*request, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20270115/us-east-1/lambda/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type, "
            "Signature=28e1fd5a8a6384b98af78ee74b874683eda8d49c021eb8816bcbeac62bb0bff8");
}

TEST(AwsLambdaInvokerTest, SignsTheSessionTokenOfTemporaryCredentials) {
  ScriptedHttpClient http;
  FixedClock clock;
  AwsLambdaInvoker invoker(awsOptions("session-token-example"), http, clock);
  Result<HttpClientRequest> request = invoker.buildRequest(kEvent, kSigningTime);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(header(*request, "X-Amz-Security-Token"), "session-token-example");
  EXPECT_EQ(header(*request, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20270115/us-east-1/lambda/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type;"
            "x-amz-security-token, "
            "Signature=66e444d66900caac8fdc1464eedebd78fdd4a50bda77bc4b82964bd13621845c");
}

TEST(AwsLambdaInvokerTest, UsesTheConfiguredEndpoint) {
  ScriptedHttpClient http;
  FixedClock clock;
  AwsLambdaOptions o = awsOptions();
  o.endpoint = "http://127.0.0.1:9001/";
  o.qualifier.clear();
  http.respond(200, "{}");
  AwsLambdaInvoker invoker(o, http, clock);
  ASSERT_TRUE(invoker.invoke(kEvent, Millis(2000)).ok());
  EXPECT_EQ(http.requests[0].url,
            "http://127.0.0.1:9001/2015-03-31/functions/"
            "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Acrm-lookup/invocations");
  EXPECT_EQ(http.requests[0].timeout, Millis(2000));
  EXPECT_EQ(header(http.requests[0], "Host"), "127.0.0.1:9001");
}

TEST(AwsLambdaInvokerTest, FailsOnFunctionErrorAndErrorStatus) {
  FixedClock clock;
  {
    ScriptedHttpClient http;
    http.respond(200, R"({"errorMessage":"boom"})", {{"x-amz-function-error", "Unhandled"}});
    AwsLambdaInvoker invoker(awsOptions(), http, clock);
    Result<std::string> answer = invoker.invoke(kEvent, Millis(1000));
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(answer.error().message().find("boom"), std::string::npos);  // payload not kept
  }
  {
    ScriptedHttpClient http;
    http.respond(403, "{}", {{"x-amzn-errortype", "AccessDeniedException"}});
    AwsLambdaInvoker invoker(awsOptions(), http, clock);
    Result<std::string> answer = invoker.invoke(kEvent, Millis(1000));
    ASSERT_FALSE(answer.ok());
    EXPECT_NE(answer.error().message().find("AccessDeniedException"), std::string::npos);
  }
}

}  // namespace
}  // namespace callgate
