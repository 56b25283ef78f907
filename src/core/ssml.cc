#include "core/ssml.h"

#include <utility>

namespace callgate {

std::string ssmlToText(std::string_view ssml) {
  std::string text;
  bool inTag = false;
  for (char c : ssml) {
    if (inTag) {
      if (c == '>') {
        inTag = false;
        text.push_back(' ');  // <break/> between words must not glue them together
      }
    } else if (c == '<') {
      inTag = true;
    } else {
      text.push_back(c);
    }
  }
  static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  std::string decoded;
  for (size_t i = 0; i < text.size();) {
    bool matched = false;
    for (const auto& [entity, value] : kEntities) {
      if (std::string_view(text).substr(i, entity.size()) == entity) {
        decoded.append(value);
        i += entity.size();
        matched = true;
        break;
      }
    }
    if (!matched) decoded.push_back(text[i++]);
  }
  // Collapse the whitespace runs the removed tags left behind.
  std::string out;
  for (char c : decoded) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace callgate
