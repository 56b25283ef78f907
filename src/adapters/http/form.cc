#include "adapters/http/form.h"

namespace callgate::http {

namespace {

constexpr size_t kMaxPairs = 1000;

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size() || hexValue(in[i + 1]) < 0 || hexValue(in[i + 2]) < 0) {
        return Error::invalidArgument("malformed %-escape in form data");
      }
      const int hi = hexValue(in[i + 1]);
      const int lo = hexValue(in[i + 2]);
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return Error::invalidArgument("NUL character in form data");
      out.push_back(decoded);
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parseFormPairs(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view segment = body.substr(start, end - start);
    if (!segment.empty()) {
      if (pairs.size() >= kMaxPairs) return Error::invalidArgument("too many form fields");
      const size_t eq = segment.find('=');
      auto name = decode(segment.substr(0, eq));
      if (!name) return name.error();
      std::string value;
      if (eq != std::string_view::npos) {
        auto v = decode(segment.substr(eq + 1));
        if (!v) return v.error();
        value = std::move(*v);
      }
      pairs.emplace_back(std::move(*name), std::move(value));
    }
    start = end + 1;
  }
  return pairs;
}

}  // namespace callgate::http
