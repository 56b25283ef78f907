#include "adapters/sip_voice/verdict_headers.h"

#include <algorithm>
#include <set>

#include "core/text.h"

namespace callgate::sip_voice {
namespace {

bool isVerdictKey(std::string_view key) {
  return std::find(kVerdictKeys.begin(), kVerdictKeys.end(), key) != kVerdictKeys.end();
}

// Removes what could end or fold a header line (CR, LF) and other control bytes; UTF-8 bytes
// (>= 0x80) stay, SIP header values are UTF-8.
std::string headerSafe(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) continue;
    out.push_back(c == '\t' ? ' ' : c);
  }
  const size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

}  // namespace

std::string verdictHeaderName(std::string_view key) {
  if (key.empty() || key.size() > 64) return {};
  for (char c : key) {
    const bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return {};
  }
  if (key == "authenticated") return "X-Callgate-Auth";
  if (key == "authMethod") return "X-Callgate-Auth-Method";
  return "X-Callgate-" + std::string(key);
}

HeaderFields orderedVerdictFields(const std::map<std::string, std::string>& agentAttributes) {
  HeaderFields out;
  // Header names are case-insensitive: an attribute "auth" (X-Callgate-auth) must not pose as
  // the verdict's X-Callgate-Auth, nor "firstname" repeat "firstName". The first name wins.
  std::set<std::string> seen;
  auto add = [&](std::string name, const std::string& value) {
    if (!name.empty() && seen.insert(toLowerAscii(name)).second) {
      out.emplace_back(std::move(name), value);
    }
  };
  for (std::string_view key : kVerdictKeys) {
    auto it = agentAttributes.find(std::string(key));
    if (it != agentAttributes.end()) add(verdictHeaderName(key), it->second);
  }
  // The verdict's names stay reserved even when a verdict key is absent.
  for (std::string_view key : kVerdictKeys) seen.insert(toLowerAscii(verdictHeaderName(key)));
  for (const auto& [key, value] : agentAttributes) {
    if (!isVerdictKey(key)) add(verdictHeaderName(key), value);
  }
  return out;
}

HeaderFields verdictHeaders(const std::map<std::string, std::string>& agentAttributes) {
  HeaderFields out;
  size_t total = 0;
  for (auto& [name, raw] : orderedVerdictFields(agentAttributes)) {
    std::string value = headerSafe(raw);
    const size_t size = name.size() + 2 + value.size() + 2;  // "Name: value\r\n"
    if (total + size > kMaxVerdictHeaderBytes) continue;
    total += size;
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

}  // namespace callgate::sip_voice
