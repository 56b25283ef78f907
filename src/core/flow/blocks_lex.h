// Internal to the flow engine: the ConnectParticipantWithLexBot block. Parsing (the Parameters
// and the intent Conditions) for the loader; the action it asks a channel for and how the answer
// leaves it, for the Session. The bot itself is core/flow/lex_bot.h. Not part of the public API.
//
// Connect's semantics, as the flow language documents them: Text, SSML or PromptId is played,
// then the caller talks to the bot; the recognised intent is the block's result, matched by
// Equals conditions in order; none matching is NoMatchingCondition (or, without that branch,
// NextAction); no answer within the time limit is InputTimeLimitExceeded (or, without that branch,
// NoMatchingError); a bot that cannot be found at run time (a dynamic AliasArn) is NoMatchingError.
// Afterwards `$.Lex.IntentName`, `$.Lex.IntentConfidence.Score`, `$.Lex.Slots.<name>` and
// `$.Lex.SessionAttributes.<key>` (the LexSessionAttributes the block passed, as Lex echoes them)
// hold the result. LexInitializationData and LexTimeoutSeconds are chat-only and have no effect on
// a voice call; Media is refused, as in every prompt.
// Thread-safety: stateless functions.
#pragma once

#include <optional>
#include <string>

#include "core/flow/flow.h"
#include "core/flow/json_reader.h"
#include "core/flow/model.h"

namespace callgate::flow {

// How a waiting bot block is left: the step outcome and its branch (nullptr = the flow has none).
struct LexLeave {
  std::string outcome;
  const Branch* branch = nullptr;
};

// The RecognizeIntent for the block (prompt already rendered); nullopt when the bot of a dynamic
// alias cannot be found.
std::optional<Action> lexBotAction(const LexBotParams& params, PlayPrompt prompt,
                                   const ContactState& state);

// How `block` is left on `event` (updating state.lex); nullopt when the event does not answer it.
std::optional<LexLeave> answerLexBot(const Block& block, const Event& event, ContactState& state);

namespace detail {

Result<BlockParams> parseLexBotParameters(const ActionScope& scope, const Json& params,
                                          const LoadOptions& options);

// Conditions: Equals only, on an intent the bot has (or FallbackIntent).
Status checkLexConditions(const ActionScope& scope, const Block& block);

}  // namespace detail
}  // namespace callgate::flow
