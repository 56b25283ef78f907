// The files of web/ (page templates, script, style sheet), embedded at build time by
// cmake/EmbedWebAssets.cmake so the server serves them without a path to find at run time.
// Immutable; thread-safe.
#pragma once

#include <string_view>

namespace callgate::web {

// The content of web/<name>, or an empty view when there is no such file.
std::string_view webAsset(std::string_view name);

}  // namespace callgate::web
