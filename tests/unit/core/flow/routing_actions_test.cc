// The routing and data actions (blocks_routing.h): what each asks its reserved function for, and
// every branch and error it can leave by.
#include <gtest/gtest.h>

#include "core/flow/internal_functions.h"
#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file

Json hoursAction(Json params = Json::object()) {
  return action("hours", "CheckHoursOfOperation", std::move(params),
                {{"Conditions",
                  {condition("Equals", "True", "open"), condition("Equals", "False", "closed")}},
                 {"Errors", {errorBranch("NoMatchingError", "oops")}}});
}

std::vector<Json> ends() {
  return {message("open", "open", "end"), message("closed", "closed", "end"),
          message("oops", "oops", "end"), hangUp()};
}

std::vector<Json> with(std::vector<Json> first) {
  for (Json& j : ends()) first.push_back(std::move(j));
  return first;
}

Json setQueue(const std::string& next) {
  return action("q", "UpdateContactTargetQueue",
                {{"QueueId", "arn:aws:connect:us-east-1:1:instance/i/queue/support"}},
                flowtest::next(next));
}

FunctionCompleted answer(std::map<std::string, std::string> result) {
  return FunctionCompleted{std::move(result)};
}

// ---- CheckHoursOfOperation ----

TEST(RoutingActionsTest, HoursAsksForTheNamedHoursAndTakesTrueOrFalse) {
  auto flow = mustLoad(with({hoursAction({{"HoursOfOperationId",
                                           "arn:aws:connect:us-east-1:1:"
                                           "instance/i/operating-hours/"
                                           "h-1"}})}));
  Session s(flow, testCall());
  InvokeFunction call = as<InvokeFunction>(s.start());
  EXPECT_EQ(call.function, internal::kCheckHours);
  EXPECT_EQ(call.parameters.at("HoursOfOperationId"),
            "arn:aws:connect:us-east-1:1:instance/i/operating-hours/h-1");
  EXPECT_EQ(as<PlayPrompt>(s.handle(answer({{"InHours", "True"}}))).text, "open");

  Session closed(flow, testCall());
  closed.start();
  EXPECT_EQ(as<PlayPrompt>(closed.handle(answer({{"InHours", "False"}}))).text, "closed");
  EXPECT_TRUE(closed.state().external.empty());  // not a Lambda: $.External is untouched
}

TEST(RoutingActionsTest, HoursWithoutAnIdUseTheTargetQueue) {
  Session s(mustLoad(with({setQueue("hours"), hoursAction()})), testCall());
  InvokeFunction call = as<InvokeFunction>(s.start());
  EXPECT_EQ(call.parameters.at("HoursOfOperationId"), "");
  EXPECT_EQ(call.parameters.at("Queue"), "support");
}

TEST(RoutingActionsTest, HoursWithoutAnIdOrAQueueTakeTheErrorBranch) {
  Session s(mustLoad(with({hoursAction()})), testCall());
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "oops");
}

TEST(RoutingActionsTest, HoursFailureOrAnUnusableAnswerTakeTheErrorBranch) {
  auto flow = mustLoad(with({hoursAction({{"HoursOfOperationId", "support"}})}));
  Session failed(flow, testCall());
  failed.start();
  EXPECT_EQ(as<PlayPrompt>(failed.handle(FunctionFailed{"no such hours"})).text, "oops");
  Session garbled(flow, testCall());
  garbled.start();
  EXPECT_EQ(as<PlayPrompt>(garbled.handle(answer({{"InHours", "maybe"}}))).text, "oops");
}

TEST(RoutingActionsTest, HoursIdMayBeAReference) {
  Json set =
      action("set", "UpdateContactAttributes", {{"Attributes", {{"h", "weekend"}}}}, next("hours"));
  Session s(mustLoad(with({set, hoursAction({{"HoursOfOperationId", "$.Attributes.h"}})})),
            testCall());
  EXPECT_EQ(as<InvokeFunction>(s.start()).parameters.at("HoursOfOperationId"), "weekend");
}

TEST(RoutingActionsTest, HoursRefuseBadConditionsAndUnknownKeys) {
  Json onlyTrue = action("hours", "CheckHoursOfOperation", Json::object(),
                         {{"Conditions", {condition("Equals", "True", "open")}}});
  EXPECT_NE(loadError(with({onlyTrue})).find("Equals False"), std::string::npos);
  Json other = action("hours", "CheckHoursOfOperation", Json::object(),
                      {{"Conditions",
                        {condition("Equals", "True", "open"), condition("Equals", "False", "open"),
                         condition("Equals", "Maybe", "closed")}}});
  EXPECT_NE(loadError(with({other})).find("Equals True or Equals False"), std::string::npos);
  EXPECT_NE(loadError(with({hoursAction({{"Hours", "x"}})})).find("unknown parameter 'Hours'"),
            std::string::npos);
  EXPECT_NE(loadError(with({hoursAction({{"HoursOfOperationId", "a $.Attributes.x"}})}))
                .find("single reference"),
            std::string::npos);
}

// ---- CheckMetricData ----

Json staffing(const std::string& metric, Json conditions, Json errors = Json::array()) {
  return action("m", "CheckMetricData", {{"MetricType", metric}},
                {{"NextAction", "closed"},
                 {"Conditions", std::move(conditions)},
                 {"Errors", std::move(errors)}});
}

TEST(RoutingActionsTest, StaffingCheckTakesItsConditionOrNextAction) {
  auto flow = mustLoad(with({setQueue("m"), staffing("NumberOfAgentsAvailable",
                                                     {condition("NumberGreaterThan", "0", "open")},
                                                     {errorBranch("NoMatchingError", "oops")})}));
  Session s(flow, testCall());
  InvokeFunction call = as<InvokeFunction>(s.start());
  EXPECT_EQ(call.function, internal::kCheckMetric);
  EXPECT_EQ(call.parameters.at("MetricType"), "NumberOfAgentsAvailable");
  EXPECT_EQ(call.parameters.at("Queue"), "support");
  EXPECT_EQ(as<PlayPrompt>(s.handle(answer({{"Value", "2"}}))).text, "open");

  Session none(flow, testCall());
  none.start();
  EXPECT_EQ(as<PlayPrompt>(none.handle(answer({{"Value", "0"}}))).text, "closed");
  Session failed(flow, testCall());
  failed.start();
  EXPECT_EQ(as<PlayPrompt>(failed.handle(FunctionFailed{"down"})).text, "oops");
}

TEST(RoutingActionsTest, MetricPrefersNoMatchingConditionWhenTheFlowHasIt) {
  auto flow =
      mustLoad(with({setQueue("m"),
                     staffing("NumberOfContactsInQueue", {condition("NumberLessThan", "5", "open")},
                              {errorBranch("NoMatchingCondition", "oops")})}));
  Session s(flow, testCall());
  s.start();
  EXPECT_EQ(as<PlayPrompt>(s.handle(answer({{"Value", "9"}}))).text, "oops");
}

TEST(RoutingActionsTest, MetricWithoutAQueueOrWithAGarbledValueIsAnError) {
  auto flow = mustLoad(with(
      {staffing("NumberOfAgentsOnline", Json::array(), {errorBranch("NoMatchingError", "oops")})}));
  Session s(flow, testCall());
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "oops");

  auto queued = mustLoad(with({setQueue("m"), staffing("NumberOfAgentsOnline", Json::array(),
                                                       {errorBranch("NoMatchingError", "oops")})}));
  Session garbled(queued, testCall());
  garbled.start();
  EXPECT_EQ(as<PlayPrompt>(garbled.handle(answer({{"Value", "lots"}}))).text, "oops");
}

TEST(RoutingActionsTest, MetricQueueIdIsCutFromAnArn) {
  Json m = action("m", "CheckMetricData",
                  {{"MetricType", "OldestContactInQueueAgeSeconds"},
                   {"QueueId", "arn:aws:connect:us-east-1:1:instance/i/queue/sales"}},
                  next("closed"));
  Session s(mustLoad(with({m})), testCall());
  EXPECT_EQ(as<InvokeFunction>(s.start()).parameters.at("Queue"), "sales");
}

TEST(RoutingActionsTest, MetricRefusesUnknownTypesAgentQueuesAndOtherConditions) {
  EXPECT_NE(loadError(with({staffing("AgentsAvailable", Json::array())})).find("MetricType"),
            std::string::npos);
  EXPECT_NE(loadError(with({staffing("NumberOfAgentsStaffed",
                                     {condition("NumberGreaterThan", "2", "open")})}))
                .find("NumberGreaterThan 0"),
            std::string::npos);
  EXPECT_NE(loadError(with({staffing("NumberOfContactsInQueue",
                                     {condition("TextContains", "2", "open")})}))
                .find("Number*"),
            std::string::npos);
  Json agent = action("m", "CheckMetricData",
                      {{"MetricType", "NumberOfAgentsOnline"}, {"AgentId", "a-1"}}, next("closed"));
  EXPECT_NE(loadError(with({agent})).find("AgentId"), std::string::npos);
}

// ---- GetCustomerProfile ----

Json profile(Json request, Json response = Json::array({"FirstName", "LastName"})) {
  return action(
      "p", "GetCustomerProfile",
      {{"ProfileRequestData", std::move(request)}, {"ProfileResponseData", std::move(response)}},
      {{"NextAction", "open"},
       {"Errors",
        {errorBranch("NoneFoundError", "closed"), errorBranch("NoMatchingError", "oops")}}});
}

TEST(RoutingActionsTest, ProfileSearchesByTheIdentifierAndKeepsTheAskedFields) {
  auto flow = mustLoad(with({profile(
      {{"IdentifierName", "_phone"}, {"IdentifierValue", "$.CustomerEndpoint.Address"}})}));
  Session s(flow, testCall());
  InvokeFunction call = as<InvokeFunction>(s.start());
  EXPECT_EQ(call.function, internal::kGetProfile);
  EXPECT_EQ(call.parameters.at("IdentifierName.1"), "_phone");
  EXPECT_EQ(call.parameters.at("IdentifierValue.1"), "+15551230000");
  s.handle(answer({{"Outcome", "Found"},
                   {"ProfileId", "p-1"},
                   {"FirstName", "Ada"},
                   {"LastName", "Lovelace"},
                   {"PhoneNumber", "+15551230000"}}));
  std::map<std::string, std::string> expected{
      {"ProfileId", "p-1"}, {"FirstName", "Ada"}, {"LastName", "Lovelace"}};
  EXPECT_EQ(s.state().customer, expected);  // PhoneNumber was not asked for
}

TEST(RoutingActionsTest, ProfileNotFoundTakesNoneFoundErrorAndClearsTheCustomer) {
  auto flow =
      mustLoad(with({profile({{"IdentifierName", "_account"}, {"IdentiferValue", "12345678"}})}));
  Session s(flow, testCall());
  s.start();
  EXPECT_EQ(as<PlayPrompt>(s.handle(answer({{"Outcome", "NoneFound"}}))).text, "closed");
  EXPECT_TRUE(s.state().customer.empty());
}

TEST(RoutingActionsTest, ProfileMultipleFoundFallsBackToNoMatchingError) {
  Json criteria = {{"SearchCriteria",
                    {{{"IdentifierName", "_phone"}, {"IdentifierValue", "+15551230000"}},
                     {{"IdentifierName", "_account"}, {"IdentifierValue", "12345678"}}}},
                   {"LogicalOperator", "OR"}};
  Session s(mustLoad(with({profile(criteria)})), testCall());
  InvokeFunction call = as<InvokeFunction>(s.start());
  EXPECT_EQ(call.parameters.at("IdentifierName.2"), "_account");
  EXPECT_EQ(call.parameters.at("LogicalOperator"), "OR");
  EXPECT_EQ(as<PlayPrompt>(s.handle(answer({{"Outcome", "MultipleFound"}}))).text, "oops");

  Session failed(mustLoad(with({profile(criteria)})), testCall());
  failed.start();
  EXPECT_EQ(as<PlayPrompt>(failed.handle(FunctionFailed{"down"})).text, "oops");
}

TEST(RoutingActionsTest, ProfileRefusesUnsearchableIdentifiersAndBadShapes) {
  EXPECT_NE(loadError(with({profile({{"IdentifierName", "_shoeSize"}, {"IdentifierValue", "x"}})}))
                .find("not searchable"),
            std::string::npos);
  EXPECT_NE(
      loadError(with({profile({{"SearchCriteria",
                                {{{"IdentifierName", "_phone"}, {"IdentifierValue", "1"}}}}})}))
          .find("LogicalOperator"),
      std::string::npos);
  EXPECT_NE(loadError(with({action("p", "GetCustomerProfile", Json::object(), next("open"))}))
                .find("ProfileRequestData"),
            std::string::npos);
}

// ---- CreateCallbackContact ----

Json callback(Json params) {
  return action("cb", "CreateCallbackContact", std::move(params),
                {{"NextAction", "open"}, {"Errors", {errorBranch("NoMatchingError", "oops")}}});
}

TEST(RoutingActionsTest, CallbackAsksToQueueTheCallersNumber) {
  auto flow = mustLoad(with({setQueue("cb"), callback({{"InitialCallDelaySeconds", "30"},
                                                       {"MaximumConnectionAttempts", 3},
                                                       {"RetryDelaySeconds", "120"}})}));
  Session s(flow, testCall());
  InvokeFunction call = as<InvokeFunction>(s.start());
  EXPECT_EQ(call.function, internal::kCreateCallback);
  EXPECT_EQ(call.parameters.at("Queue"), "support");
  EXPECT_EQ(call.parameters.at("CallbackNumber"), "+15551230000");
  EXPECT_EQ(call.parameters.at("InitialCallDelaySeconds"), "30");
  EXPECT_EQ(call.parameters.at("MaximumConnectionAttempts"), "3");
  EXPECT_EQ(call.parameters.at("RetryDelaySeconds"), "120");
  EXPECT_EQ(as<PlayPrompt>(s.handle(answer({{"CallbackId", "7"}}))).text, "open");
  Session failed(flow, testCall());
  failed.start();
  EXPECT_EQ(as<PlayPrompt>(failed.handle(FunctionFailed{"bad number"})).text, "oops");
}

TEST(RoutingActionsTest, CallbackWithoutQueueOrNumberIsAnError) {
  Session noQueue(mustLoad(with({callback(Json::object())})), testCall());
  EXPECT_EQ(as<PlayPrompt>(noQueue.start()).text, "oops");
  CallInfo withheld = testCall();
  withheld.customerAddress = "";
  Session noNumber(mustLoad(with({callback({{"QueueId", "support"}})})), withheld);
  EXPECT_EQ(as<PlayPrompt>(noNumber.start()).text, "oops");
}

TEST(RoutingActionsTest, CallbackRefusesOutOfRangeTimingAndUnknownKeys) {
  EXPECT_NE(loadError(with({callback({{"InitialCallDelaySeconds", "0"}})}))
                .find("InitialCallDelaySeconds"),
            std::string::npos);
  EXPECT_NE(loadError(with({callback({{"RetryDelaySeconds", "259201"}})})).find("RetryDelay"),
            std::string::npos);
  EXPECT_NE(loadError(with({callback({{"Priority", "1"}})})).find("unknown parameter 'Priority'"),
            std::string::npos);
}

TEST(RoutingActionsTest, WaitingRoutingActionsSurviveASnapshot) {
  auto flow =
      mustLoad(with({setQueue("m"), staffing("NumberOfAgentsAvailable",
                                             {condition("NumberGreaterThan", "0", "open")})}));
  Session s(flow, testCall());
  s.start();
  Result<Session> restored = Session::restore(flow, s.snapshot());
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  EXPECT_EQ(as<InvokeFunction>(*restored->pendingAction()).function, internal::kCheckMetric);
  EXPECT_EQ(as<PlayPrompt>(restored->handle(answer({{"Value", "1"}}))).text, "open");
}

}  // namespace
}  // namespace callgate::flow
