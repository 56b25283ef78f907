#include "functions/function.h"

#include "functions/builtin.h"

namespace callgate {

void FunctionRegistry::add(std::unique_ptr<Function> fn) {
  std::string key(fn->name());
  fns_[key] = std::move(fn);
}

void FunctionRegistry::addExternal(std::unique_ptr<Function> fn) {
  external_.emplace(fn->name());
  add(std::move(fn));
}

void FunctionRegistry::addAlias(std::string arnOrName, std::string functionName) {
  aliases_[std::move(arnOrName)] = std::move(functionName);
}

Function* FunctionRegistry::find(std::string_view name) const {
  auto it = fns_.find(name);
  return it == fns_.end() ? nullptr : it->second.get();
}

Function* FunctionRegistry::resolve(std::string_view nameOrArn) const {
  if (Function* fn = find(nameOrArn)) return fn;
  if (auto it = aliases_.find(nameOrArn); it != aliases_.end()) return find(it->second);
  // An ARN (or plain name) of a built-in, qualifier dropped; the alias map was tried above.
  if (std::optional<std::string> builtin = resolveFunctionName(std::string(nameOrArn), {})) {
    return find(*builtin);
  }
  return nullptr;
}

std::vector<std::string> FunctionRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : fns_) {
    if (!external_.count(k)) out.push_back(k);
  }
  return out;
}

}  // namespace callgate
