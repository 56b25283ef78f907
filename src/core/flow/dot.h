// Graphviz (DOT) rendering of a loaded flow, for `callgate flow diagram FILE | dot -Tsvg`.
// One node per action (Identifier, Type and a short summary), an entry arrow to StartAction, and
// one edge per transition: NextAction solid, conditions labelled with their test, error branches
// dashed and red. Pass-through actions (no effect in callgate) are grey dashed boxes. Pure function
// of the Flow; thread-safe.
#pragma once

#include <string>

#include "core/flow/flow.h"

namespace callgate::flow {

std::string toDot(const Flow& flow);

}  // namespace callgate::flow
