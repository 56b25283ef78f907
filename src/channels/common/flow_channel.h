// What every voice channel (console simulator, Twilio, SIP) does around a flow Session: build
// the FunctionRequest of an InvokeFunction action, run the function with its latency logged,
// log the flow's steps, and pick the contact's prompt language. Stateless; thread-safe (each
// Session is used by one thread at a time).
#pragma once

#include <string>

#include "core/flow/session.h"
#include "functions/function.h"

namespace callgate {

// The contact's data from the Session (contact id, caller number, language, attributes), the
// channel's attestation and the block's parameters.
FunctionRequest functionRequest(const flow::Session& session, Attestation attestation,
                                const flow::InvokeFunction& call);

// fn.invoke(request), with one `event=function` log line (contact, name, ok, latency) and, when
// it fails, one warn line `event=function_failed` with the error code (never the message).
Result<StringMap> invokeLogged(Function& fn, const FunctionRequest& request);

// One `event=flow_step` line per step the session ran since the last call.
void logFlowSteps(flow::Session& session, const std::string& contact);

// The language of an authenticated customer's record (the `language` attribute the flow sets
// from lookup-caller or verify-otp) if it is a language tag, else the language the flow set with
// UpdateContactData, else `fallback`.
std::string contactLanguage(const flow::Session& session, const std::string& fallback);

}  // namespace callgate
