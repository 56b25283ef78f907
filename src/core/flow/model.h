// The in-memory model of a loaded flow: one Block per flow-language action, with its parameters
// already validated and parsed (references resolved to Reference/Template, functions resolved to
// built-in names, transitions resolved to block indexes). Built only by Flow::load; immutable
// afterwards, so any number of sessions and threads may read it.
//
// Behaviour-only Connect actions (flow logging, recording, voice, ...) load as one BlockType,
// kPassThrough, that keeps the Type as written; passThroughTypeNames() is the one list of them.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/flow/actions.h"
#include "core/flow/blocks_routing.h"
#include "core/flow/compare.h"
#include "core/flow/lex_bot.h"
#include "core/flow/references.h"

namespace callgate::flow {

enum class BlockType {
  kMessageParticipant,
  kGetParticipantInput,
  kUpdateContactAttributes,
  kCompare,
  kInvokeLambdaFunction,
  kUpdateContactTargetQueue,
  kTransferContactToQueue,
  kDisconnectParticipant,
  kLoop,
  // Any Type in passThroughTypeNames(): accepted for compatibility, has no effect, follows
  // NextAction. Block::typeName() gives the Type as written.
  kPassThrough,
  // flow control (flowcore: flow_control.cc)
  kEndFlowExecution,
  kTransferToFlow,
  kInvokeFlowModule,
  kEndFlowModuleExecution,
  kDistributeByPercentage,
  kWait,
  kUpdateFlowAttributes,
  // Routing and data actions (blocks_routing.h).
  kCheckHoursOfOperation,
  kCheckMetricData,
  kGetCustomerProfile,
  kCreateCallbackContact,
  // contact actions (blocks_contact.h)
  kMessageParticipantIteratively,
  kUpdateContactTextToSpeechVoice,
  kUpdateContactData,
  kTagContact,
  kUnTagContact,
  kUpdateContactCallbackNumber,
  kDequeueContactAndTransferToQueue,
  kTransferParticipantToThirdParty,
  kCheckVoiceId,
  // Lex bots
  kConnectParticipantWithLexBot,
};

// The flow-language `Type` string of a block type, and back (nullopt = unsupported type). Every
// name in passThroughTypeNames() parses as kPassThrough, whose own name is "PassThrough" (not a
// flow-language Type; it does not parse).
std::string_view blockTypeName(BlockType type);
std::optional<BlockType> parseBlockType(std::string_view name);

// The Connect action Types that only set behaviour callgate has no use for
// (UpdateFlowLoggingBehavior, UpdateContactRecordingBehavior, ...). Static storage: the views stay
// valid for the life of the program. The single place to accept another such Type.
std::span<const std::string_view> passThroughTypeNames();
// True for the pass-through types that always take their NoMatchingError branch instead.
bool isUnavailableType(std::string_view name);

// The queue a QueueId names: the part after the last "queue/" of an ARN
// ("arn:aws:connect:...:instance/i-1/queue/q-1" -> "q-1"), else the value itself.
std::string queueFromQueueId(std::string_view queueId);

inline constexpr std::size_t kNoBlock = static_cast<std::size_t>(-1);

// Where a transition goes: the Identifier as written and its index in Flow::blocks().
struct Branch {
  std::string target;
  std::size_t index = kNoBlock;
};

struct ConditionBranch {
  CompareOperator op = CompareOperator::kEquals;
  std::string operand;  // conditions are static in the flow language
  Branch next;
};

struct ErrorBranch {
  std::string errorType;  // "NoMatchingError", "NoMatchingCondition", "InputTimeLimitExceeded", ...
  Branch next;
};

struct Transitions {
  std::optional<Branch> next;
  std::vector<ConditionBranch> conditions;  // evaluated in order, first true wins
  std::vector<ErrorBranch> errors;

  const Branch* onError(std::string_view errorType) const {
    for (const ErrorBranch& e : errors) {
      if (e.errorType == errorType) return &e.next;
    }
    return nullptr;
  }
};

// Text, SSML or a stored prompt (exactly one in the flow).
struct Prompt {
  enum class Kind { kText, kSsml, kPromptId };
  Kind kind = Kind::kText;
  Template content;
};

struct MessageParticipantParams {
  Prompt prompt;
};

// GetParticipantInput's InputValidation.PhoneNumberValidation (blocks_contact.h).
struct PhoneNumberValidation {
  bool enabled = false;
  bool local = false;       // NumberFormat Local (a national number of countryCode), else E164
  std::string countryCode;  // two letters, required for Local
};

struct GetParticipantInputParams {
  Prompt prompt;
  bool storeInput = false;
  int maxDigits = 1;  // 1 unless storeInput (then InputValidation.CustomValidation.MaximumLength)
  std::string terminator;  // DTMFConfiguration.InputTerminationSequence, only with storeInput
  int timeoutSeconds = 5;  // InputTimeLimitSeconds
  SpeechOptions speech;    // SpeechInput (callgate's own parameter; off unless the flow enables it)
  PhoneNumberValidation phone;  // stored input must be a phone number (InvalidPhoneNumber)
};

using NamedTemplates = std::vector<std::pair<std::string, Template>>;

struct UpdateContactAttributesParams {
  NamedTemplates attributes;
};

struct CompareParams {
  Reference value;  // ComparisonValue
};

struct InvokeLambdaFunctionParams {
  std::string arn;       // LambdaFunctionARN as written
  std::string function;  // the built-in function it resolved to; "" when `dynamicArn` is set
  // A LambdaFunctionARN with references ("$.Attributes.lambdaArn"): rendered when the block runs
  // and sent as InvokeFunction::function for the channel to resolve (FunctionRegistry::resolve).
  std::optional<Template> dynamicArn;
  NamedTemplates parameters;
  int timeoutSeconds = 3;
  bool jsonResponse = false;  // ResponseValidation.ResponseType JSON (else STRING_MAP)
};

struct UpdateContactTargetQueueParams {
  Template queue;  // QueueId: static or one reference; an ARN is cut to the part after "queue/"
};

struct TransferContactToQueueParams {};
struct DisconnectParticipantParams {};

struct LoopParams {
  int count = 0;
};

// Parameters are not kept: nothing reads them.
struct PassThroughParams {
  std::string_view type;     // the Type as written, an entry of passThroughTypeNames()
  bool unavailable = false;  // isUnavailableType(type): always NoMatchingError
};

// ---- flow control (flowcore: flow_control.cc) ----
struct EndFlowExecutionParams {};
struct TransferToFlowParams {
  Template flow;  // ContactFlowId: a flow ARN, id or name; static or one reference
};
struct InvokeFlowModuleParams {
  Template module;       // FlowModuleId: a module ARN, id or name; static or one reference
  NamedTemplates input;  // Input {key: dynamic}: the module's $.Modules.Input
};
struct EndFlowModuleExecutionParams {
  std::string result;         // Result: the module's branch the invoking block takes; "" = none
  NamedTemplates resultData;  // ResultData {key: dynamic}: the caller's $.Modules.ResultData
};
struct DistributeByPercentageParams {};
struct WaitParams {
  Template timeout;  // TimeoutSeconds: static 1..604800 or one reference
  std::vector<std::string> events;
};
struct UpdateFlowAttributesParams {
  NamedTemplates attributes;  // FlowAttributes {key: {"Value": dynamic}}
};

// contact actions: every contact type's parameters, defined in blocks_contact.h (shared,
// immutable).
namespace contact {
struct Params;
}
struct ContactParams {
  std::shared_ptr<const contact::Params> params;
};

// ConnectParticipantWithLexBot (core/flow/blocks_lex.cc): the bot is resolved when the flow loads,
// or, when its AliasArn is a reference, when the block runs (through `resolve`).
struct LexBotParams {
  Prompt prompt;
  std::shared_ptr<const LexBot> bot;  // null when the alias is dynamic
  Template dynamicAlias;              // LexV2Bot.AliasArn written as a reference
  std::function<Result<std::shared_ptr<const LexBot>>(const std::string&)> resolve;
  NamedTemplates sessionAttributes;  // LexSessionAttributes
  int timeoutSeconds = 5;            // how long the caller has to start answering
};

using BlockParams =
    std::variant<MessageParticipantParams, GetParticipantInputParams, UpdateContactAttributesParams,
                 CompareParams, InvokeLambdaFunctionParams, UpdateContactTargetQueueParams,
                 TransferContactToQueueParams, DisconnectParticipantParams, LoopParams,
                 PassThroughParams,
                 // flow control (flowcore: flow_control.cc)
                 EndFlowExecutionParams, TransferToFlowParams, InvokeFlowModuleParams,
                 EndFlowModuleExecutionParams, DistributeByPercentageParams, WaitParams,
                 UpdateFlowAttributesParams,
                 // Routing and data actions (blocks_routing.h).
                 CheckHoursOfOperationParams, CheckMetricDataParams, GetCustomerProfileParams,
                 CreateCallbackContactParams,
                 // contact actions (blocks_contact.h)
                 ContactParams,
                 // Lex bots
                 LexBotParams>;

struct Block {
  std::string id;
  BlockType type = BlockType::kDisconnectParticipant;
  BlockParams params;  // the alternative that matches `type`
  Transitions transitions;

  // The flow-language Type, as written (also for kPassThrough).
  std::string_view typeName() const {
    if (const auto* passThrough = std::get_if<PassThroughParams>(&params)) return passThrough->type;
    return blockTypeName(type);
  }
};

}  // namespace callgate::flow
