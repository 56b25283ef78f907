#include "channels/twilio_voice/webhook.h"

#include <charconv>
#include <cmath>

namespace callgate::twilio_voice {

namespace {

constexpr size_t kMaxValueBytes = 1024;

bool isAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isSid(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!isAlnum(c)) return false;
  }
  return true;
}

std::optional<double> parseConfidence(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value) || value < 0 || value > 1) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Result<VoiceWebhook> parseVoiceWebhook(const FormPairs& pairs) {
  VoiceWebhook hook;
  bool haveSid = false, haveConfidence = false;
  for (const auto& [name, value] : pairs) {
    if (value.size() > kMaxValueBytes) {
      return Error::invalidArgument("parameter " + name.substr(0, 64) + " is too long");
    }
    std::string* text = nullptr;
    if (name == "CallSid") {
      if (haveSid) continue;
      haveSid = true;
      text = &hook.callSid;
    } else if (name == "ParentCallSid") {
      text = hook.parentCallSid.empty() ? &hook.parentCallSid : nullptr;
    } else if (name == "From") {
      text = hook.from.empty() ? &hook.from : nullptr;
    } else if (name == "To") {
      text = hook.to.empty() ? &hook.to : nullptr;
    } else if (name == "CallStatus") {
      text = hook.callStatus.empty() ? &hook.callStatus : nullptr;
    } else if (name == "DialCallStatus") {
      text = hook.dialCallStatus.empty() ? &hook.dialCallStatus : nullptr;
    } else if (name == "StirVerstat") {
      text = hook.stirVerstat.empty() ? &hook.stirVerstat : nullptr;
    } else if (name == "Digits") {
      if (!hook.digits) hook.digits = value;
    } else if (name == "SpeechResult") {
      if (!hook.speechResult) hook.speechResult = value;
    } else if (name == "Confidence" && !haveConfidence) {
      haveConfidence = true;
      hook.confidence = parseConfidence(value);
    }
    if (text != nullptr) *text = value;
  }
  if (!haveSid) return Error::invalidArgument("CallSid is missing");
  if (!isSid(hook.callSid)) return Error::invalidArgument("CallSid is malformed");
  if (!hook.parentCallSid.empty() && !isSid(hook.parentCallSid)) {
    return Error::invalidArgument("ParentCallSid is malformed");
  }
  return hook;
}

bool isFinalCallStatus(std::string_view s) {
  return s == "completed" || s == "busy" || s == "failed" || s == "no-answer" || s == "canceled";
}

bool isSessionId(std::string_view id) {
  if (id.size() != 22) return false;
  for (char c : id) {
    if (!isAlnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::optional<int64_t> stepFromQuery(std::string_view query) {
  // callgate writes exactly "step=N"; anything else was not made by callgate.
  constexpr std::string_view kKey = "step=";
  if (!query.starts_with(kKey)) return std::nullopt;
  const std::string_view digits = query.substr(kKey.size());
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  int64_t step = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), step);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || step <= 0) return std::nullopt;
  return step;
}

}  // namespace callgate::twilio_voice
