// The function interface: what a Connect endpoint or a flow's InvokeLambdaFunction calls.
// A function takes the contact's data and the block's parameters and answers a flat string map
// (Connect's STRING_MAP). Business outcomes ("Invalid", "RateLimited") are values in the map;
// a Result error means the request itself was unusable (kInvalidArgument, e.g. a bad phone
// number) or a dependency failed (kUnavailable). Functions are stateless and thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
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
  std::string systemAddress;    // the number dialled ("" when the channel does not know it)
  std::string channel = "VOICE";
  std::string queue;  // the contact's queue name ($.Queue.Name), "" when none is set
  std::string languageCode = "en-US";
  Attestation attestation = Attestation::kNone;
  StringMap attributes;
};

struct FunctionRequest {
  ContactData contact;
  StringMap parameters;  // the block's LambdaInvocationAttributes / Details.Parameters
  // What the flow's block allows (InvocationTimeLimitSeconds, ResponseValidation JSON); only
  // functions that wait on something outside (external Lambdas) read them.
  int timeoutSeconds = 3;
  bool jsonResponse = false;
  // When the caller stops waiting for the answer: the block's time limit, counted from when the
  // channel asked (channels/common/flow_channel.h). nullopt = no limit known (the Connect
  // endpoints: Connect's own Lambda timeout is not sent). The channels never start a request
  // that waited past it; a function that would commit something the caller must be told of
  // (verify-pin: the sign-in) checks it again before committing, so the audit log and the
  // contact's record never say what the flow, having moved on, did not.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool pastDeadline() const { return deadline && std::chrono::steady_clock::now() > *deadline; }
};

class Function {
 public:
  virtual ~Function() = default;
  virtual std::string_view name() const = 0;
  virtual Result<StringMap> invoke(const FunctionRequest& request) = 0;
  // True when an invocation is mostly computation (argon2id) rather than waiting on storage:
  // its HTTP endpoint runs on the server's slow lane, so a burst of it cannot hold the workers.
  virtual bool cpuHeavy() const { return false; }
  // True when an invocation is bounded, in-process work of a few microseconds (a point read from
  // the embedded store, no network, no argon2id): its HTTP endpoint answers on the io thread,
  // saving the hand-off to a worker and back, which cost more than the work itself
  // (docs/ARCHITECTURE.md "Threads").
  virtual bool answersInline() const { return false; }
};

// Name -> function. Filled once at start-up, then read-only (so thread-safe to read).
class FunctionRegistry {
 public:
  void add(std::unique_ptr<Function> fn);
  // A Lambda that is not ours ([lambdas]): reachable through find() and resolve() like any
  // other, but left out of names(), so callgate's Connect endpoints never proxy to it.
  void addExternal(std::unique_ptr<Function> fn);
  // Another name for a registered function: an entry of the [functions] map (a Lambda ARN or
  // name -> a function's name). Takes effect in resolve(), not find().
  void addAlias(std::string arnOrName, std::string functionName);
  // The function registered under exactly `name` (the Connect routes, built-in names).
  Function* find(std::string_view name) const;
  // What a flow's LambdaFunctionARN leads to, the same way a static ARN resolves when a flow
  // loads (functions/builtin.h): the exact registered name (built-ins, internal `connect:`
  // functions, [lambdas] entries, which are registered under the ARN or name the flow writes),
  // then an alias, then an ARN's function name when that names a built-in. nullptr when none:
  // a dynamic ARN never reaches anything the operator did not configure.
  Function* resolve(std::string_view nameOrArn) const;
  // The functions callgate implements (what its Connect endpoints serve), external ones left out.
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::unique_ptr<Function>, std::less<>> fns_;
  std::map<std::string, std::string, std::less<>> aliases_;
  std::set<std::string, std::less<>> external_;
};

}  // namespace callgate
