// What each block type does when a Session enters it, and how a waiting block is left when the
// channel answers. The run loop and bookkeeping are in session.cc.
#include <utility>

#include "core/flow/blocks_lex.h"
#include "core/flow/session.h"

namespace callgate::flow {
namespace {

bool isDtmfKey(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#'; }

std::optional<PlayPrompt> renderPrompt(const Prompt& prompt, const ContactState& state) {
  std::optional<std::string> content = prompt.content.render(state, kMaxValueBytes);
  if (!content) return std::nullopt;
  PlayPrompt out;
  switch (prompt.kind) {
    case Prompt::Kind::kText:
      out.text = std::move(*content);
      break;
    case Prompt::Kind::kSsml:
      out.text = std::move(*content);
      out.ssml = true;
      break;
    case Prompt::Kind::kPromptId:
      out.promptId = std::move(*content);
      break;
  }
  return out;
}

std::optional<std::map<std::string, std::string>> renderAll(const NamedTemplates& values,
                                                            const ContactState& state) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : values) {
    std::optional<std::string> rendered = value.render(state, kMaxValueBytes);
    if (!rendered) return std::nullopt;
    out[key] = std::move(*rendered);
  }
  return out;
}

bool fitsResultLimit(const std::map<std::string, std::string>& result) {
  std::size_t total = 0;
  for (const auto& [key, value] : result) {
    total += key.size() + value.size();
    if (total > kMaxValueBytes) return false;
  }
  return true;
}

}  // namespace

std::optional<Action> Session::describe(const Block& block) const {
  switch (block.type) {
    case BlockType::kMessageParticipant: {
      std::optional<PlayPrompt> prompt =
          renderPrompt(std::get<MessageParticipantParams>(block.params).prompt, state_);
      if (!prompt) return std::nullopt;
      return Action(std::move(*prompt));
    }
    case BlockType::kGetParticipantInput: {
      const auto& p = std::get<GetParticipantInputParams>(block.params);
      std::optional<PlayPrompt> prompt = renderPrompt(p.prompt, state_);
      if (!prompt) return std::nullopt;
      return Action(CollectDigits{std::move(*prompt), p.maxDigits, p.terminator, p.timeoutSeconds,
                                  p.storeInput, p.speech});
    }
    case BlockType::kInvokeLambdaFunction: {
      const auto& p = std::get<InvokeLambdaFunctionParams>(block.params);
      std::optional<std::map<std::string, std::string>> parameters =
          renderAll(p.parameters, state_);
      if (!parameters) return std::nullopt;
      return Action(InvokeFunction{p.function, std::move(*parameters), p.timeoutSeconds});
    }
    // Lex bots
    case BlockType::kConnectParticipantWithLexBot: {
      const auto& p = std::get<LexBotParams>(block.params);
      std::optional<PlayPrompt> prompt = renderPrompt(p.prompt, state_);
      if (!prompt) return std::nullopt;
      return lexBotAction(p, std::move(*prompt), state_);
    }
    default:
      return std::nullopt;
  }
}

std::variant<Action, Session::Move> Session::enter(std::size_t index) {
  const Block& block = flow_->blocks()[index];
  switch (block.type) {
    case BlockType::kMessageParticipant:
    case BlockType::kGetParticipantInput:
    case BlockType::kInvokeLambdaFunction:
    // Lex bots
    case BlockType::kConnectParticipantWithLexBot: {
      // A value too large to render is the block's failure, as an unusable prompt is in Connect.
      std::optional<Action> action = describe(block);
      if (!action) return error(block, "NoMatchingError");
      return wait(index, std::move(*action));
    }
    case BlockType::kUpdateContactAttributes: {
      // All or none: render every value before setting any.
      std::optional<std::map<std::string, std::string>> values =
          renderAll(std::get<UpdateContactAttributesParams>(block.params).attributes, state_);
      if (!values) return error(block, "NoMatchingError");
      for (auto& [key, value] : *values) state_.attributes[key] = std::move(value);
      return next(block);
    }
    case BlockType::kCompare: {
      std::string value = lookup(state_, std::get<CompareParams>(block.params).value);
      for (const ConditionBranch& c : block.transitions.conditions) {
        if (evaluateCondition(c.op, value, c.operand))
          return Move{"condition:" + c.operand, &c.next};
      }
      return error(block, "NoMatchingCondition");
    }
    case BlockType::kUpdateContactTargetQueue: {
      std::optional<std::string> id = std::get<UpdateContactTargetQueueParams>(block.params)
                                          .queue.render(state_, kMaxValueBytes);
      std::string queue = id ? queueFromQueueId(*id) : std::string();
      if (queue.empty()) return error(block, "NoMatchingError");
      state_.queue = std::move(queue);
      return next(block);
    }
    case BlockType::kTransferContactToQueue: {
      if (state_.queue.empty()) return error(block, "NoMatchingError");
      record(block, "end");
      return finish(TransferToQueue{state_.queue, state_.attributes}, Disconnect::Why::kTransferred,
                    "call transferred");
    }
    case BlockType::kDisconnectParticipant:
      record(block, "end");
      return finish(Disconnect{Disconnect::Why::kFlowEnded, "flow ended", state_.attributes},
                    Disconnect::Why::kFlowEnded, "flow ended");
    case BlockType::kLoop:
      return loop(block);
    case BlockType::kPassThrough:
      // Behaviour callgate has no use for (logging, recording, voice, ...): nothing to do, so
      // nothing can fail and its error branches are never taken.
      return next(block);
  }
  return Move{"flow-error", nullptr};
}

Session::Move Session::loop(const Block& block) {
  // Connect semantics: ContinueLooping LoopCount times, then DoneLooping once, and the counter
  // starts again so a later visit loops afresh.
  int count = std::get<LoopParams>(block.params).count;
  int& done = loops_[block.id];
  std::string outcome;
  if (done < count) {
    ++done;
    outcome = "ContinueLooping";
  } else {
    loops_.erase(block.id);
    outcome = "DoneLooping";
  }
  for (const ConditionBranch& c : block.transitions.conditions) {
    if (c.operand == outcome) return Move{"condition:" + outcome, &c.next};
  }
  return Move{"condition:" + outcome, nullptr};  // the loader requires both; kept for safety
}

std::optional<Session::Move> Session::answer(const Block& block, const Event& event) {
  switch (block.type) {
    case BlockType::kMessageParticipant:
      if (std::holds_alternative<PromptPlayed>(event)) return next(block);
      return std::nullopt;

    case BlockType::kGetParticipantInput: {
      const auto& p = std::get<GetParticipantInputParams>(block.params);
      if (std::holds_alternative<InputTimedOut>(event)) {
        // A stale value must not be reused by the next block (e.g. re-verifying an old code).
        if (p.storeInput) state_.storedCustomerInput.clear();
        if (block.transitions.onError("InputTimeLimitExceeded"))
          return error(block, "InputTimeLimitExceeded");
        return error(block, "NoMatchingError");
      }
      const auto* collected = std::get_if<DigitsCollected>(&event);
      if (collected == nullptr) return std::nullopt;
      std::string digits = collected->digits;
      if (!p.storeInput) {
        for (const ConditionBranch& c : block.transitions.conditions) {
          if (evaluateCondition(c.op, digits, c.operand))
            return Move{"condition:" + c.operand, &c.next};
        }
        return error(block, "NoMatchingCondition");
      }
      // Channels should strip the terminator; tolerate one that did not.
      if (!p.terminator.empty() && digits.ends_with(p.terminator)) {
        digits.resize(digits.size() - p.terminator.size());
      }
      bool valid = static_cast<int>(digits.size()) <= p.maxDigits;
      for (char c : digits) valid = valid && isDtmfKey(c);
      if (!valid) {
        state_.storedCustomerInput.clear();
        return error(block, "NoMatchingError");
      }
      state_.storedCustomerInput = std::move(digits);
      return next(block);
    }

    case BlockType::kInvokeLambdaFunction:
      if (const auto* completed = std::get_if<FunctionCompleted>(&event)) {
        if (!fitsResultLimit(completed->result)) {
          state_.external.clear();
          return error(block, "NoMatchingError");
        }
        state_.external = completed->result;  // replaces $.External entirely
        return next(block);
      }
      if (std::holds_alternative<FunctionFailed>(event)) {
        // Cleared so a later Compare cannot act on the previous function's answer.
        state_.external.clear();
        return error(block, "NoMatchingError");
      }
      return std::nullopt;

    // Lex bots
    case BlockType::kConnectParticipantWithLexBot: {
      std::optional<LexLeave> leave = answerLexBot(block, event, state_);
      if (!leave) return std::nullopt;
      return Move{std::move(leave->outcome), leave->branch};
    }

    default:
      return std::nullopt;
  }
}

}  // namespace callgate::flow
