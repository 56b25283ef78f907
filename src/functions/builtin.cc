#include "functions/builtin.h"

#include <algorithm>

namespace callgate {

const std::vector<std::string>& builtinFunctionNames() {
  static const std::vector<std::string> kNames{
      "lookup-caller",    "send-otp",           "verify-otp",       "verify-pin",
      "send-unlock-code", "verify-unlock-code", "issue-action-link"};
  return kNames;
}

std::optional<std::string> resolveFunctionName(const std::string& arnOrName,
                                               const std::map<std::string, std::string>& configMap,
                                               const std::set<std::string>& externalNames) {
  if (externalNames.count(arnOrName)) return arnOrName;
  std::string name = arnOrName;
  if (auto it = configMap.find(arnOrName); it != configMap.end()) {
    name = it->second;
    if (externalNames.count(name)) return name;
  } else if (arnOrName.rfind("arn:", 0) == 0) {
    const std::string marker = ":function:";
    const auto pos = arnOrName.find(marker);
    if (pos == std::string::npos) return std::nullopt;
    name = arnOrName.substr(pos + marker.size());
    name = name.substr(0, name.find(':'));  // drop a version or alias qualifier
  }
  const auto& names = builtinFunctionNames();
  if (std::find(names.begin(), names.end(), name) == names.end()) return std::nullopt;
  return name;
}

}  // namespace callgate
