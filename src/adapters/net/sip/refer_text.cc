#include "adapters/net/sip/refer_text.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace callgate::sip {
namespace {

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool isTokenChar(char c) { return isAlnum(c) || std::strchr("-.!%*_+`'~", c) != nullptr; }

bool safeValue(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

std::string escapeUriHeader(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    // unreserved = alphanum / mark; hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$"
    if (isAlnum(c) || std::strchr("-_.!~*'()[]/?:+$", c) != nullptr) {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
  }
  return out;
}

Result<std::string> buildReferTo(std::string_view target, const HeaderList& headers) {
  if (!(target.substr(0, 4) == "sip:" || target.substr(0, 5) == "sips:") || target.size() < 6) {
    return Error::invalidArgument("transfer target must be a sip: URI");
  }
  if (target.find_first_of(std::string_view("<>\r\n\0 \"", 7)) != std::string_view::npos) {
    return Error::invalidArgument("transfer target contains forbidden characters");
  }
  std::string out = "<";
  out.append(target);
  char sep = target.find('?') == std::string_view::npos ? '?' : '&';
  for (const auto& [name, value] : headers) {
    if (name.empty()) return Error::invalidArgument("empty header name");
    for (char c : name) {
      if (!isTokenChar(c)) return Error::invalidArgument("header name is not a token: " + name);
    }
    if (!safeValue(value)) return Error::invalidArgument("header value has CR/LF: " + name);
  }
  if (target.size() > kMaxReferToUriBytes)
    return Error::invalidArgument("transfer target is too long");
  for (const auto& [name, value] : headers) {
    const std::string field = escapeUriHeader(name) + "=" + escapeUriHeader(value);
    // out holds "<" + the URI so far.
    if (out.size() - 1 + 1 + field.size() > kMaxReferToUriBytes) break;
    out.push_back(sep);
    sep = '&';
    out.append(field);
  }
  out.push_back('>');
  return out;
}

int sipfragStatus(std::string_view body) {
  while (!body.empty() && (body.front() == ' ' || body.front() == '\r' || body.front() == '\n')) {
    body.remove_prefix(1);
  }
  if (body.substr(0, 8) != "SIP/2.0 ") return 0;
  body.remove_prefix(8);
  int status = 0;
  auto [end, ec] =
      std::from_chars(body.data(), body.data() + std::min<size_t>(body.size(), 3), status);
  if (ec != std::errc() || end != body.data() + 3 || status < 100 || status > 699) return 0;
  return status;
}

bool subscriptionTerminated(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  std::string_view state = value.substr(0, value.find_first_of("; \t"));
  if (state.size() != 10) return false;
  for (size_t i = 0; i < state.size(); ++i) {
    char c = state[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != "terminated"[i]) return false;
  }
  return true;
}

}  // namespace callgate::sip
