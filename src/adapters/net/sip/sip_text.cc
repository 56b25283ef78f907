#include "adapters/net/sip/sip_text.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>

namespace callgate::sip {

std::string uriUserOf(std::string_view value) {
  size_t lt = value.find('<');
  std::string_view uri;
  if (lt != std::string_view::npos) {
    size_t gt = value.find('>', lt);
    if (gt == std::string_view::npos) return {};
    uri = value.substr(lt + 1, gt - lt - 1);
  } else {
    uri = value.substr(0, value.find_first_of(";,"));
    while (!uri.empty() && uri.front() == ' ') uri.remove_prefix(1);
  }
  size_t colon = uri.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view scheme = uri.substr(0, colon);
  std::string_view rest = uri.substr(colon + 1);
  if (scheme == "tel" || scheme == "TEL") return std::string(rest.substr(0, rest.find(';')));
  size_t at = rest.find('@');
  if (at == std::string_view::npos) return {};
  rest = rest.substr(0, at);
  return std::string(rest.substr(0, rest.find(';')));
}

bool uriHostPort(std::string_view uri, std::string* host, uint16_t* port) {
  if (size_t lt = uri.find('<'); lt != std::string_view::npos) {
    size_t gt = uri.find('>', lt);
    if (gt == std::string_view::npos) return false;
    uri = uri.substr(lt + 1, gt - lt - 1);
  }
  if (uri.substr(0, 4) == "sip:") {
    uri.remove_prefix(4);
  } else if (uri.substr(0, 5) == "sips:") {
    uri.remove_prefix(5);
  } else {
    return false;
  }
  uri = uri.substr(0, uri.find_first_of(";?"));
  if (size_t at = uri.rfind('@'); at != std::string_view::npos) uri.remove_prefix(at + 1);
  std::string_view h, p;
  if (!uri.empty() && uri.front() == '[') {
    size_t close = uri.find(']');
    if (close == std::string_view::npos) return false;
    h = uri.substr(1, close - 1);
    std::string_view rest = uri.substr(close + 1);
    if (!rest.empty() && rest.front() == ':') p = rest.substr(1);
  } else {
    size_t colon = uri.find(':');
    h = uri.substr(0, colon);
    if (colon != std::string_view::npos) p = uri.substr(colon + 1);
  }
  if (h.empty()) return false;
  unsigned v = 0;
  if (!p.empty()) {
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || end != p.data() + p.size() || v == 0 || v > 65535) return false;
  }
  *host = std::string(h);
  *port = static_cast<uint16_t>(v);
  return true;
}

std::string randomToken(size_t chars) {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  unsigned char raw[64];
  std::string out;
  out.reserve(chars);
  while (out.size() < chars) {
    size_t n = std::min(chars - out.size(), sizeof raw);
    randombytes_buf(raw, n);
    for (size_t i = 0; i < n; ++i) out.push_back(kAlphabet[raw[i] % 36]);  // bias is harmless here
  }
  return out;
}

}  // namespace callgate::sip
