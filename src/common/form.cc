#include "common/form.h"

namespace callgate::http {

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3629 well-formedness (no overlongs, surrogates or code points above U+10FFFF).
bool isValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
      n = 1;
    else if (c == 0xE0)
      n = 2, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
      n = 2;
    else if (c == 0xED)
      n = 2, hi = 0x9F;
    else if (c == 0xF0)
      n = 3, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3)
      n = 3;
    else if (c == 0xF4)
      n = 3, hi = 0x8F;
    else
      return false;
    if (static_cast<size_t>(end - p) <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t i = 2; i <= n; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += n + 1;
  }
  return true;
}

}  // namespace

bool formDecode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;  // "%" or "%X" at the end
      const int hi = hexDigit(in[i + 1]);
      const int lo = hexDigit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out.find('\0') == std::string::npos && isValidUtf8(out);
}

namespace {

// Splits on '&' and decodes each "name=value" piece, skipping empty pieces; stops at the first
// error. `add` returns an error to stop, too.
template <typename Add>
Status forEachField(std::string_view body, Add add) {
  size_t pos = 0;
  std::string name, value;
  while (pos <= body.size()) {
    size_t end = body.find('&', pos);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view piece = body.substr(pos, end - pos);
    pos = end + 1;
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    const std::string_view rawName = piece.substr(0, eq);
    const std::string_view rawValue =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    if (!formDecode(rawName, name))
      return Error::invalidArgument("form field name is not valid percent-encoding");
    if (name.empty()) return Error::invalidArgument("form field with an empty name");
    if (!formDecode(rawValue, value)) {
      return Error::invalidArgument("form field '" + name + "' is not valid percent-encoding");
    }
    if (Status s = add(name, value); !s.ok()) return s;
  }
  return okStatus();
}

}  // namespace

Result<FormFields> parseForm(std::string_view body) {
  FormFields fields;
  Status s =
      forEachField(body, [&fields](const std::string& name, const std::string& value) -> Status {
        if (fields.size() == kMaxFormFields) {
          return Error::invalidArgument("form has more than " + std::to_string(kMaxFormFields) +
                                        " fields");
        }
        if (!fields.emplace(name, value).second) {
          return Error::invalidArgument("form field '" + name + "' appears more than once");
        }
        return okStatus();
      });
  if (!s.ok()) return s.error();
  return fields;
}

Result<Params> parseFormPairs(std::string_view text) {
  Params params;
  Status s =
      forEachField(text, [&params](const std::string& name, const std::string& value) -> Status {
        params.emplace_back(name, value);
        return okStatus();
      });
  if (!s.ok()) return s.error();
  return params;
}

std::optional<std::string> findParam(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::string formEncode(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += percentEncode(name);
    out.push_back('=');
    out += percentEncode(value);
  }
  return out;
}

bool isFormContentType(std::string_view contentType) {
  const size_t semi = contentType.find(';');
  std::string_view type = contentType.substr(0, semi);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  if (type.size() != kForm.size()) return false;
  for (size_t i = 0; i < type.size(); ++i) {
    char c = type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kForm[i]) return false;
  }
  return true;
}

}  // namespace callgate::http
