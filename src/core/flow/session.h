// One call running through a Flow: a pure state machine. The channel calls start(), performs the
// Action it gets back, reports the outcome with handle(Event), and repeats until it gets a terminal
// Action (TransferToQueue or Disconnect). The session never does I/O, never blocks and never
// throws; whatever the flow or the channel does wrong ends the call with a Disconnect whose why is
// kFlowError (reason "flow error: ...") instead.
//
// Ownership: a Session shares its Flow (immutable) and owns its contact state. It is a value:
// copyable, movable, and persistable between requests with snapshot()/restore().
// Thread-safety: none; one thread (or one strand) drives a session at a time. Different sessions
// of the same Flow may run on different threads.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "core/flow/actions.h"
#include "core/flow/flow.h"
#include "core/flow/flow_library.h"
#include "core/flow/references.h"

namespace callgate::flow {

namespace contact {
struct Step;
}

// Run-time bounds. A flow that keeps moving without asking the channel for anything (Compare ->
// UpdateContactAttributes -> Compare ...) is stopped after kMaxStepsWithoutInput actions; a call
// that loops through prompts forever is stopped after kMaxStepsPerSession.
inline constexpr int kMaxStepsWithoutInput = 1000;
inline constexpr int kMaxStepsPerSession = 10000;
// Largest rendered parameter value and largest function result (Connect's 32 KB response limit).
inline constexpr std::size_t kMaxValueBytes = 32 * 1024;

// One executed action, for the channel's logs. outcome is "next", "condition:<operand>",
// "error:<ErrorType>", "end" (a terminal action), "hangup" (the caller hung up while the action
// was waiting) or "flow-error".
struct Step {
  std::string actionId;
  std::string type;
  std::string outcome;

  bool operator==(const Step&) const = default;
};

class Session {
 public:
  // `flow` is where the call starts. When it belongs to a FlowLibrary (a flows directory) the
  // session holds that library for the whole call, so TransferToFlow and InvokeFlowModule reach
  // the flows the call started with.
  Session(std::shared_ptr<const Flow> flow, CallInfo call);

  // Runs from StartAction to the first action for the channel. Calling it again returns the
  // pending action unchanged (so a channel may safely ask twice).
  Action start();

  // Feeds the outcome of the pending action; returns the next action. CallerHungUp is accepted at
  // any time. An event that does not answer the pending action (or comes before start()) ends the
  // call with a flow error. After a terminal action every event yields Disconnect again.
  Action handle(const Event& event);

  bool finished() const { return phase_ == Phase::kFinished; }

  // $.Attributes: what the flow set with UpdateContactAttributes.
  const std::map<std::string, std::string>& attributes() const { return state_.attributes; }
  // Everything references read: call info, attributes, the last function result, stored input,
  // target queue. For simulators and diagnostics.
  const ContactState& state() const { return state_; }

  // The last action returned (what the channel should be doing now); nullopt before start().
  // After restore() this is how a channel learns what it was waiting for.
  std::optional<Action> pendingAction() const;

  // Steps executed since the last drain, oldest first.
  std::vector<Step> drainSteps();

  // Full state as JSON (call, attributes, External, stored input, queue, loop counters, waiting
  // action, step counters, undrained steps) tied to the flow's fingerprint. Values are copied as
  // given, so dump it with nlohmann::json::error_handler_t::replace if they may be invalid UTF-8.
  nlohmann::json snapshot() const;
  // Rebuilds a session from snapshot() output. `flow` is the flow the call started in; a call
  // that has since moved (TransferToFlow, a module) finds the others in that flow's library by
  // name and fingerprint. Fails (never throws) if the snapshot is malformed or was taken from
  // different flows.
  static Result<Session> restore(std::shared_ptr<const Flow> flow, const nlohmann::json& snapshot);

  // The flow running now (the start flow, one transferred to, or a module); its name is
  // Flow::info().name.
  const std::shared_ptr<const Flow>& currentFlow() const { return flow_; }

 private:
  enum class Phase { kNew, kWaiting, kFinished };
  // Leaving a block: the outcome for the step log and the branch to take (nullptr = the flow has
  // none, which is a flow error).
  struct Move {
    std::string outcome;
    const Branch* branch = nullptr;
    // Set by blocks that switch flows: the step is already logged and `branch` indexes the flow
    // running now, not the one the block was in.
    bool recorded = false;
  };
  // A module call in progress: where to come back to and what the caller's flow had.
  struct Frame {
    std::shared_ptr<const Flow> flow;  // the invoking flow
    std::size_t invoke = kNoBlock;     // its InvokeFlowModule block
    std::map<std::string, std::string> flowAttributes;
    std::map<std::string, int> loops;
    std::map<std::string, std::string> moduleInput;  // the caller's own (when it is a module)
  };
  // Deepest module nesting; a module that invokes itself stops here (NoMatchingError).
  static constexpr std::size_t kMaxModuleDepth = 10;

  explicit Session(std::shared_ptr<const Flow> flow);

  // Enters block `index` and keeps going until an action for the channel is due.
  Action run(std::size_t index);
  // Leaves block `from` by `move` and keeps going.
  Action proceed(std::size_t from, Move move);
  // Executes one block: either returns the action to hand to the channel or how to leave it.
  std::variant<Action, Move> enter(std::size_t index);
  // The channel action of a waiting block (PlayPrompt, CollectDigits, InvokeFunction); nullopt
  // when a value cannot be rendered.
  std::optional<Action> describe(const Block& block) const;
  // How a waiting block is left on `event`; nullopt when the event does not answer it.
  std::optional<Move> answer(const Block& block, const Event& event);

  // The flow control actions (flow_control.cc).
  std::variant<Action, Move> enterFlowControl(std::size_t index);
  // Continues at the start of `to` (TransferToFlow, InvokeFlowModule), after `from`'s step.
  Move jumpTo(const Block& from, std::string outcome, std::shared_ptr<const Flow> to);

  // Every value rendered against the contact, or nullopt when one is too long.
  static std::optional<std::map<std::string, std::string>> renderAll(const NamedTemplates& values,
                                                                     const ContactState& state);
  Move next(const Block& block) const;
  Move error(const Block& block, const std::string& errorType) const;
  Move loop(const Block& block);
  // Routing and data actions (blocks_routing.cc): enter, describe and answer for their types.
  std::variant<Action, Move> enterRouting(std::size_t index);
  std::optional<Action> describeRouting(const Block& block) const;
  std::optional<Move> answerRouting(const Block& block, const Event& event);
  // contact actions (blocks_contact.h): what a contact block decided, as a move or an action.
  std::variant<Action, Move> contactStep(std::size_t index, contact::Step step);

  Action wait(std::size_t index, Action action);
  // Ends the session with `terminal`; events after it get Disconnect{whyAfterwards,
  // reasonAfterwards}.
  Action finish(Action terminal, Disconnect::Why whyAfterwards, std::string reasonAfterwards);
  Action fail(const Block* at, const std::string& detail);
  void record(const Block& block, std::string outcome);

  std::shared_ptr<const Flow> flow_;    // running now
  std::shared_ptr<const Flow> origin_;  // where the call started (what snapshots are tied to)
  std::shared_ptr<const FlowLibrary> library_;  // origin_'s library, held for the call
  std::vector<Frame> frames_;                   // module calls, innermost last
  Branch jump_;                                 // target of a flow switch (Move::branch)
  ContactState state_;
  std::map<std::string, int> loops_;  // Loop block id -> iterations so far
  Phase phase_ = Phase::kNew;
  std::size_t current_ = kNoBlock;  // the waiting block while kWaiting
  std::optional<Action> last_;
  Disconnect::Why endWhy_ = Disconnect::Why::kFlowEnded;  // for events after the end
  std::string endReason_;                                 // Disconnect reason for those events
  int stepsWithoutInput_ = 0;
  int totalSteps_ = 0;
  std::vector<Step> steps_;
  Branch again_;  // contact actions: the branch back into the current block (the next message)
};

}  // namespace callgate::flow
