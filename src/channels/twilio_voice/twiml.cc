#include "channels/twilio_voice/twiml.h"

#include <cstdint>

namespace callgate::twilio_voice {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i] and its code point; 0 when invalid
// (bad lead byte, truncated, bad continuation, overlong, surrogate, above U+10FFFF).
size_t utf8Sequence(std::string_view s, size_t i, uint32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  size_t len = 0;
  uint32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

void appendXmlEscaped(std::string& out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    uint32_t cp = 0;
    const size_t len = utf8Sequence(text, i, cp);
    if (len == 0) {
      out.append(kReplacement);
      ++i;  // resynchronise on the next byte
      continue;
    }
    if (len == 1) {
      switch (c) {
        case '&':
          out.append("&amp;");
          break;
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&apos;");
          break;
        case '\t':
        case '\n':
        case '\r':
          out.push_back(c);
          break;
        default:
          if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) out.push_back(c);
          break;
      }
    } else if (cp == 0xFFFE || cp == 0xFFFF) {
      out.append(kReplacement);
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
}

std::string xmlEscaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  appendXmlEscaped(out, text);
  return out;
}

TwimlWriter::TwimlWriter() { out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>"; }

void TwimlWriter::startTag(std::string_view name, const XmlAttributes& attributes) {
  out_.push_back('<');
  out_.append(name);
  for (const auto& [attr, value] : attributes) {
    out_.push_back(' ');
    out_.append(attr);
    out_.append("=\"");
    appendXmlEscaped(out_, value);
    out_.push_back('"');
  }
}

TwimlWriter& TwimlWriter::element(std::string_view name, const XmlAttributes& attributes,
                                  std::string_view text) {
  startTag(name, attributes);
  out_.push_back('>');
  appendXmlEscaped(out_, text);
  out_.append("</").append(name).push_back('>');
  return *this;
}

TwimlWriter& TwimlWriter::empty(std::string_view name, const XmlAttributes& attributes) {
  startTag(name, attributes);
  out_.append("/>");
  return *this;
}

TwimlWriter& TwimlWriter::open(std::string_view name, const XmlAttributes& attributes) {
  startTag(name, attributes);
  out_.push_back('>');
  open_.emplace_back(name);
  return *this;
}

TwimlWriter& TwimlWriter::close() {
  if (!open_.empty()) {
    out_.append("</").append(open_.back()).push_back('>');
    open_.pop_back();
  }
  return *this;
}

std::string TwimlWriter::finish() {
  while (!open_.empty()) close();
  out_.append("</Response>\n");
  return std::move(out_);
}

}  // namespace callgate::twilio_voice
