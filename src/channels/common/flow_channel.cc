#include "channels/common/flow_channel.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/customer.h"
#include "functions/function_metrics.h"

namespace callgate {

FunctionRequest functionRequest(const flow::Session& session, Attestation attestation,
                                const flow::InvokeFunction& call) {
  const flow::CallInfo& info = session.state().call;
  FunctionRequest request;
  request.contact.contactId = info.contactId;
  request.contact.customerAddress = info.customerAddress;
  request.contact.systemAddress = info.systemAddress;
  request.contact.channel = info.channel;
  request.contact.queue = session.state().queue;
  request.contact.languageCode = info.languageCode;
  request.contact.attestation = attestation;
  request.contact.attributes = session.attributes();
  request.parameters = call.parameters;
  request.timeoutSeconds = call.timeoutSeconds;
  request.jsonResponse = call.jsonResponse;
  request.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(call.timeoutSeconds);
  return request;
}

Result<StringMap> invokeLogged(Function& fn, const FunctionRequest& request) {
  if (request.pastDeadline()) {
    // Queued past the block's time limit: the flow has taken its error branch already, so the
    // function must not act (a sign-in nobody hears of, a text nobody waits for).
    spdlog::warn("event=function_skipped_late contact={} function={}", request.contact.contactId,
                 fn.name());
    return Error::unavailable(std::string(fn.name()) +
                              " was not started: the flow stopped waiting");
  }
  const auto started = std::chrono::steady_clock::now();
  Result<StringMap> result = invokeMeasured(fn, request);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  spdlog::info("event=function contact={} function={} ok={} latency_us={}",
               request.contact.contactId, fn.name(), result.ok(), micros);
  if (!result.ok()) {
    // The code only: a message may quote the caller's number back (a malformed one).
    spdlog::warn("event=function_failed contact={} function={} code={}", request.contact.contactId,
                 fn.name(), errorCodeName(result.error().code()));
  }
  return result;
}

void logFlowSteps(flow::Session& session, const std::string& contact) {
  for (const auto& step : session.drainSteps()) {
    spdlog::info("event=flow_step contact={} action={} type={} outcome={}", contact, step.actionId,
                 step.type, step.outcome);
  }
}

std::string contactLanguage(const flow::Session& session, const std::string& fallback) {
  const auto& attrs = session.attributes();
  if (auto it = attrs.find("language"); it != attrs.end() && isLanguageTag(it->second)) {
    return it->second;
  }
  // UpdateContactData's LanguageCode (checked when the flow loaded).
  if (const std::string& set = session.state().contact.languageCode; !set.empty()) return set;
  return fallback;
}

}  // namespace callgate
