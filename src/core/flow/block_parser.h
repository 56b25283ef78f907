// Internal to the flow loader: turns one element of `Actions` into a Block (Identifier, Type,
// Parameters, Transitions), enforcing which conditions and error branches each type may have.
// Branch targets are recorded by name here; Flow::load resolves them to indexes once every
// Identifier is known.
#pragma once

#include <cstddef>

#include "core/flow/flow.h"
#include "core/flow/json_reader.h"
#include "core/flow/model.h"

namespace callgate::flow::detail {

// `position` is the action's 1-based place in `Actions`, used in messages when it has no usable
// Identifier.
Result<Block> parseBlock(const Json& action, std::size_t position, const LoadOptions& options);

// "action 'id' (Type)" scope for messages about an already parsed block.
ActionScope scopeOf(const Block& block);

}  // namespace callgate::flow::detail
