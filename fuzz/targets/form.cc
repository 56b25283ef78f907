// Fuzz target: an application/x-www-form-urlencoded body or query string (common/form), as the
// OAuth, web and webhook routes decode them. Invariants: every decoded pair, encoded again with
// formEncode, decodes to the same pairs; parseForm accepts exactly what parseFormPairs accepts
// minus empty or repeated names and field counts over the limit.
#include "common/form.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

namespace http = callgate::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string decoded;
  (void)http::formDecode(text, decoded);
  (void)http::isFormContentType(text);

  auto pairs = http::parseFormPairs(text);
  auto form = http::parseForm(text);
  if (!pairs) {
    if (form) std::abort();  // the strict decoder never accepts what the lenient one refuses
    return 0;
  }
  auto again = http::parseFormPairs(http::formEncode(*pairs));
  if (!again || *again != *pairs) std::abort();

  std::set<std::string> names;
  bool unique = pairs->size() <= http::kMaxFormFields;
  for (const auto& [name, value] : *pairs) {
    if (name.empty() || !names.insert(name).second) unique = false;
    if (http::findParam(*pairs, name) == std::nullopt) std::abort();
  }
  if (form.ok() != unique) std::abort();
  if (form) {
    for (const auto& [name, value] : *pairs) {
      if (form->at(name) != value) std::abort();
    }
  }
  return 0;
}
