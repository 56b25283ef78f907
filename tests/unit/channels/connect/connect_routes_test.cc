// The Connect endpoints end to end over the real HTTP server, with a fake function.

#include "channels/connect/connect_routes.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "adapters/net/http/server.h"
#include "unit/adapters/net/http/http_test_support.h"

namespace callgate::connect {
namespace {

using http::testing::TestClient;
using nlohmann::json;

// Records what it was called with and answers whatever the test set.
class FakeFunction final : public Function {
 public:
  explicit FakeFunction(std::string name, bool cpuHeavy = false, bool answersInline = false)
      : name_(std::move(name)), cpuHeavy_(cpuHeavy), answersInline_(answersInline) {}
  std::string_view name() const override { return name_; }
  bool cpuHeavy() const override { return cpuHeavy_; }
  bool answersInline() const override { return answersInline_; }

  Result<StringMap> invoke(const FunctionRequest& request) override {
    std::lock_guard lock(mu_);
    last_ = request;
    thread_ = std::this_thread::get_id();
    ++calls_;
    return answer_;
  }

  void answer(Result<StringMap> r) {
    std::lock_guard lock(mu_);
    answer_ = std::move(r);
  }
  std::optional<FunctionRequest> last() {
    std::lock_guard lock(mu_);
    return last_;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::thread::id thread() {
    std::lock_guard lock(mu_);
    return thread_;
  }

 private:
  std::string name_;
  bool cpuHeavy_;
  bool answersInline_;
  std::mutex mu_;
  Result<StringMap> answer_ = StringMap{{"lambdaResult", "Success"}};
  std::optional<FunctionRequest> last_;
  std::thread::id thread_;
  int calls_ = 0;
};

// A function that is mostly computation (verify-pin's argon2id) is served on the slow lane, one
// whose work is bounded and in-process (lookup-caller on SQLite) on the io thread, the others on
// the workers; the internal connect: functions get no endpoint.
TEST(ConnectRoutesLaneTest, CpuHeavyFunctionsRunOnTheSlowLane) {
  FunctionRegistry registry;
  registry.add(std::make_unique<FakeFunction>("verify-pin", /*cpuHeavy=*/true));
  registry.add(std::make_unique<FakeFunction>("lookup-caller"));
  registry.add(std::make_unique<FakeFunction>("quick-read", false, /*answersInline=*/true));
  registry.add(std::make_unique<FakeFunction>("connect:create-callback-contact"));
  http::Router router;
  addConnectRoutes(router, registry);
  auto heavy = router.find("POST", "/connect/v1/verify-pin");
  ASSERT_EQ(heavy.match, http::Router::Match::kFound);
  EXPECT_EQ(heavy.route->lane, http::Lane::kSlow);
  auto light = router.find("POST", "/connect/v1/lookup-caller");
  ASSERT_EQ(light.match, http::Router::Match::kFound);
  EXPECT_EQ(light.route->lane, http::Lane::kWorker);
  auto quick = router.find("POST", "/connect/v1/quick-read");
  ASSERT_EQ(quick.match, http::Router::Match::kFound);
  EXPECT_EQ(quick.route->lane, http::Lane::kIoThread);
  EXPECT_EQ(router.find("POST", "/connect/v1/connect:create-callback-contact").match,
            http::Router::Match::kNoPath);
}

json validEvent() {
  return {{"Details",
           {{"ContactData",
             {{"ContactId", "c-1"},
              {"CustomerEndpoint", {{"Address", "+14155550100"}, {"Type", "TELEPHONE_NUMBER"}}},
              {"LanguageCode", "de-DE"},
              {"Attributes", {{"stage", "2"}}}}},
            {"Parameters", {{"code", "123456"}}}}},
          {"Name", "ContactFlowEvent"}};
}

class ConnectRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fn = std::make_unique<FakeFunction>("fake");
    fake_ = fn.get();
    registry_.add(std::move(fn));
    registry_.add(std::make_unique<FakeFunction>("other"));
    registry_.add(std::make_unique<FakeFunction>("connect:create-callback-contact"));
    http::Router router;
    addConnectRoutes(router, registry_);
    http::ServerOptions o;
    o.port = 0;
    o.accessLog = false;
    server_ = std::make_unique<http::Server>(o, std::move(router));
    auto port = server_->start();
    ASSERT_TRUE(port.ok());
    client_ = std::make_unique<TestClient>(*port);
  }
  void TearDown() override { server_->stop(); }

  std::optional<http::testing::ClientResponse> post(const std::string& body,
                                                    const std::string& path = "/connect/v1/fake") {
    return client_->request("POST", path, body);
  }

  // Posts the body and expects a 400 whose error names `fragment`; the function is not called.
  void expectRejected(const std::string& body, const std::string& fragment) {
    const int before = fake_->calls();
    auto r = post(body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_EQ(r->header("content-type"), "application/json");
    const json j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << r->body;
    ASSERT_TRUE(j.contains("error")) << r->body;
    EXPECT_NE(j["error"].get<std::string>().find(fragment), std::string::npos)
        << "error: " << j["error"] << " expected to contain: " << fragment;
    EXPECT_EQ(fake_->calls(), before);
  }

  FunctionRegistry registry_;
  FakeFunction* fake_ = nullptr;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(ConnectRoutesTest, RegistersOneRoutePerFunction) {
  auto r = post(validEvent().dump(), "/connect/v1/other");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = post(validEvent().dump(), "/connect/v1/missing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = client_->request("GET", "/connect/v1/fake");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow"), "POST");
}

TEST_F(ConnectRoutesTest, ReservedFlowActionFunctionsGetNoRoute) {
  auto r = post(validEvent().dump(), "/connect/v1/connect:create-callback-contact");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(ConnectRoutesTest, PassesTheEventToTheFunctionAndAnswersItsMap) {
  fake_->answer(StringMap{{"recordFound", "True"}, {"firstName", "Ada \"the\" Countess"}});
  json e = validEvent();
  e["Details"]["Parameters"]["attestation"] = "A";
  auto r = post(e.dump());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->header("content-type"), "application/json");
  const json j = json::parse(r->body);
  EXPECT_EQ(j, json({{"recordFound", "True"}, {"firstName", "Ada \"the\" Countess"}}));

  auto seen = fake_->last();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->contact.contactId, "c-1");
  EXPECT_EQ(seen->contact.customerAddress, "+14155550100");
  EXPECT_EQ(seen->contact.languageCode, "de-DE");
  EXPECT_EQ(seen->contact.attestation, Attestation::kA);
  EXPECT_EQ(seen->contact.attributes, (StringMap{{"stage", "2"}}));
  EXPECT_EQ(seen->parameters.at("code"), "123456");
}

TEST_F(ConnectRoutesTest, FunctionRunsOnAWorkerThread) {
  ASSERT_TRUE(post(validEvent().dump()));
  EXPECT_NE(fake_->thread(), std::thread::id());
  EXPECT_NE(fake_->thread(), std::this_thread::get_id());
}

TEST_F(ConnectRoutesTest, NullCustomerEndpointReachesTheFunctionAsEmptyAddress) {
  json e = validEvent();
  e["Details"]["ContactData"]["CustomerEndpoint"] = nullptr;
  auto r = post(e.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(fake_->last()->contact.customerAddress, "");
}

TEST_F(ConnectRoutesTest, RejectsEveryMalformedEvent) {
  expectRejected("", "empty");
  expectRejected("{not json", "not valid JSON");
  expectRejected("[]", "JSON object");
  expectRejected("42", "JSON object");
  expectRejected(std::string(50, '[') + std::string(50, ']'), "deeper than 32");

  json e = validEvent();
  e.erase("Name");
  expectRejected(e.dump(), "Name is missing");
  e["Name"] = "SomethingElse";
  expectRejected(e.dump(), "Name must be \"ContactFlowEvent\"");

  e = validEvent();
  e.erase("Details");
  expectRejected(e.dump(), "Details is missing");
  e["Details"] = 1;
  expectRejected(e.dump(), "Details must be an object");

  e = validEvent();
  e["Details"].erase("ContactData");
  expectRejected(e.dump(), "Details.ContactData is missing");
  e["Details"]["ContactData"] = "x";
  expectRejected(e.dump(), "Details.ContactData must be an object");

  e = validEvent();
  e["Details"].erase("Parameters");
  expectRejected(e.dump(), "Details.Parameters is missing");
  e["Details"]["Parameters"] = json::array();
  expectRejected(e.dump(), "Details.Parameters must be an object");
  e["Details"]["Parameters"] = {{"code", 123456}};
  expectRejected(e.dump(), "Details.Parameters.code must be a string");
  e["Details"]["Parameters"] = {{"attestation", "Z"}};
  expectRejected(e.dump(), "Details.Parameters.attestation");

  e = validEvent();
  e["Details"]["ContactData"].erase("CustomerEndpoint");
  expectRejected(e.dump(), "Details.ContactData.CustomerEndpoint is missing");
  e["Details"]["ContactData"]["CustomerEndpoint"] = {{"Type", "TELEPHONE_NUMBER"}};
  expectRejected(e.dump(), "Details.ContactData.CustomerEndpoint.Address is missing");
  e["Details"]["ContactData"]["CustomerEndpoint"]["Address"] = 5;
  expectRejected(e.dump(), "Details.ContactData.CustomerEndpoint.Address must be a string");

  e = validEvent();
  e["Details"]["ContactData"]["Attributes"] = {{"x", json::array()}};
  expectRejected(e.dump(), "Details.ContactData.Attributes.x must be a string");
  e["Details"]["ContactData"]["Attributes"] = 3;
  expectRejected(e.dump(), "Details.ContactData.Attributes must be an object");
  e = validEvent();
  e["Details"]["ContactData"]["LanguageCode"] = json::object();
  expectRejected(e.dump(), "Details.ContactData.LanguageCode must be a string");
}

TEST_F(ConnectRoutesTest, MapsFunctionErrorsToStatuses) {
  struct Case {
    Error error;
    int status;
    std::string bodyFragment;
  };
  const Case cases[] = {
      {Error::invalidArgument("phone number +1555 is not valid"), 400, "+1555 is not valid"},
      {Error::unavailable("database /secret/path locked"), 503, "temporarily unavailable"},
      {Error::resourceExhausted("pool full"), 503, "temporarily unavailable"},
      {Error::internal("null deref in frobnicator"), 500, "internal error"},
      {Error::notFound("row 7"), 500, "internal error"},
      {Error::failedPrecondition("state"), 500, "internal error"},
  };
  for (const Case& c : cases) {
    fake_->answer(c.error);
    auto r = post(validEvent().dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.error.toString();
    const json j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << r->body;
    EXPECT_NE(j["error"].get<std::string>().find(c.bodyFragment), std::string::npos) << r->body;
    if (c.status != 400) {
      // Internal detail is logged, never sent.
      EXPECT_EQ(r->body.find(c.error.message()), std::string::npos) << r->body;
    }
  }
}

TEST_F(ConnectRoutesTest, HandleConnectRequestWorksWithoutAServer) {
  http::Request req;
  req.body = validEvent().dump();
  http::Response r = handleConnectRequest(*fake_, req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"lambdaResult":"Success"})");
}

TEST_F(ConnectRoutesTest, AccessLogFieldsNameContactAndOutcomeButNoSecrets) {
  fake_->answer(StringMap{{"otpResult", "Invalid"},
                          {"lambdaResult", "Success"},
                          {"firstName", "Ada"},
                          {"attemptsRemaining", "4"}});
  json event = validEvent();
  event["Details"]["ContactData"]["ContactId"] = "c-1 evil=1\n";
  http::Request req;
  req.body = event.dump();
  http::Response r = handleConnectRequest(*fake_, req);
  EXPECT_EQ(r.logFields, "contact=c-1?evil?1? otpResult=Invalid lambdaResult=Success");
  EXPECT_EQ(r.logFields.find("123456"), std::string::npos);
  EXPECT_EQ(r.logFields.find("+1415"), std::string::npos);
}

}  // namespace
}  // namespace callgate::connect
