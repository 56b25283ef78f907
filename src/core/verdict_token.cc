#include "core/verdict_token.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/json_writer.h"
#include "core/access_token.h"
#include "core/numeric_date.h"

namespace callgate {

namespace {

Error bad(const char* why) { return Error::unauthenticated(why); }

void appendMember(std::string& out, const char* name, std::string_view value) {
  out.push_back(',');
  json::appendString(out, name);
  out.push_back(':');
  json::appendString(out, value);
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

const char* verdictChannelName(VerdictChannel channel) {
  switch (channel) {
    case VerdictChannel::kSip:
      return "sip";
    case VerdictChannel::kTwilio:
      return "twilio";
    case VerdictChannel::kConnect:
      return "connect";
  }
  return "sip";
}

Result<VerdictChannel> parseVerdictChannel(std::string_view text) {
  for (VerdictChannel c : {VerdictChannel::kSip, VerdictChannel::kTwilio, VerdictChannel::kConnect})
    if (text == verdictChannelName(c)) return c;
  return Error::invalidArgument("channel must be sip, twilio or connect");
}

void applyEvidence(const VerdictEvidence& e, VerdictClaims& claims) {
  claims.amr.clear();
  claims.subject.clear();
  const bool pin = !e.pinUserId.empty();
  const bool sms = !e.smsPhones.empty();
  const bool callerId = !e.trustedCallerIdPhone.empty();
  if (pin) {
    claims.subject = e.pinUserId;
    claims.amr.emplace_back(kAmrPin);
    // Possession counts towards a second factor only for this customer's own number.
    const bool smsHere = contains(e.smsPhones, e.pinPhone);
    const bool callerIdHere = callerId && e.trustedCallerIdPhone == e.pinPhone;
    if (smsHere) claims.amr.emplace_back(kAmrSms);
    if (callerIdHere) claims.amr.emplace_back(kAmrCallerId);
    if (smsHere || callerIdHere) {
      claims.amr.emplace_back(kAmrMfa);
      claims.acr = kAcr2fa;
    } else {
      claims.acr = kAcr1fa;
    }
    return;
  }
  if (sms) {
    claims.subject = e.smsUserId;
    claims.amr.emplace_back(kAmrSms);
    if (callerId && contains(e.smsPhones, e.trustedCallerIdPhone))
      claims.amr.emplace_back(kAmrCallerId);
    claims.acr = kAcr1fa;
    return;
  }
  if (callerId) {
    claims.subject = e.trustedCallerIdUserId;
    claims.amr.emplace_back(kAmrCallerId);
    claims.acr = kAcrCallerId;
    return;
  }
  claims.acr = kAcrNone;
}

Status checkVerdictClaims(const VerdictClaims& c, const VerdictCheck& check, TimePoint now) {
  if (c.issuer != check.issuer) return bad("verdict issuer is not the expected one");
  if (c.audience != kVerdictAudience) return bad("verdict audience is not callgate-agent");
  if (c.jti.empty()) return bad("verdict has no jti");
  if (check.callId.empty()) return bad("no call id to check the verdict's binding against");
  if (c.callId != check.callId) return bad("verdict is bound to another call");
  if (!check.target.empty() && c.target != check.target)
    return bad("verdict was issued for another transfer target");
  if (c.expiresAt <= c.issuedAt) return bad("verdict expires before it was issued");
  if (c.expiresAt - c.issuedAt > kMaxVerdictLifetime) return bad("verdict lifetime exceeds 60 s");
  const Seconds leeway = std::clamp(check.leeway, Seconds(0), kMaxClockLeeway);
  if (c.issuedAt > now + leeway) return bad("verdict is not valid yet");
  if (now >= c.expiresAt + leeway) return bad("verdict has expired");
  if (c.acr != kAcrNone && c.acr != kAcrCallerId && c.acr != kAcr1fa && c.acr != kAcr2fa)
    return bad("verdict acr is not one this version knows");
  return okStatus();
}

std::string verdictClaimsJson(const VerdictClaims& c) {
  std::string out;
  out.reserve(384);
  out.append("{\"iss\":");
  json::appendString(out, c.issuer);
  appendMember(out, "aud", c.audience);
  if (!c.subject.empty()) appendMember(out, "sub", c.subject);
  out.append(",\"amr\":[");
  for (size_t i = 0; i < c.amr.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::appendString(out, c.amr[i]);
  }
  out.push_back(']');
  appendMember(out, "acr", c.acr);
  appendMember(out, "caller", c.caller);
  appendMember(out, "dialled", c.dialled);
  appendMember(out, "attest", c.attestation);
  appendMember(out, "chn", verdictChannelName(c.channel));
  appendMember(out, "cid", c.callId);
  if (!c.target.empty()) appendMember(out, "tgt", c.target);
  out.append(",\"iat\":").append(std::to_string(toNumericDate(c.issuedAt)));
  out.append(",\"exp\":").append(std::to_string(toNumericDate(c.expiresAt)));
  appendMember(out, "jti", c.jti);
  out.push_back('}');
  return out;
}

Result<VerdictClaims> parseVerdictClaimsJson(std::string_view text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return bad("verdict claims are not a JSON object");
  VerdictClaims c;
  c.audience.clear();
  c.acr.clear();
  std::string channel;
  struct Text {
    const char* name;
    std::string* field;
    bool required;
  };
  const Text texts[] = {{"iss", &c.issuer, true},
                        {"aud", &c.audience, true},
                        {"sub", &c.subject, false},
                        {"acr", &c.acr, true},
                        {"caller", &c.caller, true},
                        {"dialled", &c.dialled, true},
                        {"attest", &c.attestation, true},
                        {"chn", &channel, true},
                        {"cid", &c.callId, true},
                        {"tgt", &c.target, false},
                        {"jti", &c.jti, true}};
  for (const Text& t : texts) {
    auto it = doc.find(t.name);
    if (it == doc.end()) {
      if (t.required) return bad("verdict lacks a required claim");
      continue;
    }
    if (!it->is_string()) return bad("verdict claim is not a string");
    *t.field = it->get<std::string>();
  }
  auto channelValue = parseVerdictChannel(channel);
  if (!channelValue.ok()) return bad("verdict chn is not sip, twilio or connect");
  c.channel = *channelValue;
  auto amr = doc.find("amr");
  if (amr == doc.end() || !amr->is_array()) return bad("verdict amr is not an array of strings");
  for (const auto& m : *amr) {
    if (!m.is_string()) return bad("verdict amr is not an array of strings");
    c.amr.push_back(m.get<std::string>());
  }
  for (auto [name, field] : {std::pair{"iat", &c.issuedAt}, std::pair{"exp", &c.expiresAt}}) {
    auto it = doc.find(name);
    if (it == doc.end() || !it->is_number_integer() || it->get<int64_t>() < 0 ||
        it->get<int64_t>() > kMaxNumericDate) {
      return bad("verdict iat and exp must be whole seconds");
    }
    *field = fromNumericDate(it->get<int64_t>());
  }
  return c;
}

}  // namespace callgate
