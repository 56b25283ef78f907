// ConnectParticipantWithLexBot: loading, the RecognizeIntent it asks for, its branches and $.Lex.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/flow/lex_bot.h"
#include "flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace flowtest;

constexpr const char* kAlias = "arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID/ALIASID";

std::shared_ptr<const LexBot> bot() {
  static const std::shared_ptr<const LexBot> kBot = *LexBot::parse(R"({"name": "Bank",
    "intents": [
      {"name": "CheckBalance", "dtmf": "1", "utterances": ["check my balance",
        "balance for {Account}"], "slots": [{"name": "Account", "type": "AMAZON.Number"}]},
      {"name": "Agent", "utterances": ["agent"]}]})",
                                                                   "bank");
  return kBot;
}

LoadOptions withBot() {
  LoadOptions options;
  options.resolveLexBot = [](const std::string& alias) -> Result<std::shared_ptr<const LexBot>> {
    if (alias == kAlias || alias == "BankV1") return bot();
    return Error::notFound("no Lex bot for '" + alias + "'");
  };
  return options;
}

Json lexBlock(Json params, Json transitions) {
  return action("lex", "ConnectParticipantWithLexBot", std::move(params), std::move(transitions));
}

Json botParams() {
  return Json{{"Text", "How can I help?"},
              {"LexV2Bot", {{"AliasArn", kAlias}}},
              {"LexSessionAttributes", {{"caller", "$.CustomerEndpoint.Address"}}}};
}

Json allBranches() {
  return Json{{"NextAction", "default"},
              {"Conditions", Json::array({condition("Equals", "CheckBalance", "balance"),
                                          condition("Equals", "Agent", "agent")})},
              {"Errors", Json::array({errorBranch("NoMatchingCondition", "nomatch"),
                                      errorBranch("InputTimeLimitExceeded", "timeout"),
                                      errorBranch("NoMatchingError", "error")})}};
}

std::string flowWith(Json lex) {
  return flowJson({std::move(lex), message("balance", "Balance for $.Lex.Slots.Account", "end"),
                   message("agent", "Agent", "end"), message("nomatch", "Sorry", "end"),
                   message("timeout", "Timeout", "end"), message("error", "Error", "end"),
                   message("default", "Default", "end"), hangUp()});
}

Session started(const std::string& json, Action& first) {
  Session s(mustLoad(json, withBot()), CallInfo{"c-1", "+15550100", "+18005550100"});
  first = s.start();
  return s;
}

std::string textOf(const Action& a) {
  const auto* p = std::get_if<PlayPrompt>(&a);
  return p ? p->text : "<" + std::string(actionName(a)) + ">";
}

TEST(LexBlockTest, AsksTheChannelToRecognizeAnIntentWithThePrompt) {
  Action first;
  Session s = started(flowWith(lexBlock(botParams(), allBranches())), first);
  const auto* r = std::get_if<RecognizeIntent>(&first);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->prompt.text, "How can I help?");
  EXPECT_EQ(r->bot->name(), "Bank");
  EXPECT_EQ(r->timeoutSeconds, 5);
}

TEST(LexBlockTest, TakesTheConditionOfTheRecognisedIntentAndFillsLex) {
  Action first;
  Session s = started(flowWith(lexBlock(botParams(), allBranches())), first);
  Action next = s.handle(intentFromWords(*bot(), "balance for one two three", "text"));
  EXPECT_EQ(textOf(next), "Balance for 123");
  EXPECT_EQ(s.state().lex.intentName, "CheckBalance");
  EXPECT_EQ(s.state().lex.intentConfidence, "1.00");
  EXPECT_EQ(s.state().lex.sessionAttributes.at("caller"), "+15550100");
  std::vector<Step> steps = s.drainSteps();
  EXPECT_EQ(steps.front().outcome, "condition:CheckBalance");
}

TEST(LexBlockTest, UnmatchedWordsTakeNoMatchingConditionAsFallbackIntent) {
  Action first;
  Session s = started(flowWith(lexBlock(botParams(), allBranches())), first);
  EXPECT_EQ(textOf(s.handle(intentFromWords(*bot(), "sing me a song", "text"))), "Sorry");
  EXPECT_EQ(s.state().lex.intentName, "FallbackIntent");
}

TEST(LexBlockTest, WithoutNoMatchingConditionUnmatchedGoesToNextAction) {
  Json t = allBranches();
  t["Errors"] = Json::array({errorBranch("NoMatchingError", "error")});
  Action first;
  Session s = started(flowWith(lexBlock(botParams(), t)), first);
  EXPECT_EQ(textOf(s.handle(intentFromWords(*bot(), "nothing useful", "text"))), "Default");
}

TEST(LexBlockTest, TimeoutTakesInputTimeLimitExceededElseNoMatchingError) {
  Action first;
  Session s = started(flowWith(lexBlock(botParams(), allBranches())), first);
  EXPECT_EQ(textOf(s.handle(InputTimedOut{})), "Timeout");
  EXPECT_EQ(s.state().lex.intentName, "");
  Json t = allBranches();
  t["Errors"] = Json::array({errorBranch("NoMatchingError", "error")});
  Session other = started(flowWith(lexBlock(botParams(), t)), first);
  EXPECT_EQ(textOf(other.handle(InputTimedOut{})), "Error");
}

TEST(LexBlockTest, KeysChooseTheIntentByDtmf) {
  Action first;
  Session s = started(flowWith(lexBlock(botParams(), allBranches())), first);
  EXPECT_EQ(textOf(s.handle(intentFromKeys(*bot(), "1"))), "Balance for ");
}

TEST(LexBlockTest, ALexV1BotIsFoundByName) {
  Json params{{"Text", "Hi"}, {"LexBot", {{"Name", "BankV1"}, {"Region", "us-east-1"}}}};
  Action first;
  Session s = started(flowWith(lexBlock(params, allBranches())), first);
  EXPECT_TRUE(std::holds_alternative<RecognizeIntent>(first));
}

TEST(LexBlockTest, ADynamicAliasIsResolvedWhenTheBlockRuns) {
  Json params{{"Text", "Hi"}, {"LexV2Bot", {{"AliasArn", "$.Attributes.bot"}}}};
  Json set =
      action("set", "UpdateContactAttributes", {{"Attributes", {{"bot", kAlias}}}}, next("lex"));
  Session s(mustLoad(flowJson({set, lexBlock(params, allBranches()), message("balance", "B", "end"),
                               message("agent", "A", "end"), message("nomatch", "N", "end"),
                               message("timeout", "T", "end"), message("error", "Error", "end"),
                               message("default", "D", "end"), hangUp()}),
                     withBot()),
            CallInfo{});
  EXPECT_TRUE(std::holds_alternative<RecognizeIntent>(s.start()));

  Json unset =
      action("set", "UpdateContactAttributes", {{"Attributes", {{"bot", "nope"}}}}, next("lex"));
  Session broken(
      mustLoad(flowJson({unset, lexBlock(params, allBranches()), message("balance", "B", "end"),
                         message("agent", "A", "end"), message("nomatch", "N", "end"),
                         message("timeout", "T", "end"), message("error", "Error", "end"),
                         message("default", "D", "end"), hangUp()}),
               withBot()),
      CallInfo{});
  EXPECT_EQ(textOf(broken.start()), "Error");
}

TEST(LexBlockTest, LoadErrorsNameTheProblem) {
  auto loadError = [](Json params, Json transitions) {
    Result<std::shared_ptr<const Flow>> f =
        Flow::load(flowWith(lexBlock(std::move(params), std::move(transitions))), withBot());
    return f.ok() ? std::string() : f.error().message();
  };
  Json unknownBot = botParams();
  unknownBot["LexV2Bot"]["AliasArn"] = "arn:aws:lex:us-east-1:1:bot-alias/OTHER/X";
  EXPECT_NE(loadError(unknownBot, allBranches()).find("no Lex bot"), std::string::npos);
  Json noBot{{"Text", "Hi"}, {"LexV2Bot", Json::object()}};
  EXPECT_NE(loadError(noBot, allBranches()).find("AliasArn"), std::string::npos);
  Json extra = botParams();
  extra["Colour"] = "blue";
  EXPECT_NE(loadError(extra, allBranches()).find("Colour"), std::string::npos);
  Json badCondition = allBranches();
  badCondition["Conditions"].push_back(condition("Equals", "Pizza", "agent"));
  EXPECT_NE(loadError(botParams(), badCondition).find("Pizza"), std::string::npos);
  Json badOperator = allBranches();
  badOperator["Conditions"].push_back(condition("TextContains", "Agent", "agent"));
  EXPECT_NE(loadError(botParams(), badOperator).find("Equals"), std::string::npos);
  EXPECT_FALSE(Flow::load(flowWith(lexBlock(botParams(), allBranches())), LoadOptions{}).ok());
}

TEST(LexBlockTest, StartTimeoutComesFromTheLexSessionAttribute) {
  Json params = botParams();
  params["LexSessionAttributes"]["x-amz-lex:audio:start-timeout-ms"] = "8000";
  Action first;
  Session s = started(flowWith(lexBlock(params, allBranches())), first);
  ASSERT_TRUE(std::holds_alternative<RecognizeIntent>(first));
  EXPECT_EQ(std::get<RecognizeIntent>(first).timeoutSeconds, 8);
}

TEST(LexBlockTest, SurvivesASnapshotWhileWaiting) {
  auto flow = mustLoad(flowWith(lexBlock(botParams(), allBranches())), withBot());
  Session s(flow, CallInfo{"c-1", "+15550100", "+18005550100"});
  s.start();
  Result<Session> restored = Session::restore(flow, s.snapshot());
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  ASSERT_TRUE(std::holds_alternative<RecognizeIntent>(*restored->pendingAction()));
  EXPECT_EQ(textOf(restored->handle(intentFromWords(*bot(), "agent", "speech"))), "Agent");
  Result<Session> again = Session::restore(flow, restored->snapshot());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state().lex.intentName, "Agent");
}

}  // namespace
}  // namespace callgate::flow
