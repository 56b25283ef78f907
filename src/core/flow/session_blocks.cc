// What each block type does when a Session enters it, and how a waiting block is left when the
// channel answers. The run loop and bookkeeping are in session.cc.
#include <utility>

#include "core/flow/blocks_contact.h"
#include "core/flow/blocks_lex.h"
#include "core/flow/internal_functions.h"
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

bool fitsResultLimit(const std::map<std::string, std::string>& result) {
  std::size_t total = 0;
  for (const auto& [key, value] : result) {
    total += key.size() + value.size();
    if (total > kMaxValueBytes) return false;
  }
  return true;
}

}  // namespace

std::optional<std::map<std::string, std::string>> Session::renderAll(const NamedTemplates& values,
                                                                     const ContactState& state) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : values) {
    std::optional<std::string> rendered = value.render(state, kMaxValueBytes);
    if (!rendered) return std::nullopt;
    out[key] = std::move(*rendered);
  }
  return out;
}

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
      std::string function = p.function;
      if (p.dynamicArn) {
        // Resolved by the channel (FunctionRegistry::resolve); nothing to resolve = the Error
        // branch, as Connect takes it for a Lambda it cannot invoke. The reserved connect:
        // functions are the routing actions' own, never a Lambda an attribute may name.
        std::optional<std::string> arn = p.dynamicArn->render(state_, kMaxValueBytes);
        if (!arn || arn->empty() || arn->starts_with(internal::kPrefix)) return std::nullopt;
        function = std::move(*arn);
      }
      return Action(InvokeFunction{std::move(function), std::move(*parameters), p.timeoutSeconds,
                                   p.jsonResponse});
    }
    // Routing and data actions (blocks_routing.cc).
    case BlockType::kCheckHoursOfOperation:
    case BlockType::kCheckMetricData:
    case BlockType::kGetCustomerProfile:
    case BlockType::kCreateCallbackContact:
      return describeRouting(block);
    // contact actions (blocks_contact.h)
    case BlockType::kMessageParticipantIteratively:
      return contact::describe(block, state_, loops_);
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
      state_.queueArn = id->starts_with("arn:") ? *id : std::string();
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
      // nothing can fail and its error branches are never taken; what callgate cannot do at all
      // fails.
      if (std::get<PassThroughParams>(block.params).unavailable)
        return error(block, "NoMatchingError");
      return next(block);
    // flow control (flowcore: flow_control.cc)
    case BlockType::kEndFlowExecution:
    case BlockType::kTransferToFlow:
    case BlockType::kInvokeFlowModule:
    case BlockType::kEndFlowModuleExecution:
    case BlockType::kDistributeByPercentage:
    case BlockType::kWait:
    case BlockType::kUpdateFlowAttributes:
      return enterFlowControl(index);
    // Routing and data actions (blocks_routing.cc).
    case BlockType::kCheckHoursOfOperation:
    case BlockType::kCheckMetricData:
    case BlockType::kGetCustomerProfile:
    case BlockType::kCreateCallbackContact:
      return enterRouting(index);
    // contact actions (blocks_contact.h)
    case BlockType::kMessageParticipantIteratively:
    case BlockType::kUpdateContactTextToSpeechVoice:
    case BlockType::kUpdateContactData:
    case BlockType::kTagContact:
    case BlockType::kUnTagContact:
    case BlockType::kUpdateContactCallbackNumber:
    case BlockType::kDequeueContactAndTransferToQueue:
    case BlockType::kTransferParticipantToThirdParty:
    case BlockType::kCheckVoiceId:
      return contactStep(index, contact::enter(block, state_, loops_));
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
      // contact actions (blocks_contact.h): PhoneNumberValidation stores the number in E.164.
      if (p.phone.enabled) {
        std::optional<std::string> number = contact::validatePhoneInput(p.phone, digits);
        if (!number) {
          state_.storedCustomerInput.clear();
          if (block.transitions.onError("InvalidPhoneNumber"))
            return error(block, "InvalidPhoneNumber");
          return error(block, "NoMatchingError");
        }
        digits = std::move(*number);
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

    // Routing and data actions (blocks_routing.cc).
    case BlockType::kCheckHoursOfOperation:
    case BlockType::kCheckMetricData:
    case BlockType::kGetCustomerProfile:
    case BlockType::kCreateCallbackContact:
      return answerRouting(block, event);
    // contact actions (blocks_contact.h)
    case BlockType::kMessageParticipantIteratively: {
      std::optional<contact::Step> step = contact::answer(block, state_, event, loops_);
      if (!step) return std::nullopt;
      std::variant<Action, Move> out = contactStep(current_, std::move(*step));
      if (Move* move = std::get_if<Move>(&out)) return std::move(*move);
      return Move{"flow-error", nullptr};  // answers never wait or end; kept for safety
    }
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

std::variant<Action, Session::Move> Session::contactStep(std::size_t index, contact::Step step) {
  const Block& block = flow_->blocks()[index];
  switch (step.kind) {
    case contact::Step::Kind::kNext:
      return next(block);
    case contact::Step::Kind::kError:
      return error(block, step.name);
    case contact::Step::Kind::kCondition:
      for (const ConditionBranch& c : block.transitions.conditions) {
        if (evaluateCondition(c.op, step.name, c.operand))
          return Move{"condition:" + c.operand, &c.next};
      }
      return error(block, "NoMatchingCondition");
    case contact::Step::Kind::kWait:
      if (!step.action) return Move{"flow-error", nullptr};
      return wait(index, std::move(*step.action));
    case contact::Step::Kind::kAgain:
      again_ = Branch{block.id, index};
      return Move{"next", &again_};
    case contact::Step::Kind::kEnd:
      if (!step.action) return Move{"flow-error", nullptr};
      record(block, "end");
      return finish(std::move(*step.action), Disconnect::Why::kTransferred, "call transferred");
  }
  return Move{"flow-error", nullptr};
}

}  // namespace callgate::flow
