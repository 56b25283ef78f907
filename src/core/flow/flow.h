// A loaded, validated Amazon Connect flow-language document (Version 2019-10-30), ready to run.
// Flow::load is the parsing boundary: it never throws, and every problem it finds comes back as an
// Error naming the action ("action 'greet' (MessageParticipant): ..."). A Flow is immutable and
// shared (std::shared_ptr<const Flow>) by every Session that runs it; reading it from many threads
// is safe. See docs/FLOWS.md for the supported subset of the language.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/flow/model.h"

namespace callgate::flow {

// Load-time limits. The flow language allows at most 250 actions; the rest keep a hostile or
// broken document from costing much memory or stack.
inline constexpr std::size_t kMaxFlowJsonBytes = 1 << 20;
inline constexpr std::size_t kMaxActions = 250;
inline constexpr int kMaxJsonDepth = 64;
inline constexpr std::size_t kMaxIdentifierLength = 50;
inline constexpr std::size_t kMaxStringParameterBytes = 8 * 1024;
// Conditions, errors, attributes; also entries of any object or array in the Parameters of a
// pass-through action.
inline constexpr std::size_t kMaxEntriesPerAction = 100;
inline constexpr int kMaxLoopCount = 100;

class FlowLibrary;

struct LoadOptions {
  // Maps a LambdaFunctionARN (or plain name) to a built-in function name; nullopt = unknown, which
  // is a load error. When unset, every ARN or name is accepted as functionNameFromArn() of itself
  // (useful for `callgate flow check` without a function registry).
  std::function<std::optional<std::string>(const std::string& arnOrName)> resolveFunction;
  // The flow's name when the document does not carry one (a wrapper's Name): usually the file
  // name without ".json".
  std::string name;
  // The flows this one may reach with TransferToFlow and InvokeFlowModule (a flows directory).
  // Held weakly: the library owns its flows, and whoever runs them (a FlowCatalog) owns the
  // library; a Session keeps it alive for its call. Unset = a flow on its own.
  std::weak_ptr<const FlowLibrary> library;
  // Lex bots: the local bot for a ConnectParticipantWithLexBot's LexV2Bot.AliasArn (or a Lex V1
  // LexBot.Name); an error (no such bot, unreadable bot file) is a load error naming the action.
  // Unset: every bot block is a load error.
  std::function<Result<std::shared_ptr<const LexBot>>(const std::string& aliasArnOrName)>
      resolveLexBot;
};

// What a flow is called, from the wrapper it came in ({"ContactFlow": {...}},
// {"ContactFlowModule": {...}}, {"Name", "Type", "Content"}) or LoadOptions::name.
struct FlowInfo {
  std::string name;
  std::string type = "CONTACT_FLOW";  // Connect's flow type; "MODULE" for a flow module
  std::string arn;                    // as the wrapper gives it ("Arn"); may be empty
  std::string id;                     // the wrapper's "Id", else the last part of the ARN

  bool isModule() const { return type == "MODULE" || type == "CONTACT_FLOW_MODULE"; }
};

// "lookup-caller" for "arn:aws:lambda:us-east-1:000000000000:function:lookup-caller" (also with a
// ":version" or ":alias" qualifier); anything that is not a Lambda ARN is returned unchanged.
std::string functionNameFromArn(std::string_view arnOrName);

class Flow {
 public:
  // Parses and validates a flow document, or one wrapped as Connect's API returns it:
  // {"ContactFlow": {...}}, {"ContactFlowModule": {...}} or {"Name", "Type", "Content"}, where
  // Content is the flow as a JSON string (or, leniently, as an object).
  static Result<std::shared_ptr<const Flow>> load(std::string_view json,
                                                  const LoadOptions& options);
  // Like load(), but does not stop at the first problem: every error in the document, in order
  // (empty when the flow loads). For `callgate flow check`; calls use load(), which stops early.
  static std::vector<Error> check(std::string_view json, const LoadOptions& options);

  const FlowInfo& info() const { return info_; }
  // The library this flow was loaded into (LoadOptions::library); null when none, or gone.
  std::shared_ptr<const FlowLibrary> library() const { return library_.lock(); }

  const std::vector<Block>& blocks() const { return blocks_; }
  std::size_t startIndex() const { return start_; }
  const Block& startBlock() const { return blocks_[start_]; }
  // kNoBlock when there is no such Identifier.
  std::size_t indexOf(std::string_view id) const;
  const Block* find(std::string_view id) const;

  // Legal but suspicious things (a non-terminal action without NextAction, an unreachable
  // action), for `callgate flow check`. The session turns them into flow errors if reached. Also
  // one line per pass-through action, which loads and runs but does nothing here.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // A stable hash of the flow's Version, StartAction and Actions (Metadata excluded), so a session
  // snapshot is only restored against the flow it was taken from.
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  friend class FlowBuilder;
  Flow() = default;

  std::vector<Block> blocks_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::size_t start_ = 0;
  std::vector<std::string> warnings_;
  std::string fingerprint_;
  FlowInfo info_;
  std::weak_ptr<const FlowLibrary> library_;
};

}  // namespace callgate::flow
