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

// nlohmann's SAX interface, to tell its refusals apart: everything is accepted, errors recorded.
struct NlohmannVerdict : nlohmann::json_sax<nlohmann::json> {
  bool numberOverflow = false;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    numberOverflow = e.id == 406;
    return false;
  }
};

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

  // nlohmann skips a leading UTF-8 byte order mark, which RFC 8259 lets a parser do or not, and
  // takes a NUL byte for the end of the input ("1\0garbage" is accepted), which the scanner
  // rightly does not.
  if (text.starts_with("\xEF\xBB\xBF") || text.find('\0') != std::string_view::npos) return 0;
  NlohmannVerdict verdict;
  const bool nlohmannAccepts = nlohmann::json::sax_parse(text, &verdict);
  // nlohmann refuses numbers that overflow a double (error 406); RFC 8259's grammar has them.
  if (verdict.numberOverflow) return 0;
  if (nlohmannAccepts && depthOf(text) > kMaxDepth) return 0;
  if (skipped != nlohmannAccepts) {
    std::fprintf(stderr, "JsonScanner %s, nlohmann %s\n", skipped ? "accepts" : "refuses",
                 nlohmannAccepts ? "accepts" : "refuses");
    std::abort();
  }
  return 0;
}
