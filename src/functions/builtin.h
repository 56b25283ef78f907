// The built-in functions a flow's InvokeLambdaFunction may call, and how a Lambda ARN maps to
// one: a config map first, else the ARN's function name ("arn:aws:lambda:REGION:ACCOUNT:
// function:NAME[:ALIAS]") or a plain name. Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace callgate {

const std::vector<std::string>& builtinFunctionNames();

std::optional<std::string> resolveFunctionName(const std::string& arnOrName,
                                               const std::map<std::string, std::string>& configMap);

}  // namespace callgate
