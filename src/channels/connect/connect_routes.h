// The Amazon Connect function endpoints: POST /connect/v1/<name> for every function in a
// FunctionRegistry. Each takes the Lambda event Connect sends (see connect_event.h) and answers
// the function's flat string map as a JSON object (200), or {"error": "..."} with 400 for a bad
// event or a kInvalidArgument from the function, 503 for kUnavailable/kResourceExhausted (so
// Connect's retry makes sense), 500 otherwise (detail logged, not sent).
//
// The registry and its functions must outlive the Router and any Server using it. Handlers
// run on the server's worker pool (functions hit storage), or on its slow lane for a function
// that is cpuHeavy() (verify-pin's argon2id), whose full queue answers 503 with Retry-After.
#pragma once

#include <string_view>

#include "adapters/net/http/router.h"
#include "functions/function.h"

namespace callgate::connect {

inline constexpr std::string_view kConnectPathPrefix = "/connect/v1/";

void addConnectRoutes(http::Router& router, const FunctionRegistry& registry);

// One Connect request against one function; exposed for tests and other transports.
http::Response handleConnectRequest(Function& function, const http::Request& request);

}  // namespace callgate::connect

namespace callgate {
using connect::addConnectRoutes;  // the name the app wires with
}  // namespace callgate
