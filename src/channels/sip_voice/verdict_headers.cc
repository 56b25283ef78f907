#include "channels/sip_voice/verdict_headers.h"

namespace callgate::sip_voice {
namespace {

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
