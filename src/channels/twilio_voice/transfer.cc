#include "channels/twilio_voice/transfer.h"

#include <algorithm>

#include "common/form.h"
#include "core/phone.h"
#include "core/verdict.h"

namespace callgate::twilio_voice {

namespace {

constexpr size_t kMaxSipHeaderBytes = 1024;

std::string attr(const Attributes& a, std::string_view key) {
  return std::string(verdictValue(a, key));
}

}  // namespace

Result<AgentTarget> parseAgentTarget(std::string_view text) {
  if (text.starts_with("sip:") || text.starts_with("sips:")) {
    const size_t at = text.find('@');
    const bool ok = at != std::string_view::npos && at + 1 < text.size() &&
                    text.find_first_of(" \t\r\n<>\"") == std::string_view::npos;
    if (!ok)
      return Error::invalidArgument("'" + std::string(text) + "' is not a SIP URI (sip:user@host)");
    return AgentTarget{AgentTarget::Kind::kSip, std::string(text)};
  }
  if (looksLikeE164(text)) return AgentTarget{AgentTarget::Kind::kNumber, std::string(text)};
  return Error::invalidArgument(
      "'" + std::string(text) +
      "' is neither a SIP URI (sip:user@host) nor an E.164 number (+14155550100)");
}

std::string sipUriWithVerdict(std::string_view uri, const Attributes& agentAttrs,
                              std::string_view signedVerdict) {
  // Names and order shared with the SIP channel's REFER: the verdict first, so it is never the
  // part that does not fit; the signed verdict right after it, before any customer attribute.
  HeaderFields fields = orderedVerdictFields(agentAttrs);
  if (!signedVerdict.empty()) {
    auto afterVerdict = std::find_if(fields.begin(), fields.end(), [](const auto& field) {
      return std::none_of(kVerdictKeys.begin(), kVerdictKeys.end(), [&](std::string_view key) {
        return verdictHeaderName(key) == field.first;
      });
    });
    fields.emplace(afterVerdict, std::string(kVerdictHeader), std::string(signedVerdict));
  }
  std::string headers;
  for (const auto& [name, value] : fields) {
    std::string one = name + "=";
    one += http::percentEncode(value);
    if (headers.size() + one.size() + 1 > kMaxSipHeaderBytes) continue;
    if (!headers.empty()) headers.push_back('&');
    headers += one;
  }
  std::string out(uri);
  if (!headers.empty()) {
    out.push_back(uri.find('?') == std::string_view::npos ? '?' : '&');
    out += headers;
  }
  return out;
}

std::string verdictSentence(const Attributes& a) {
  std::string out = "callgate: ";
  if (isAuthenticated(a)) {
    out += "caller verified";
    const std::string method = attr(a, kAuthMethodKey);
    if (method == "CallerId")
      out += " by caller ID";
    else if (method == "SmsOtp")
      out += " by text message PIN";
    else if (method == "Pin")
      out += " by PIN";
    out += ".";
    const std::string name =
        attr(a, "firstName") +
        (attr(a, "firstName").empty() || attr(a, "lastName").empty() ? "" : " ") +
        attr(a, "lastName");
    if (!name.empty()) out += " " + name + ".";
    if (!attr(a, "custLevel").empty()) out += " Level " + attr(a, "custLevel") + ".";
  } else {
    out += "caller not verified.";
    if (attr(a, kRecordFoundKey) == kTrue) out += " The number is on record.";
  }
  return out;
}

}  // namespace callgate::twilio_voice
