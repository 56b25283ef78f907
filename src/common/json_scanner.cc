#include "common/json_scanner.h"

#include <cstdint>

namespace callgate::json {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool readHex4(const char*& p, const char* end, uint32_t& out) {
  if (end - p < 4) return false;
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const int v = hexValue(p[i]);
    if (v < 0) return false;
    out = out << 4 | static_cast<uint32_t>(v);
  }
  p += 4;
  return true;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF), or 0 if it is not one.
size_t utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  auto cont = [&](ptrdiff_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return p + i < end && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace

JsonScanner::Kind JsonScanner::peek() {
  skipWhitespace();
  if (p_ >= end_) return Kind::kInvalid;
  switch (*p_) {
    case '{':
      return Kind::kObject;
    case '[':
      return Kind::kArray;
    case '"':
      return Kind::kString;
    case 't':
    case 'f':
      return Kind::kBool;
    case 'n':
      return Kind::kNull;
    default:
      return (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) ? Kind::kNumber : Kind::kInvalid;
  }
}

bool JsonScanner::enter() {
  if (++depth_ > maxDepth_) {
    depthExceeded_ = true;
    return false;
  }
  return true;
}

bool JsonScanner::parseString(std::string_view& out, std::string& scratch) {
  if (p_ >= end_ || *p_ != '"') return false;
  ++p_;
  const char* start = p_;
  bool escaped = false;
  for (;;) {
    // Fast path: plain printable ASCII up to the next quote, backslash or special byte.
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++p_;
    }
    if (p_ >= end_) return false;
    const auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      if (!escaped) {
        out = std::string_view(start, static_cast<size_t>(p_ - start));
      } else {
        scratch.append(start, p_);
        out = scratch;
      }
      ++p_;
      return true;
    }
    if (c < 0x20) return false;  // raw control characters must be escaped
    if (c >= 0x80) {
      const size_t n = utf8SequenceLength(reinterpret_cast<const unsigned char*>(p_),
                                          reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) return false;
      p_ += n;
      continue;
    }
    // A backslash: from here on the string is decoded into scratch.
    if (!escaped) {
      scratch.clear();
      escaped = true;
    }
    scratch.append(start, p_);
    ++p_;
    if (p_ >= end_) return false;
    const char e = *p_++;
    switch (e) {
      case '"':
        scratch.push_back('"');
        break;
      case '\\':
        scratch.push_back('\\');
        break;
      case '/':
        scratch.push_back('/');
        break;
      case 'b':
        scratch.push_back('\b');
        break;
      case 'f':
        scratch.push_back('\f');
        break;
      case 'n':
        scratch.push_back('\n');
        break;
      case 'r':
        scratch.push_back('\r');
        break;
      case 't':
        scratch.push_back('\t');
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!readHex4(p_, end_, cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
        if (cp >= 0xD800 && cp <= 0xDBFF) {              // must pair with a low surrogate
          uint32_t lo = 0;
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          if (!readHex4(p_, end_, lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        appendUtf8(scratch, cp);
        break;
      }
      default:
        return false;
    }
    start = p_;
  }
}

bool JsonScanner::readString(std::string& out) {
  skipWhitespace();
  std::string_view view;
  if (!parseString(view, out)) return false;
  // When decoded, `view` already refers to `out`; otherwise copy from the input.
  if (view.data() != out.data()) out.assign(view.data(), view.size());
  return true;
}

bool JsonScanner::skipValue() {
  switch (peek()) {
    case Kind::kObject:
      return forEachMember([this](std::string_view) { return skipValue(); });
    case Kind::kArray:
      return skipArray();
    case Kind::kString: {
      std::string scratch;
      std::string_view ignored;
      return parseString(ignored, scratch);
    }
    case Kind::kNumber:
      return skipNumber();
    case Kind::kBool:
      return *p_ == 't' ? skipLiteral("true") : skipLiteral("false");
    case Kind::kNull:
      return skipLiteral("null");
    case Kind::kInvalid:
      return false;
  }
  return false;
}

bool JsonScanner::skipArray() {
  if (!consume('[')) return false;
  if (!enter()) return false;
  if (consume(']')) {
    --depth_;
    return true;
  }
  for (;;) {
    if (!skipValue()) return false;
    if (consume(',')) continue;
    if (consume(']')) {
      --depth_;
      return true;
    }
    return false;
  }
}

bool JsonScanner::skipNumber() {
  auto digit = [this] { return p_ < end_ && *p_ >= '0' && *p_ <= '9'; };
  if (p_ < end_ && *p_ == '-') ++p_;
  if (!digit()) return false;
  if (*p_ == '0') {
    ++p_;
  } else {
    while (digit()) ++p_;
  }
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (!digit()) return false;
    while (digit()) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (!digit()) return false;
    while (digit()) ++p_;
  }
  return true;
}

bool JsonScanner::skipLiteral(std::string_view word) {
  if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
    return false;
  }
  p_ += word.size();
  return true;
}

bool JsonScanner::finish() {
  skipWhitespace();
  return p_ == end_;
}

}  // namespace callgate::json
