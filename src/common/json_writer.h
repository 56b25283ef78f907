// Writing JSON by hand on hot paths (tokens, Connect results, OAuth answers), where building an
// nlohmann::json document would cost more than the text itself. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace callgate::json {

// Appends `s` to `out` as a JSON string literal (with quotes), escaping what JSON requires.
void appendString(std::string& out, std::string_view s);

}  // namespace callgate::json
