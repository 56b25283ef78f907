#include "channels/web/html_template.h"

namespace callgate::web {

std::string escapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string renderTemplate(std::string_view tmpl, const TemplateValues& values) {
  std::string out;
  out.reserve(tmpl.size() + 256);
  size_t pos = 0;
  while (pos < tmpl.size()) {
    const size_t open = tmpl.find("{{", pos);
    if (open == std::string_view::npos) break;
    const bool raw = tmpl.substr(open, 3) == "{{{";
    const size_t nameStart = open + (raw ? 3 : 2);
    const std::string_view closer = raw ? "}}}" : "}}";
    const size_t close = tmpl.find(closer, nameStart);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    const std::string_view name = tmpl.substr(nameStart, close - nameStart);
    for (const auto& [key, value] : values) {
      if (key == name) {
        out += raw ? std::string(value) : escapeHtml(value);
        break;
      }
    }
    pos = close + closer.size();
  }
  out.append(tmpl.substr(pos));
  return out;
}

}  // namespace callgate::web
