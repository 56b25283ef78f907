// Helpers for the flow interpreter tests: build flow-language documents in a line or two, load
// them, and check actions by type.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "core/flow/flow.h"
#include "core/flow/session.h"

namespace callgate::flow::flowtest {

using Json = nlohmann::json;

// {"Identifier": id, "Type": type, "Parameters": params, "Transitions": transitions}
inline Json action(const std::string& id, const std::string& type, Json params = Json::object(),
                   Json transitions = Json::object()) {
  return Json{{"Identifier", id},
              {"Type", type},
              {"Parameters", std::move(params)},
              {"Transitions", std::move(transitions)}};
}

inline Json next(const std::string& target) { return Json{{"NextAction", target}}; }

inline Json condition(const std::string& op, const std::string& operand,
                      const std::string& target) {
  return Json{{"NextAction", target},
              {"Condition", {{"Operator", op}, {"Operands", Json::array({operand})}}}};
}

inline Json errorBranch(const std::string& type, const std::string& target) {
  return Json{{"ErrorType", type}, {"NextAction", target}};
}

inline Json message(const std::string& id, const std::string& text, const std::string& nextId) {
  return action(id, "MessageParticipant", {{"Text", text}}, next(nextId));
}

inline Json hangUp(const std::string& id = "end") { return action(id, "DisconnectParticipant"); }

inline std::string flowJson(const std::vector<Json>& actions, const std::string& start = "") {
  Json doc{{"Version", "2019-10-30"},
           {"StartAction", start.empty() ? actions.front().value("Identifier", "start") : start},
           {"Metadata", Json::object()},
           {"Actions", actions}};
  return doc.dump();
}

inline std::shared_ptr<const Flow> mustLoad(const std::string& json,
                                            const LoadOptions& options = {}) {
  Result<std::shared_ptr<const Flow>> flow = Flow::load(json, options);
  EXPECT_TRUE(flow.ok()) << (flow.ok() ? "" : flow.error().message());
  return flow.ok() ? *flow : nullptr;
}

inline std::shared_ptr<const Flow> mustLoad(const std::vector<Json>& actions) {
  return mustLoad(flowJson(actions));
}
// So mustLoad({a, b}) picks the action list, not std::string (Json converts to string implicitly).
inline std::shared_ptr<const Flow> mustLoad(std::initializer_list<Json> actions) {
  return mustLoad(std::vector<Json>(actions));
}

// The load error message, or "" (with a test failure) when the flow loaded.
inline std::string loadError(const std::string& json, const LoadOptions& options = {}) {
  Result<std::shared_ptr<const Flow>> flow = Flow::load(json, options);
  EXPECT_FALSE(flow.ok()) << "flow loaded but should not have";
  return flow.ok() ? std::string() : flow.error().message();
}

inline std::string loadError(const std::vector<Json>& actions) {
  return loadError(flowJson(actions));
}
inline std::string loadError(std::initializer_list<Json> actions) {
  return loadError(std::vector<Json>(actions));
}

inline CallInfo testCall() {
  CallInfo call;
  call.contactId = "c-123";
  call.customerAddress = "+15551230000";
  call.systemAddress = "+18005550100";
  return call;
}

// The action as T; a test failure (and a default T) when it is something else.
template <typename T>
T as(const Action& action) {
  EXPECT_TRUE(std::holds_alternative<T>(action)) << "got " << actionName(action);
  if (const T* p = std::get_if<T>(&action)) return *p;
  return T{};
}

inline std::string disconnectReason(const Action& action) { return as<Disconnect>(action).reason; }

inline std::vector<std::string> outcomes(const std::vector<Step>& steps) {
  std::vector<std::string> out;
  for (const Step& s : steps) out.push_back(s.actionId + "/" + s.outcome);
  return out;
}

}  // namespace callgate::flow::flowtest
