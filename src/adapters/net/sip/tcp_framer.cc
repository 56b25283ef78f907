#include "adapters/net/sip/tcp_framer.h"

#include <charconv>

namespace callgate::sip {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

// The value of Content-Length (or compact "l") in a header block; -1 if absent, -2 if invalid.
long long contentLength(std::string_view headers) {
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t eol = headers.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = headers.size();
    std::string_view line = headers.substr(pos, eol - pos);
    pos = eol + 2;
    std::string_view rest;
    if (startsWithNoCase(line, "content-length")) {
      rest = line.substr(14);
    } else if (startsWithNoCase(line, "l") && line.size() > 1 &&
               (line[1] == ':' || line[1] == ' ' || line[1] == '\t')) {
      rest = line.substr(1);
    } else {
      continue;
    }
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    if (rest.empty() || rest.front() != ':') continue;  // another header, e.g. "Content-Length-X"
    rest.remove_prefix(1);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
    long long v = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
    if (ec != std::errc() || end != rest.data() + rest.size() || v < 0) return -2;
    return v;
  }
  return -1;
}

}  // namespace

Frame nextFrame(std::string_view buffer, size_t maxMessageBytes) {
  if (buffer.empty()) return {};
  if (buffer[0] == '\r' || buffer[0] == '\n') {
    if (buffer.substr(0, 4) == "\r\n\r\n") return {Frame::Kind::kPing, 4};
    if (buffer.size() < 4 && std::string_view("\r\n\r\n").substr(0, buffer.size()) == buffer) {
      return {};  // maybe a ping still arriving
    }
    if (buffer.substr(0, 2) == "\r\n") return {Frame::Kind::kSkip, 2};
    return {Frame::Kind::kSkip, 1};  // a lone CR or LF
  }
  size_t firstEol = buffer.find("\r\n");
  if (firstEol != std::string_view::npos) {
    if (buffer.substr(0, firstEol).find("SIP/2.0") == std::string_view::npos) {
      return {Frame::Kind::kGarbage, 0};
    }
  } else if (buffer.size() > 1024) {
    return {Frame::Kind::kGarbage, 0};  // no start line within 1 KiB
  }
  size_t end = buffer.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (buffer.size() > maxMessageBytes) return {Frame::Kind::kTooLarge, buffer.size()};
    return {};
  }
  size_t headLength = end + 4;
  long long body = contentLength(buffer.substr(0, end + 2));
  if (body == -2) return {Frame::Kind::kGarbage, 0};
  if (body < 0) body = 0;  // RFC 3261 requires it on TCP; be lenient and assume no body
  if (headLength + static_cast<unsigned long long>(body) > maxMessageBytes) {
    return {Frame::Kind::kTooLarge, headLength};
  }
  size_t total = headLength + static_cast<size_t>(body);
  if (buffer.size() < total) return {};
  return {Frame::Kind::kMessage, total};
}

}  // namespace callgate::sip
