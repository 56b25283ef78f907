#include "functions/external_lambda.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "functions/builtin.h"

namespace callgate {
namespace {

using Json = nlohmann::json;

// Records what ExternalLambda sends and answers from a script.
class ScriptedInvoker : public ExternalLambdaInvoker {
 public:
  explicit ScriptedInvoker(Result<std::string> answer) : answer_(std::move(answer)) {}
  Result<std::string> invoke(std::string_view event, Millis timeout) override {
    *lastEvent = std::string(event);
    *lastTimeout = timeout;
    return answer_;
  }
  std::shared_ptr<std::string> lastEvent = std::make_shared<std::string>();
  std::shared_ptr<Millis> lastTimeout = std::make_shared<Millis>(0);

 private:
  Result<std::string> answer_;
};

FunctionRequest contactRequest() {
  FunctionRequest request;
  request.contact.contactId = "c-1";
  request.contact.customerAddress = "+14155550100";
  request.contact.systemAddress = "+18005550199";
  request.contact.queue = "BasicQueue";
  request.contact.languageCode = "en-GB";
  request.contact.attributes = {{"tier", "gold"}};
  request.parameters = {{"accountId", "42"}};
  request.timeoutSeconds = 5;
  return request;
}

struct Called {
  Result<StringMap> result;
  Json event;
  Millis timeout;
};

Called call(Result<std::string> answer, FunctionRequest request = contactRequest()) {
  auto invoker = std::make_unique<ScriptedInvoker>(std::move(answer));
  auto event = invoker->lastEvent;
  auto timeout = invoker->lastTimeout;
  ExternalLambda fn("arn:aws:lambda:us-east-1:123456789012:function:crm",
                    "arn:aws:connect:us-east-1:123456789012:instance/i-1", std::move(invoker));
  Result<StringMap> result = fn.invoke(request);
  return {std::move(result), Json::parse(*event), *timeout};
}

TEST(ExternalLambdaTest, SendsConnectsLambdaEvent) {
  Called c = call(std::string(R"({"ok":"yes"})"));
  ASSERT_TRUE(c.result.ok()) << c.result.error().toString();
  EXPECT_EQ(c.event["Name"], "ContactFlowEvent");
  EXPECT_EQ(c.event["Details"]["Parameters"], (Json{{"accountId", "42"}}));
  const Json& data = c.event["Details"]["ContactData"];
  EXPECT_EQ(data["ContactId"], "c-1");
  EXPECT_EQ(data["InitialContactId"], "c-1");
  EXPECT_EQ(data["Channel"], "VOICE");
  EXPECT_EQ(data["InitiationMethod"], "INBOUND");
  EXPECT_EQ(data["InstanceARN"], "arn:aws:connect:us-east-1:123456789012:instance/i-1");
  EXPECT_EQ(data["LanguageCode"], "en-GB");
  EXPECT_EQ(data["CustomerEndpoint"],
            (Json{{"Address", "+14155550100"}, {"Type", "TELEPHONE_NUMBER"}}));
  EXPECT_EQ(data["SystemEndpoint"],
            (Json{{"Address", "+18005550199"}, {"Type", "TELEPHONE_NUMBER"}}));
  EXPECT_EQ(data["Queue"]["Name"], "BasicQueue");
  EXPECT_EQ(data["Attributes"], (Json{{"tier", "gold"}}));
}

TEST(ExternalLambdaTest, WaitsTheBlocksInvocationTimeLimit) {
  EXPECT_EQ(call(std::string("{}")).timeout, Millis(5000));
}

TEST(ExternalLambdaTest, SendsNullForUnknownEndpointsAndQueue) {
  FunctionRequest request = contactRequest();
  request.contact.systemAddress.clear();
  request.contact.queue.clear();
  Called c = call(std::string("{}"), request);
  EXPECT_TRUE(c.event["Details"]["ContactData"]["SystemEndpoint"].is_null());
  EXPECT_TRUE(c.event["Details"]["ContactData"]["Queue"].is_null());
}

TEST(ExternalLambdaTest, ReturnsTheFlatStringMap) {
  Called c = call(std::string(R"({"name":"Ada","count":3,"vip":true,"note":null})"));
  ASSERT_TRUE(c.result.ok());
  EXPECT_EQ(*c.result, (StringMap{{"name", "Ada"}, {"count", "3"}, {"vip", "true"}, {"note", ""}}));
}

TEST(ExternalLambdaTest, RejectsNestedAnswerUnderStringMap) {
  Called c = call(std::string(R"({"customer":{"name":"Ada"}})"));
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().code(), ErrorCode::kUnavailable);
}

TEST(ExternalLambdaTest, FlattensNestedAnswerUnderJsonValidation) {
  FunctionRequest request = contactRequest();
  request.jsonResponse = true;
  Called c = call(std::string(R"({"customer":{"name":"Ada","tags":["a","b"]},"n":1})"), request);
  ASSERT_TRUE(c.result.ok()) << c.result.error().toString();
  EXPECT_EQ(*c.result, (StringMap{{"customer.name", "Ada"},
                                  {"customer.tags.0", "a"},
                                  {"customer.tags.1", "b"},
                                  {"n", "1"}}));
}

TEST(ExternalLambdaTest, RejectsAnswerThatIsNotAnObject) {
  for (const char* payload : {"", "null", "[1,2]", "\"text\"", "{\"a\":", "<html>"}) {
    Called c = call(std::string(payload));
    EXPECT_FALSE(c.result.ok()) << payload;
  }
}

TEST(ExternalLambdaTest, RejectsAnswerOver32Kilobytes) {
  const std::string big = R"({"a":")" + std::string(kMaxLambdaResponseBytes, 'x') + "\"}";
  Called c = call(big);
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().code(), ErrorCode::kResourceExhausted);
  const std::string fits = R"({"a":")" + std::string(32000, 'x') + "\"}";
  EXPECT_TRUE(call(fits).result.ok());
}

TEST(ExternalLambdaTest, RejectsTooDeepJsonAnswer) {
  FunctionRequest request = contactRequest();
  request.jsonResponse = true;
  std::string deep(100, '[');
  deep = "{\"a\":" + deep + std::string(100, ']') + "}";
  EXPECT_FALSE(call(deep, request).result.ok());
}

TEST(ExternalLambdaTest, PassesTheInvokersFailureOn) {
  Called c = call(Error::unavailable("timed out"));
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().code(), ErrorCode::kUnavailable);
}

// A Function that answers its own name, to see which one resolve() picks.
class NamedFunction : public Function {
 public:
  explicit NamedFunction(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  Result<StringMap> invoke(const FunctionRequest&) override { return StringMap{}; }

 private:
  std::string name_;
};

FunctionRegistry registry() {
  FunctionRegistry r;
  r.add(std::make_unique<NamedFunction>("lookup-caller"));
  r.addExternal(std::make_unique<NamedFunction>("arn:aws:lambda:us-east-1:1:function:crm:prod"));
  r.addAlias("arn:aws:lambda:us-east-1:1:function:legacy", "lookup-caller");
  return r;
}

std::string resolved(const FunctionRegistry& r, const std::string& arn) {
  Function* fn = r.resolve(arn);
  return fn ? std::string(fn->name()) : "(none)";
}

TEST(FunctionRegistryTest, ResolvesExactNameThenAliasThenBuiltinArn) {
  const FunctionRegistry r = registry();
  EXPECT_EQ(resolved(r, "lookup-caller"), "lookup-caller");
  EXPECT_EQ(resolved(r, "arn:aws:lambda:us-east-1:1:function:crm:prod"),
            "arn:aws:lambda:us-east-1:1:function:crm:prod");
  EXPECT_EQ(resolved(r, "arn:aws:lambda:us-east-1:1:function:legacy"), "lookup-caller");
  EXPECT_EQ(resolved(r, "arn:aws:lambda:eu-west-1:9:function:lookup-caller:live"), "lookup-caller");
}

TEST(FunctionRegistryTest, ResolvesNothingUnconfigured) {
  const FunctionRegistry r = registry();
  EXPECT_EQ(resolved(r, "arn:aws:lambda:us-east-1:1:function:crm"), "(none)");  // qualifier differs
  EXPECT_EQ(resolved(r, "arn:aws:lambda:us-east-1:1:function:other"), "(none)");
  EXPECT_EQ(resolved(r, ""), "(none)");
  EXPECT_EQ(r.find("arn:aws:lambda:us-east-1:1:function:legacy"), nullptr);  // find: exact only
}

TEST(FunctionRegistryTest, NamesLeaveExternalLambdasOut) {
  // The Connect endpoints serve names(): callgate must not become a proxy to others' Lambdas.
  EXPECT_EQ(registry().names(), std::vector<std::string>{"lookup-caller"});
}

TEST(ResolveFunctionNameTest, ExternalNamesComeFirst) {
  const std::set<std::string> external{"arn:aws:lambda:us-east-1:1:function:lookup-caller"};
  EXPECT_EQ(resolveFunctionName("arn:aws:lambda:us-east-1:1:function:lookup-caller", {}, external),
            "arn:aws:lambda:us-east-1:1:function:lookup-caller");
  EXPECT_EQ(resolveFunctionName(
                "crm", {{"crm", "arn:aws:lambda:us-east-1:1:function:lookup-caller"}}, external),
            "arn:aws:lambda:us-east-1:1:function:lookup-caller");
  EXPECT_EQ(resolveFunctionName("arn:aws:lambda:us-east-1:1:function:other", {}, external),
            std::nullopt);
}

}  // namespace
}  // namespace callgate
