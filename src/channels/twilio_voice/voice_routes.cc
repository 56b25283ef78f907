#include "channels/twilio_voice/voice_routes.h"

#include <spdlog/spdlog.h>

#include <functional>
#include <memory>

#include "adapters/security/signing/twilio_signature.h"
#include "common/form.h"
#include "common/log_value.h"

namespace callgate::twilio_voice {

namespace {

// What a route does once the request is authentic: the hook, the base URL, the request.
using Step =
    std::function<VoiceReply(const VoiceWebhook&, const std::string&, const http::Request&)>;

std::string baseUrlFor(const WebhookSecurity& security, const http::Request& request) {
  if (!security.publicBaseUrl.empty()) return security.publicBaseUrl;
  return "http://" + request.header("host");
}

http::Response toResponse(VoiceReply reply) {
  http::Response response;
  if (reply.status == 200) {
    response.contentType = "text/xml; charset=utf-8";
    response.body = std::move(reply.body);
  } else {
    response = http::jsonError(reply.status, reply.body);
  }
  response.logFields = std::move(reply.logFields);
  return response;
}

http::Response handle(const WebhookSecurity& security, const http::Request& request,
                      const Step& step) {
  const std::string& signature = request.header("x-twilio-signature");
  if (signature.empty()) {
    spdlog::warn("event=twilio_signature_missing path={} remote={}", logValue(request.path),
                 logValue(request.remote));
    return http::jsonError(403, "missing X-Twilio-Signature");
  }
  auto pairs = http::parseFormPairs(request.body);
  if (!pairs) return http::jsonError(400, pairs.error().message());
  const std::string base = baseUrlFor(security, request);
  const std::string url = base + request.path + (request.query.empty() ? "" : "?" + request.query);
  if (!twilio::validate(url, *pairs, signature, security.authToken)) {
    spdlog::warn("event=twilio_signature_invalid path={} remote={}", logValue(request.path),
                 logValue(request.remote));
    return http::jsonError(403, "invalid X-Twilio-Signature");
  }
  auto hook = parseVoiceWebhook(*pairs);
  if (!hook) return http::jsonError(400, hook.error().message());
  return toResponse(step(*hook, base, request));
}

// The {session} of a pattern route, or "" when it is not one callgate could have made.
std::string sessionOf(const http::Request& request) {
  const std::string& id = request.param("session");
  return isSessionId(id) ? id : std::string();
}

VoiceReply notFound() { return {404, "no such call session", ""}; }

}  // namespace

void addTwilioVoiceRoutes(http::Router& router, TwilioVoiceRuntime& runtime,
                          WebhookSecurity security) {
  auto sec = std::make_shared<const WebhookSecurity>(std::move(security));
  TwilioVoiceRuntime* rt = &runtime;
  const auto add = [&](const char* path, Step step) {
    router.add(
        "POST", path,
        [sec, step = std::move(step)](const http::Request& r) { return handle(*sec, r, step); },
        http::Lane::kWorker);
  };
  add("/twilio/voice", [rt](const VoiceWebhook& hook, const std::string& base,
                            const http::Request&) { return rt->incoming(hook, base); });
  add("/twilio/voice/status", [rt](const VoiceWebhook& hook, const std::string&,
                                   const http::Request&) { return rt->callStatus(hook); });
  add("/twilio/voice/{session}/gather",
      [rt](const VoiceWebhook& hook, const std::string& base, const http::Request& r) {
        const std::string id = sessionOf(r);
        if (id.empty()) return notFound();
        auto step = stepFromQuery(r.query);
        if (!step) return VoiceReply{400, "step is missing or malformed", ""};
        return rt->gather(id, *step, hook, base);
      });
  add("/twilio/voice/{session}/whisper",
      [rt](const VoiceWebhook& hook, const std::string&, const http::Request& r) {
        const std::string id = sessionOf(r);
        return id.empty() ? notFound() : rt->whisper(id, hook);
      });
  add("/twilio/voice/{session}/status",
      [rt](const VoiceWebhook& hook, const std::string&, const http::Request& r) {
        const std::string id = sessionOf(r);
        return id.empty() ? notFound() : rt->sessionStatus(id, hook);
      });
}

}  // namespace callgate::twilio_voice
