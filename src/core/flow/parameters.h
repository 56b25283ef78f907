// Internal to the flow loader: validates and parses the `Parameters` object of each supported
// action type into its BlockParams alternative. Parameters the interpreter does not need
// (DisableCancelKey, ResponseValidation STRING_MAP, ...) are accepted and ignored; parameters that
// would change behaviour we cannot honour (Media, InputEncryption, AgentId, asynchronous
// invocation) are load errors rather than silently dropped. The contact actions' parameters are
// parsed in blocks_contact.cc. The parameters of a
// pass-through action are only checked against the size limits; nothing reads them.
#pragma once

#include <string_view>

#include "core/flow/flow.h"
#include "core/flow/json_reader.h"
#include "core/flow/model.h"

namespace callgate::flow::detail {

// `typeName` is the Type as written; only a pass-through action uses it (to keep its name).
Result<BlockParams> parseParameters(const ActionScope& scope, BlockType type,
                                    std::string_view typeName, const Json& parameters,
                                    const LoadOptions& options);

// Text, SSML or PromptId (exactly one; none allowed unless `required`), for every action family.
Result<Prompt> parsePromptParameter(const ActionScope& scope, const Json& params, bool required);
// An object of string keys to dynamic values (attributes, function parameters), at most
// kMaxEntriesPerAction entries; `what` names it in errors.
Result<NamedTemplates> parseNamedValuesParameter(const ActionScope& scope, const Json& object,
                                                 std::string_view what);

}  // namespace callgate::flow::detail
