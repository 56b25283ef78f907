#include "adapters/security/stir/identity_parts.h"

#include <sodium.h>

#include "common/text.h"

namespace callgate::stir {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool isBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on ';' outside "..." and <...>, so an info URL may itself contain ';'. nullopt when a
// quote or angle bracket is left open.
std::optional<std::vector<std::string_view>> splitParams(std::string_view s) {
  std::vector<std::string_view> out;
  bool quoted = false;
  bool angled = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (angled) {
      if (c == '>') angled = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      angled = true;
    } else if (c == ';') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quoted || angled) return std::nullopt;
  out.push_back(s.substr(start));
  return out;
}

std::string unwrap(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 &&
      ((v.front() == '"' && v.back() == '"') || (v.front() == '<' && v.back() == '>'))) {
    v = trim(v.substr(1, v.size() - 2));
  }
  return std::string(v);
}

}  // namespace

std::optional<IdentityParts> splitIdentityHeader(std::string_view value) {
  if (value.size() > kMaxIdentityHeaderBytes) return std::nullopt;
  const auto pieces = splitParams(value);
  if (!pieces || pieces->empty()) return std::nullopt;

  IdentityParts parts;
  for (char c : (*pieces)[0]) {
    if (!isSpace(c)) parts.jwt.push_back(c);  // RFC 8224 allows folding inside the token
  }
  size_t start = 0;
  for (;;) {
    const size_t dot = parts.jwt.find('.', start);
    const std::string_view seg =
        std::string_view(parts.jwt).substr(start, dot == std::string::npos ? dot : dot - start);
    if (seg.empty()) return std::nullopt;
    for (char c : seg) {
      if (!isBase64Url(c)) return std::nullopt;
    }
    parts.segments.emplace_back(seg);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (parts.segments.size() != 3) return std::nullopt;

  for (size_t i = 1; i < pieces->size(); ++i) {
    const std::string_view p = trim((*pieces)[i]);
    const size_t eq = p.find('=');
    const std::string name = toLowerAscii(trim(p.substr(0, eq)));
    if (name.empty()) return std::nullopt;
    const std::string val = eq == std::string_view::npos ? std::string() : unwrap(p.substr(eq + 1));
    if (!parts.params.emplace(name, val).second) return std::nullopt;  // repeated parameter
  }
  return parts;
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string base64UrlEncode(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.find('\0'));
  return out;
}

std::string telDigits(std::string_view text) {
  text = trim(text);
  if (const size_t semi = text.find(';'); semi != std::string_view::npos) {
    text = text.substr(0, semi);
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if (c != '-' && c != '.' && c != '(' && c != ')') {
      return {};
    }
  }
  if (out.empty() || out.size() > 20) return {};
  return out;
}

std::vector<std::string> findVerstat(std::string_view headerValue) {
  static constexpr std::string_view kName = "verstat=";
  const std::string lower = toLowerAscii(headerValue);
  std::vector<std::string> out;
  for (size_t at = lower.find(kName); at != std::string::npos; at = lower.find(kName, at + 1)) {
    size_t before = at;
    while (before > 0 && isSpace(lower[before - 1])) --before;
    if (before == 0 || lower[before - 1] != ';') continue;  // not a parameter (e.g. "xverstat=")
    size_t begin = at + kName.size();
    size_t end = begin;
    while (end < headerValue.size() &&
           std::string_view(";>@,&?\" \t\r\n").find(headerValue[end]) == std::string_view::npos) {
      ++end;
    }
    out.emplace_back(headerValue.substr(begin, end - begin));
  }
  return out;
}

}  // namespace callgate::stir
