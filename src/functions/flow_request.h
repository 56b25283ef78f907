// The FunctionRequest a flow's InvokeFunction action makes: the contact's data from the Session
// (contact id, caller number, language, attributes), the channel's attestation and the block's
// parameters. Shared by every voice channel. Pure; thread-safe.
#pragma once

#include "core/flow/session.h"
#include "functions/function.h"

namespace callgate {

FunctionRequest functionRequest(const flow::Session& session, Attestation attestation,
                                const flow::InvokeFunction& call);

}  // namespace callgate
