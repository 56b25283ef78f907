// Flow control actions (EndFlowExecution, TransferToFlow, InvokeFlowModule,
// EndFlowModuleExecution, DistributeByPercentage, Wait, UpdateFlowAttributes): their parameters
// and conditions at load time. What a Session does with them is in flow_control.cc too
// (Session::enterFlowControl). Internal to the flow loader and session; not a public API.
#pragma once

#include "core/flow/flow.h"
#include "core/flow/json_reader.h"
#include "core/flow/model.h"

namespace callgate::flow::detail {

// Parses the Parameters of one of the flow control types.
Result<BlockParams> parseFlowControl(const ActionScope& scope, BlockType type,
                                     const Json& parameters);

// The conditions a flow control block accepts (DistributeByPercentage: NumberLessThan on 1..100;
// Wait and InvokeFlowModule: Equals); the others accept none.
Status checkFlowControlConditions(const ActionScope& scope, const Block& block);

// The number 1..100 DistributeByPercentage draws for a call: a hash of the contact id, the
// action and how far the call has come, so it is spread evenly over calls yet reproducible in
// tests and after a snapshot (the session has no random source; see docs/FLOWS.md).
int percentageDraw(std::string_view contactId, std::string_view actionId, int step);

}  // namespace callgate::flow::detail
