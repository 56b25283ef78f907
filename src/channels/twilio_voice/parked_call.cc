#include "channels/twilio_voice/parked_call.h"

#include <variant>

namespace callgate::twilio_voice {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kStateFormat = "callgate.twilio.voice/1";

// Length-prefixed, so no two (column, id, CallSid) triples give the same bytes.
std::string associatedData(std::string_view column, const VoiceSessionRecord& row) {
  std::string ad = "callgate.twilio.voice/";
  ad.append(column);
  for (const std::string* part : {&row.id, &row.callSid}) {
    ad += '|';
    ad += std::to_string(part->size());
    ad += ':';
    ad += *part;
  }
  return ad;
}

}  // namespace

Result<std::unique_ptr<StateCipher>> voiceStateCipher(std::string_view otpSecret) {
  return StateCipher::derive(otpSecret, kVoiceStateKeyContext, kVoiceStateKeyId);
}

std::string ParkedCall::dump() const {
  Json j{{"format", kStateFormat},
         {"attestation", attestationName(attestation)},
         {"session", session},
         {"transferred", transferred},
         {"started_ms", toUnixMillis(startedAt)},
         {"agent", agent}};
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<ParkedCall> ParkedCall::parse(const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  const auto field = [&](const char* key) -> const Json* {
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
  };
  if (j.is_discarded() || !j.is_object() || field("format") == nullptr ||
      *field("format") != kStateFormat) {
    return Error::internal("voice session state is not " + std::string(kStateFormat));
  }
  ParkedCall p;
  const Json* att = field("attestation");
  auto parsed = parseAttestation(att && att->is_string() ? att->get<std::string>() : "none");
  if (!parsed.ok()) return parsed.error();
  p.attestation = *parsed;
  if (const Json* session = field("session")) p.session = *session;
  if (const Json* t = field("transferred"); t && t->is_boolean()) p.transferred = t->get<bool>();
  if (const Json* t = field("started_ms"); t && t->is_number_integer()) {
    p.startedAt = fromUnixMillis(t->get<int64_t>());
  }
  if (const Json* agent = field("agent"); agent && agent->is_object()) {
    for (auto e = agent->begin(); e != agent->end(); ++e) {
      if (e->is_string()) p.agent[e.key()] = e->get<std::string>();
    }
  }
  return p;
}

Json snapshotForParking(const flow::Session& session) {
  Json snapshot = session.snapshot();
  const auto pending = session.pendingAction();
  const auto* collect = pending ? std::get_if<flow::CollectDigits>(&*pending) : nullptr;
  if (collect != nullptr && collect->storeInput) {
    if (auto it = snapshot.find("storedCustomerInput"); it != snapshot.end() && it->is_string()) {
      *it = "";
    }
  }
  return snapshot;
}

std::string sealState(const StateCipher& cipher, const VoiceSessionRecord& row,
                      const ParkedCall& parked) {
  return cipher.seal(parked.dump(), associatedData("state", row));
}

Result<ParkedCall> openState(const StateCipher& cipher, const VoiceSessionRecord& row) {
  Result<std::string> text = cipher.open(row.state, associatedData("state", row));
  if (!text.ok()) return Error(text.error().code(), "state: " + text.error().message());
  return ParkedCall::parse(*text);
}

std::string sealResponse(const StateCipher& cipher, const VoiceSessionRecord& row,
                         const std::string& twiml) {
  if (twiml.empty()) return {};
  return cipher.seal(twiml, associatedData("response", row));
}

Result<std::string> openResponse(const StateCipher& cipher, const VoiceSessionRecord& row) {
  if (row.response.empty()) return std::string();
  Result<std::string> twiml = cipher.open(row.response, associatedData("response", row));
  if (!twiml.ok()) return Error(twiml.error().code(), "response: " + twiml.error().message());
  return twiml;
}

}  // namespace callgate::twilio_voice
