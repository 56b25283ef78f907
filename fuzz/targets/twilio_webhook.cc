// Fuzz target: a Twilio voice webhook (channels/twilio_voice), read the way its routes read it:
// the input is "<X-Twilio-Signature>\n<query>\n<form body>"; the body is decoded with
// parseFormPairs, the signature checked with twilio::validate for the public URL plus the query,
// and the pairs read with parseVoiceWebhook; the query's step and a session id shape are read
// too. Invariant: the signature computeSignature makes for the same URL and pairs validates.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/security/signing/twilio_signature.h"
#include "channels/twilio_voice/webhook.h"
#include "common/form.h"

namespace {

constexpr std::string_view kAuthToken = "0123456789abcdef0123456789abcdef";

std::string_view nextLine(std::string_view& rest) {
  const size_t nl = rest.find('\n');
  const std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view signature = nextLine(rest);
  const std::string_view query = nextLine(rest);
  const std::string_view body = rest;

  (void)callgate::twilio_voice::stepFromQuery(query);
  (void)callgate::twilio_voice::isSessionId(query);
  auto pairs = callgate::http::parseFormPairs(body);
  if (!pairs) return 0;
  std::string url = "https://voice.example.com:443/twilio/voice/gather/AAAAAAAAAAAAAAAAAAAAAA";
  if (!query.empty()) url.append("?").append(query);
  (void)callgate::twilio::validate(url, *pairs, signature, kAuthToken);
  const std::string good = callgate::twilio::computeSignature(url, *pairs, kAuthToken);
  if (!callgate::twilio::validate(url, *pairs, good, kAuthToken)) std::abort();

  auto hook = callgate::twilio_voice::parseVoiceWebhook(*pairs);
  if (hook) (void)callgate::twilio_voice::isFinalCallStatus(hook->callStatus);
  return 0;
}
