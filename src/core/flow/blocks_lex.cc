#include "core/flow/blocks_lex.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/customer.h"
#include "core/flow/parameters.h"
#include "core/flow/session.h"

namespace callgate::flow {
namespace {

// The documented keys ("LexInitilizationData" is how the API reference spells it).
constexpr std::string_view kKnownKeys[] = {"Text",
                                           "SSML",
                                           "PromptId",
                                           "Media",
                                           "LexV2Bot",
                                           "LexBot",
                                           "LexSessionAttributes",
                                           "LexInitializationData",
                                           "LexInitilizationData",
                                           "LexTimeoutSeconds"};
constexpr int kDefaultStartTimeoutSeconds = 5;
constexpr int kMaxStartTimeoutSeconds = 180;
// Lex V2's session attribute for how long the caller has to start speaking (milliseconds); also
// with ":<intent>:<slot>" after it, which applies here too (the local bot asks one question).
constexpr std::string_view kStartTimeoutAttribute = "x-amz-lex:audio:start-timeout-ms";

std::string formatConfidence(double confidence) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", std::clamp(confidence, 0.0, 1.0));
  return text;
}

std::map<std::string, std::string> renderAttributes(const NamedTemplates& values,
                                                    const ContactState& state) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : values) {
    std::optional<std::string> rendered = value.render(state, kMaxValueBytes);
    out[key] = rendered ? std::move(*rendered) : std::string();
  }
  return out;
}

}  // namespace

std::optional<Action> lexBotAction(const LexBotParams& params, PlayPrompt prompt,
                                   const ContactState& state) {
  std::shared_ptr<const LexBot> bot = params.bot;
  if (!bot) {
    std::optional<std::string> alias = params.dynamicAlias.render(state, kMaxValueBytes);
    if (!alias || alias->empty() || !params.resolve) return std::nullopt;
    Result<std::shared_ptr<const LexBot>> resolved = params.resolve(*alias);
    if (!resolved.ok() || !*resolved) return std::nullopt;
    bot = std::move(resolved).value();
  }
  return Action(RecognizeIntent{std::move(prompt), std::move(bot), params.timeoutSeconds});
}

std::optional<LexLeave> answerLexBot(const Block& block, const Event& event, ContactState& state) {
  const auto& p = std::get<LexBotParams>(block.params);
  const Transitions& t = block.transitions;
  if (std::holds_alternative<InputTimedOut>(event)) {
    state.lex = LexState{};
    state.lex.sessionAttributes = renderAttributes(p.sessionAttributes, state);
    if (const Branch* b = t.onError("InputTimeLimitExceeded"))
      return LexLeave{"error:InputTimeLimitExceeded", b};
    return LexLeave{"error:NoMatchingError", t.onError("NoMatchingError")};
  }
  const auto* heard = std::get_if<IntentRecognized>(&event);
  if (heard == nullptr) return std::nullopt;
  LexState lex;
  lex.intentName = heard->intent;
  lex.intentConfidence = formatConfidence(heard->confidence);
  lex.slots = heard->slots;
  lex.sessionAttributes = renderAttributes(p.sessionAttributes, state);
  state.lex = std::move(lex);
  for (const ConditionBranch& c : t.conditions) {
    if (evaluateCondition(c.op, heard->intent, c.operand))
      return LexLeave{"condition:" + c.operand, &c.next};
  }
  if (const Branch* b = t.onError("NoMatchingCondition"))
    return LexLeave{"error:NoMatchingCondition", b};
  // The documented default: NextAction runs when no condition or error was chosen.
  if (t.next) return LexLeave{"next", &*t.next};
  return LexLeave{"error:NoMatchingCondition", nullptr};
}

namespace detail {

Result<BlockParams> parseLexBotParameters(const ActionScope& scope, const Json& params,
                                          const LoadOptions& options) {
  if (Status s = scope.checkKeys(params, kKnownKeys); !s.ok()) return s.error();
  LexBotParams p;
  Result<Prompt> prompt = parsePromptParameter(scope, params, /*required=*/false);
  if (!prompt.ok()) return prompt.error();
  p.prompt = std::move(prompt).value();

  Result<const Json*> v2 = scope.optionalObject(params, "LexV2Bot");
  if (!v2.ok()) return v2.error();
  Result<const Json*> v1 = scope.optionalObject(params, "LexBot");
  if (!v1.ok()) return v1.error();
  if (*v2 && *v1) return scope.error("give LexV2Bot or LexBot, not both");
  std::string alias;
  if (*v2) {
    if (Status s = scope.checkKeys(**v2, {"AliasArn", "LocaleId"}, "LexV2Bot"); !s.ok())
      return s.error();
    // LocaleId picks one language of a multi-language bot; a local bot file has one.
    Result<std::optional<std::string>> locale = scope.optionalString(**v2, "LocaleId");
    if (!locale.ok()) return locale.error();
    std::string tag = locale->value_or("en_US");
    std::replace(tag.begin(), tag.end(), '_', '-');
    if (!isLanguageTag(tag))
      return scope.error("LexV2Bot.LocaleId must be a locale such as en_US, not '" + **locale +
                         "'");
    Result<std::optional<std::string>> arn = scope.optionalString(**v2, "AliasArn");
    if (!arn.ok()) return arn.error();
    if (!arn->has_value()) return scope.error("missing required parameter LexV2Bot.AliasArn");
    alias = **arn;
  } else if (*v1) {
    if (Status s = scope.checkKeys(**v1, {"Name", "Region", "Alias"}, "LexBot"); !s.ok())
      return s.error();
    Result<std::optional<std::string>> name = scope.optionalString(**v1, "Name");
    if (!name.ok()) return name.error();
    if (!name->has_value()) return scope.error("missing required parameter LexBot.Name");
    Result<std::optional<std::string>> region = scope.optionalString(**v1, "Region");
    if (!region.ok()) return region.error();
    Result<std::optional<std::string>> v1Alias = scope.optionalString(**v1, "Alias");
    if (!v1Alias.ok()) return v1Alias.error();
    alias = **name;
  } else {
    return scope.error("missing required parameter LexV2Bot (or LexBot)");
  }
  if (!options.resolveLexBot)
    return scope.error("no Lex bots are configured; map '" + alias + "' in [lex] bots");
  if (alias.find("$.") != std::string::npos) {
    Result<Template> t = scope.staticOrReference("LexV2Bot.AliasArn", alias);
    if (!t.ok()) return t.error();
    p.dynamicAlias = std::move(t).value();
    p.resolve = options.resolveLexBot;
  } else {
    Result<std::shared_ptr<const LexBot>> bot = options.resolveLexBot(alias);
    if (!bot.ok()) return scope.error(bot.error().message());
    if (!*bot) return scope.error("no Lex bot for '" + alias + "'");
    p.bot = std::move(bot).value();
  }

  p.timeoutSeconds = kDefaultStartTimeoutSeconds;
  Result<const Json*> attrs = scope.optionalObject(params, "LexSessionAttributes");
  if (!attrs.ok()) return attrs.error();
  if (*attrs) {
    Result<NamedTemplates> values =
        parseNamedValuesParameter(scope, **attrs, "LexSessionAttributes");
    if (!values.ok()) return values.error();
    p.sessionAttributes = std::move(values).value();
    for (const auto& [key, value] : p.sessionAttributes) {
      if (!key.starts_with(kStartTimeoutAttribute) || !value.isStatic()) continue;
      std::optional<double> ms = parseNumber(value.source());
      if (!ms || *ms < 1) {
        return scope.error("LexSessionAttributes." + key + " must be a number of milliseconds");
      }
      p.timeoutSeconds =
          std::clamp(static_cast<int>((*ms + 999) / 1000), 1, kMaxStartTimeoutSeconds);
    }
  }
  // Chat-only parameters: checked for shape, no effect on a voice call.
  for (const char* key : {"LexInitializationData", "LexInitilizationData", "LexTimeoutSeconds"}) {
    Result<const Json*> object = scope.optionalObject(params, key);
    if (!object.ok()) return object.error();
  }
  return BlockParams(std::move(p));
}

Status checkLexConditions(const ActionScope& scope, const Block& block) {
  const auto& p = std::get<LexBotParams>(block.params);
  for (const ConditionBranch& c : block.transitions.conditions) {
    if (c.op != CompareOperator::kEquals) {
      return scope.error("conditions must be Equals on an intent name, not " +
                         std::string(compareOperatorName(c.op)));
    }
    if (p.bot && c.operand != kFallbackIntent && p.bot->findIntent(c.operand) == nullptr) {
      return scope.error("condition '" + c.operand + "' names no intent of Lex bot '" +
                         p.bot->name() + "'");
    }
  }
  return okStatus();
}

}  // namespace detail
}  // namespace callgate::flow
