// The metrics of a function call, counted the same whichever channel made it (a Connect
// endpoint, or a flow's InvokeLambdaFunction on SIP, Twilio or the simulator): its run time in
// callgate_function_duration_seconds, and for the authentication functions their outcome
// (callgate_otp_sends_total, callgate_otp_verifies_total, callgate_pin_verifies_total), read
// from the result map they answer. Stateless; thread-safe.
#pragma once

#include <string_view>

#include "functions/function.h"

namespace callgate {

// fn.invoke(request), measured and counted.
Result<StringMap> invokeMeasured(Function& fn, const FunctionRequest& request);

// The function label: a built-in function's name or an internal one ("connect:..."), else
// "external" (a Lambda of the contact center's own, whose name is not ours to bound).
std::string_view functionLabel(std::string_view name);

}  // namespace callgate
