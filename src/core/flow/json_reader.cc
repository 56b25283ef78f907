#include "core/flow/json_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "common/text.h"
#include "core/flow/flow.h"

namespace callgate::flow::detail {

int jsonNestingDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool inString = false;
  bool escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    else if (c == '{' || c == '[')
      deepest = std::max(deepest, ++depth);
    else if (c == '}' || c == ']')
      --depth;
  }
  return deepest;
}

Error ActionScope::error(std::string_view message) const {
  return Error::invalidArgument("action " + label_ + " (" + type_ + "): " + std::string(message));
}

Status ActionScope::checkKeys(const Json& obj, std::initializer_list<std::string_view> known,
                              std::string_view path) const {
  return checkKeys(obj, std::span<const std::string_view>(known.begin(), known.size()), path);
}

Status ActionScope::checkKeys(const Json& obj, std::span<const std::string_view> known,
                              std::string_view path) const {
  if (!obj.is_object()) return okStatus();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    std::string name = path.empty() ? it.key() : std::string(path) + "." + it.key();
    return error("unknown parameter '" + name + "' (known: " + (list.empty() ? "none" : list) +
                 ")");
  }
  return okStatus();
}

Status ActionScope::checkTargetContact(const Json& params) const {
  Result<std::optional<std::string>> target = optionalString(params, "TargetContact");
  if (!target.ok()) return target.error();
  if (target->has_value() && **target != "Current")
    return error("TargetContact '" + **target + "' is not supported (only Current)");
  return okStatus();
}

Result<std::optional<std::string>> ActionScope::optionalString(const Json& obj,
                                                               std::string_view key,
                                                               bool allowEmpty) const {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return error(std::string(key) + " must be a string");
  const std::string& s = it->get_ref<const std::string&>();
  if (s.empty() && !allowEmpty) return error(std::string(key) + " must not be empty");
  if (s.size() > kMaxStringParameterBytes) {
    return error(std::string(key) + " is longer than " + std::to_string(kMaxStringParameterBytes) +
                 " bytes");
  }
  return std::optional<std::string>(s);
}

Result<std::string> ActionScope::requiredString(const Json& obj, std::string_view key) const {
  Result<std::optional<std::string>> s = optionalString(obj, key);
  if (!s.ok()) return s.error();
  if (!s->has_value()) return error("missing required parameter " + std::string(key));
  return std::move(**s);
}

Result<std::optional<int>> ActionScope::optionalInt(const Json& obj, std::string_view key, int min,
                                                    int max) const {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<int>();
  auto range = [&] {
    return error(std::string(key) + " must be a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max));
  };
  long long value = 0;
  if (it->is_number_integer()) {
    value =
        it->get<long long>();  // unsigned values above LLONG_MAX wrap negative: out of range anyway
  } else if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return range();
  } else {
    return range();
  }
  if (value < min || value > max) return range();
  return std::optional<int>(static_cast<int>(value));
}

Result<std::optional<bool>> ActionScope::optionalBool(const Json& obj, std::string_view key) const {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<bool>();
  if (it->is_boolean()) return std::optional<bool>(it->get<bool>());
  if (it->is_string()) {
    std::string s = toLowerAscii(it->get_ref<const std::string&>());
    if (s == "true") return std::optional<bool>(true);
    if (s == "false") return std::optional<bool>(false);
  }
  return error(std::string(key) + " must be \"True\" or \"False\"");
}

Result<const Json*> ActionScope::optionalObject(const Json& obj, std::string_view key) const {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const Json*>(nullptr);
  if (!it->is_object()) return error(std::string(key) + " must be an object");
  return &*it;
}

Result<Template> ActionScope::dynamicValue(std::string_view text) const {
  Result<Template> t = Template::parse(text);
  if (!t.ok()) return error(t.error().message());
  return t;
}

Result<Template> ActionScope::staticOrReference(std::string_view key, std::string_view text) const {
  Result<Template> t = dynamicValue(text);
  if (!t.ok()) return t;
  if (!t->isStatic() && t->singleReference() == nullptr) {
    return error(std::string(key) + " must be static text or a single reference, not '" +
                 std::string(text) + "'");
  }
  return t;
}

}  // namespace callgate::flow::detail
