// The function interface: what a Connect endpoint or a flow's InvokeLambdaFunction calls.
// A function takes the contact's data and the block's parameters and answers a flat string map
// (Connect's STRING_MAP). Business outcomes ("Invalid", "RateLimited") are values in the map;
// a Result error means the request itself was unusable (kInvalidArgument, e.g. a bad phone
// number) or a dependency failed (kUnavailable). Functions are stateless and thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/trust_policy.h"

namespace callgate {

using StringMap = std::map<std::string, std::string>;

struct ContactData {
  std::string contactId;
  std::string customerAddress;  // as the channel gave it; functions normalise it to E.164
  std::string languageCode = "en-US";
  Attestation attestation = Attestation::kNone;
  StringMap attributes;
};

struct FunctionRequest {
  ContactData contact;
  StringMap parameters;  // the block's LambdaInvocationAttributes / Details.Parameters
};

class Function {
 public:
  virtual ~Function() = default;
  virtual std::string_view name() const = 0;
  virtual Result<StringMap> invoke(const FunctionRequest& request) = 0;
};

// Name -> function. Filled once at start-up, then read-only (so thread-safe to read).
class FunctionRegistry {
 public:
  void add(std::unique_ptr<Function> fn);
  Function* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::unique_ptr<Function>, std::less<>> fns_;
};

}  // namespace callgate
