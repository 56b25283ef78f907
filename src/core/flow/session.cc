#include "core/flow/session.h"

#include <utility>

namespace callgate::flow {
namespace {

// Starts the people-facing reason of a flow error (logs, the simulator); channels read
// Disconnect::why.
constexpr std::string_view kFlowErrorPrefix = "flow error: ";

// What a waiting block expects, for mismatch messages.
std::string_view expectedEvents(BlockType type) {
  switch (type) {
    case BlockType::kMessageParticipant:
      return "PromptPlayed";
    case BlockType::kGetParticipantInput:
      return "DigitsCollected or InputTimedOut";
    case BlockType::kInvokeLambdaFunction:
    // Routing and data actions (blocks_routing.cc).
    case BlockType::kCheckHoursOfOperation:
    case BlockType::kCheckMetricData:
    case BlockType::kGetCustomerProfile:
    case BlockType::kCreateCallbackContact:
      return "FunctionCompleted or FunctionFailed";
    // contact actions (blocks_contact.h)
    case BlockType::kMessageParticipantIteratively:
      return "PromptPlayed";
    // Lex bots
    case BlockType::kConnectParticipantWithLexBot:
      return "IntentRecognized or InputTimedOut";
    default:
      return "nothing";
  }
}

// "has no NextAction", "has no NoMatchingError branch", ...
std::string missingBranch(const std::string& outcome) {
  if (outcome == "next") return "has no NextAction";
  if (outcome.starts_with("error:")) return "has no " + outcome.substr(6) + " branch";
  if (outcome.starts_with("condition:")) return "has no " + outcome.substr(10) + " branch";
  return "has no branch for " + outcome;
}

}  // namespace

Session::Session(std::shared_ptr<const Flow> flow)
    : flow_(flow), origin_(flow), library_(flow ? flow->library() : nullptr) {}

Session::Session(std::shared_ptr<const Flow> flow, CallInfo call) : Session(std::move(flow)) {
  state_.call = std::move(call);
}

Action Session::start() {
  if (phase_ != Phase::kNew) return *last_;
  if (!flow_) return fail(nullptr, "no flow loaded");
  return run(flow_->startIndex());
}

Action Session::handle(const Event& event) {
  if (phase_ == Phase::kFinished) return Disconnect{endWhy_, endReason_, state_.attributes};
  if (std::holds_alternative<CallerHungUp>(event)) {
    if (phase_ == Phase::kWaiting) record(flow_->blocks()[current_], "hangup");
    return finish(Disconnect{Disconnect::Why::kCallerHungUp, "caller hung up", state_.attributes},
                  Disconnect::Why::kCallerHungUp, "caller hung up");
  }
  if (phase_ == Phase::kNew) {
    return fail(nullptr, "event " + std::string(eventName(event)) + " before start");
  }
  const Block& block = flow_->blocks()[current_];
  std::optional<Move> move = answer(block, event);
  if (!move) {
    record(block, "flow-error");
    return fail(nullptr, "unexpected " + std::string(eventName(event)) + " while action '" +
                             block.id + "' (" + std::string(block.typeName()) + ") waits for " +
                             std::string(expectedEvents(block.type)));
  }
  stepsWithoutInput_ = 0;
  return proceed(current_, std::move(*move));
}

std::optional<Action> Session::pendingAction() const { return last_; }

std::vector<Step> Session::drainSteps() {
  std::vector<Step> out;
  out.swap(steps_);
  return out;
}

Action Session::run(std::size_t index) {
  const Block& block = flow_->blocks()[index];
  if (stepsWithoutInput_ >= kMaxStepsWithoutInput) {
    record(block, "flow-error");
    return fail(nullptr, "too many steps without input");
  }
  if (totalSteps_ >= kMaxStepsPerSession) {
    record(block, "flow-error");
    return fail(nullptr, "too many steps");
  }
  ++stepsWithoutInput_;
  ++totalSteps_;
  std::variant<Action, Move> entered = enter(index);
  if (Action* action = std::get_if<Action>(&entered)) return std::move(*action);
  return proceed(index, std::get<Move>(std::move(entered)));
}

Action Session::proceed(std::size_t from, Move move) {
  // A loop rather than run() -> proceed() -> run() recursion, so a long chain of immediate
  // actions costs no stack.
  for (;;) {
    if (!move.recorded) {
      const Block& block = flow_->blocks()[from];
      if (move.branch == nullptr) {
        record(block, "flow-error");
        return fail(&block, missingBranch(move.outcome));
      }
      record(block, std::move(move.outcome));
    } else if (move.branch == nullptr) {
      return fail(nullptr, "no action to continue with after " + move.outcome);
    }
    std::size_t to = move.branch->index;
    const Block& target = flow_->blocks()[to];
    if (stepsWithoutInput_ >= kMaxStepsWithoutInput) {
      record(target, "flow-error");
      return fail(nullptr, "too many steps without input");
    }
    if (totalSteps_ >= kMaxStepsPerSession) {
      record(target, "flow-error");
      return fail(nullptr, "too many steps");
    }
    ++stepsWithoutInput_;
    ++totalSteps_;
    std::variant<Action, Move> entered = enter(to);
    if (Action* action = std::get_if<Action>(&entered)) return std::move(*action);
    move = std::get<Move>(std::move(entered));
    from = to;
  }
}

Session::Move Session::next(const Block& block) const {
  return Move{"next", block.transitions.next ? &*block.transitions.next : nullptr};
}

Session::Move Session::error(const Block& block, const std::string& errorType) const {
  return Move{"error:" + errorType, block.transitions.onError(errorType)};
}

Action Session::wait(std::size_t index, Action action) {
  phase_ = Phase::kWaiting;
  current_ = index;
  last_ = action;
  return action;
}

Action Session::finish(Action terminal, Disconnect::Why whyAfterwards,
                       std::string reasonAfterwards) {
  phase_ = Phase::kFinished;
  current_ = kNoBlock;
  endWhy_ = whyAfterwards;
  endReason_ = std::move(reasonAfterwards);
  last_ = terminal;
  return terminal;
}

Action Session::fail(const Block* at, const std::string& detail) {
  std::string reason(kFlowErrorPrefix);
  if (at != nullptr) reason += "action '" + at->id + "' (" + std::string(at->typeName()) + ") ";
  reason += detail;
  return finish(Disconnect{Disconnect::Why::kFlowError, reason, state_.attributes},
                Disconnect::Why::kFlowError, reason);
}

void Session::record(const Block& block, std::string outcome) {
  steps_.push_back(Step{block.id, std::string(block.typeName()), std::move(outcome)});
}

}  // namespace callgate::flow
