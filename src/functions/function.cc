#include "functions/function.h"

namespace callgate {

void FunctionRegistry::add(std::unique_ptr<Function> fn) {
  std::string key(fn->name());
  fns_[key] = std::move(fn);
}

Function* FunctionRegistry::find(std::string_view name) const {
  auto it = fns_.find(name);
  return it == fns_.end() ? nullptr : it->second.get();
}

std::vector<std::string> FunctionRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : fns_) out.push_back(k);
  return out;
}

}  // namespace callgate
