// FlowLibrary: the flows of one flows directory, by name, ARN and id, so that TransferToFlow and
// InvokeFlowModule can find each other at run time. Filled once by the app's loader (add() before
// it is shared), then read-only: any thread may read it. It owns its flows; each flow points back
// to it weakly (LoadOptions::library), and a Session holds it for the length of its call, so a
// call keeps the set of flows it started with even when the app loads a new set.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "core/flow/flow.h"

namespace callgate::flow {

// The ARN callgate gives a flow whose wrapper has none, so flows can name each other the way
// Connect's do: "arn:aws:connect:local:000000000000:instance/callgate/contact-flow/<name>" (for a
// module, ".../flow-module/<name>").
std::string synthesizedFlowArn(const FlowInfo& info);

class FlowLibrary {
 public:
  // Adds `flow` under its name, its ARN (or the synthesized one) and its id. Fails when one of
  // them already names another flow.
  Status add(std::shared_ptr<const Flow> flow);

  // The flow a ContactFlowId / FlowModuleId names: a name, an ARN, an id, or an ARN whose last
  // part ("contact-flow/<id>", "flow-module/<id>", with an optional ":version" qualifier) is a
  // known id or name. Null when none.
  std::shared_ptr<const Flow> find(std::string_view ref) const;
  // The flow with this fingerprint (Flow::fingerprint()), for restoring a session snapshot.
  std::shared_ptr<const Flow> findByFingerprint(std::string_view fingerprint) const;

  // Name -> flow, sorted by name.
  const std::map<std::string, std::shared_ptr<const Flow>, std::less<>>& byName() const {
    return byName_;
  }

 private:
  std::map<std::string, std::shared_ptr<const Flow>, std::less<>> byName_;
  std::map<std::string, std::string, std::less<>> aliases_;  // ARN or id -> name
};

}  // namespace callgate::flow
