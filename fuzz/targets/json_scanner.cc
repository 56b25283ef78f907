// Fuzz target: common/json_scanner, the strict pull reader the Connect endpoints run over every
// request body. The input is walked the way callers walk it (objects member by member, strings
// decoded, the rest skipped). Invariant: the scanner and nlohmann, both strict RFC 8259 readers,
// agree on whether a text is JSON (within the depth limit both are given).
#include "common/json_scanner.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace {

constexpr int kMaxDepth = 32;

// Reads one value the way the Connect event reader does: objects by member (recursively),
// strings decoded, anything else skipped.
bool walk(callgate::json::JsonScanner& scanner) {
  switch (scanner.peek()) {
    case callgate::json::JsonScanner::Kind::kObject:
      return scanner.forEachMember([&](std::string_view) { return walk(scanner); });
    case callgate::json::JsonScanner::Kind::kString: {
      std::string out;
      return scanner.readString(out);
    }
    default:
      return scanner.skipValue();
  }
}

// Nesting depth of a JSON text nlohmann accepted (brackets outside strings).
int depthOf(std::string_view text) {
  int depth = 0, deepest = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  callgate::json::JsonScanner walker(text, kMaxDepth);
  const bool walked = walk(walker) && walker.finish();
  if (!walked && walker.offset() > size) std::abort();

  callgate::json::JsonScanner skipper(text, kMaxDepth);
  const bool skipped = skipper.skipValue() && skipper.finish();
  if (walked != skipped) {
    std::fprintf(stderr, "walking (%d) and skipping (%d) disagree\n", walked, skipped);
    std::abort();
  }
  if (skipper.depthExceeded()) return 0;

  // nlohmann skips a leading UTF-8 byte order mark, which RFC 8259 lets a parser do or not.
  if (text.starts_with("\xEF\xBB\xBF")) return 0;
  const bool nlohmannAccepts = nlohmann::json::accept(text);
  if (nlohmannAccepts && depthOf(text) > kMaxDepth) return 0;
  if (skipped != nlohmannAccepts) {
    std::fprintf(stderr, "JsonScanner %s, nlohmann %s\n", skipped ? "accepts" : "refuses",
                 nlohmannAccepts ? "accepts" : "refuses");
    std::abort();
  }
  return 0;
}
