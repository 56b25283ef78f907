#include "core/flow/flow_library.h"

#include <utility>

namespace callgate::flow {

std::string synthesizedFlowArn(const FlowInfo& info) {
  return std::string("arn:aws:connect:local:000000000000:instance/callgate/") +
         (info.isModule() ? "flow-module/" : "contact-flow/") + info.name;
}

Status FlowLibrary::add(std::shared_ptr<const Flow> flow) {
  if (!flow) return Error::invalidArgument("no flow");
  const FlowInfo& info = flow->info();
  if (info.name.empty()) return Error::invalidArgument("a flow in a library needs a name");
  if (byName_.count(info.name) || aliases_.count(info.name)) {
    return Error::alreadyExists("two flows are named '" + info.name + "'");
  }
  std::string arn = info.arn.empty() ? synthesizedFlowArn(info) : info.arn;
  for (const std::string& alias : {arn, info.id}) {
    if (alias.empty() || alias == info.name) continue;
    auto taken = aliases_.find(alias);
    if ((taken != aliases_.end() && taken->second != info.name) || byName_.count(alias)) {
      return Error::alreadyExists("flow '" + info.name + "': '" + alias +
                                  "' already names another flow");
    }
  }
  for (const std::string& alias : {arn, info.id}) {
    if (!alias.empty() && alias != info.name) aliases_[alias] = info.name;
  }
  byName_.emplace(info.name, std::move(flow));
  return okStatus();
}

std::shared_ptr<const Flow> FlowLibrary::find(std::string_view ref) const {
  auto byName = [&](std::string_view name) -> std::shared_ptr<const Flow> {
    if (auto it = byName_.find(name); it != byName_.end()) return it->second;
    if (auto alias = aliases_.find(name); alias != aliases_.end()) {
      if (auto it = byName_.find(alias->second); it != byName_.end()) return it->second;
    }
    return nullptr;
  };
  if (auto found = byName(ref)) return found;
  if (!ref.starts_with("arn:")) {
    // An id with a version qualifier ("<id>:$LATEST").
    std::size_t colon = ref.find(':');
    return colon == std::string_view::npos ? nullptr : byName(ref.substr(0, colon));
  }
  // An ARN of another instance or region: its last part names the flow.
  std::string_view last = ref.substr(ref.rfind('/') + 1);
  if (auto found = byName(last)) return found;
  std::size_t colon = last.find(':');
  return colon == std::string_view::npos ? nullptr : byName(last.substr(0, colon));
}

std::shared_ptr<const Flow> FlowLibrary::findByFingerprint(std::string_view fingerprint) const {
  for (const auto& [name, flow] : byName_) {
    if (flow->fingerprint() == fingerprint) return flow;
  }
  return nullptr;
}

}  // namespace callgate::flow
