#include "core/flow/actions.h"

#include "common/overloaded.h"

namespace callgate::flow {

std::string_view actionName(const Action& action) {
  return std::visit(
      Overloaded{
          [](const PlayPrompt&) { return std::string_view("PlayPrompt"); },
          [](const CollectDigits&) { return std::string_view("CollectDigits"); },
          [](const InvokeFunction&) { return std::string_view("InvokeFunction"); },
          [](const TransferToQueue&) { return std::string_view("TransferToQueue"); },
          [](const Disconnect&) { return std::string_view("Disconnect"); },
          [](const TransferToNumber&) { return std::string_view("TransferToNumber"); },
          [](const RecognizeIntent&) { return std::string_view("RecognizeIntent"); },
      },
      action);
}

std::string_view eventName(const Event& event) {
  return std::visit(
      Overloaded{
          [](const PromptPlayed&) { return std::string_view("PromptPlayed"); },
          [](const DigitsCollected&) { return std::string_view("DigitsCollected"); },
          [](const InputTimedOut&) { return std::string_view("InputTimedOut"); },
          [](const FunctionCompleted&) { return std::string_view("FunctionCompleted"); },
          [](const FunctionFailed&) { return std::string_view("FunctionFailed"); },
          [](const CallerHungUp&) { return std::string_view("CallerHungUp"); },
          [](const IntentRecognized&) { return std::string_view("IntentRecognized"); },
      },
      event);
}

std::string_view whyName(Disconnect::Why why) {
  switch (why) {
    case Disconnect::Why::kFlowEnded:
      return "flow-ended";
    case Disconnect::Why::kCallerHungUp:
      return "caller-hung-up";
    case Disconnect::Why::kTransferred:
      return "transferred";
    case Disconnect::Why::kFlowError:
      return "flow-error";
  }
  return "flow-error";
}

bool isTerminal(const Action& action) {
  return std::holds_alternative<TransferToQueue>(action) ||
         std::holds_alternative<Disconnect>(action) ||
         std::holds_alternative<TransferToNumber>(action);
}

}  // namespace callgate::flow
