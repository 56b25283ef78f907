// The built-in functions a flow's InvokeLambdaFunction may call, and how a Lambda ARN maps to
// one: a config map first, else the ARN's function name ("arn:aws:lambda:REGION:ACCOUNT:
// function:NAME[:ALIAS]") or a plain name. External Lambdas ([lambdas]) are registered under the
// exact ARN or name a flow writes, so they come before both. FunctionRegistry::resolve() applies
// the same order at run time (dynamic ARNs). Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace callgate {

const std::vector<std::string>& builtinFunctionNames();

// `externalNames`: the ARNs and names of the [lambdas] entries; a [functions] map entry may also
// name one of them.
std::optional<std::string> resolveFunctionName(const std::string& arnOrName,
                                               const std::map<std::string, std::string>& configMap,
                                               const std::set<std::string>& externalNames = {});

}  // namespace callgate
