#include "channels/connect/connect_routes.h"

#include <spdlog/spdlog.h>

#include <string>

#include "channels/connect/connect_event.h"
#include "core/verdict.h"
#include "functions/function_metrics.h"

namespace callgate::connect {

namespace {

// The access-log fields of a Connect request: the contact (caller-supplied, so reduced to a
// safe alphabet and length) and the result keys that say how it went. Never the code, names
// or number.
std::string logFields(const FunctionRequest& request, const StringMap& result) {
  std::string out = "contact=";
  const std::string& id = request.contact.contactId;
  for (size_t i = 0; i < id.size() && i < 64; ++i) {
    const char c = id[i];
    const bool safe = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      c == '-' || c == '_';
    out.push_back(safe ? c : '?');
  }
  if (id.empty()) out.push_back('-');
  // Outcomes only: never a name, number or code.
  static constexpr std::string_view kLoggedKeys[] = {
      kRecordFoundKey, kAuthenticatedKey, "otpResult", "authResult",
      "linkResult",    "lambdaResult",    "reason"};
  for (std::string_view key : kLoggedKeys) {
    if (auto it = result.find(std::string(key)); it != result.end()) {
      out.append(" ").append(key).append("=").append(it->second);
    }
  }
  return out;
}

}  // namespace

http::Response handleConnectRequest(Function& function, const http::Request& request) {
  Result<FunctionRequest> event = parseConnectEvent(request.body);
  if (!event) return http::jsonError(400, event.error().message());

  Result<StringMap> result = invokeMeasured(function, *event);
  if (result) {
    http::Response response;
    response.body = stringMapToJson(*result);
    // Built only when the access log will be written: this is the hot path.
    const spdlog::logger* logger = spdlog::default_logger_raw();
    if (logger != nullptr && logger->should_log(spdlog::level::info)) {
      response.logFields = logFields(*event, *result);
    }
    return response;
  }
  const Error& error = result.error();
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      return http::jsonError(400, error.message());
    case ErrorCode::kUnavailable:
    case ErrorCode::kResourceExhausted:
      // The message may name internals (a database path, a gateway); it goes to the log only.
      spdlog::warn("event=connect_function_unavailable function={} code={} error=\"{}\"",
                   function.name(), errorCodeName(error.code()), error.message());
      return http::jsonError(503, "temporarily unavailable; retry later");
    default:
      spdlog::error("event=connect_function_error function={} code={} error=\"{}\"",
                    function.name(), errorCodeName(error.code()), error.message());
      return http::jsonError(500, "internal error");
  }
}

void addConnectRoutes(http::Router& router, const FunctionRegistry& registry) {
  for (const std::string& name : registry.names()) {
    Function* fn = registry.find(name);
    // The reserved connect: functions serve flow actions only (core/flow/internal_functions.h).
    if (fn == nullptr || name.starts_with("connect:")) continue;
    router.add(
        "POST", std::string(kConnectPathPrefix) + name,
        [fn](const http::Request& request) { return handleConnectRequest(*fn, request); },
        fn->cpuHeavy()        ? http::Lane::kSlow
        : fn->answersInline() ? http::Lane::kIoThread
                              : http::Lane::kWorker);
  }
}

}  // namespace callgate::connect
