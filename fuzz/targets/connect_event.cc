// Fuzz target: the body of a POST from Amazon Connect (channels/connect): parseConnectEvent, the
// JsonScanner walk over an untrusted Lambda event. Invariant: the parameters and attributes it
// decoded, written back with stringMapToJson (as the answer to Connect is), are JSON that
// nlohmann reads back to the same map.
#include "channels/connect/connect_event.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace {

void checkRoundTrip(const callgate::StringMap& map) {
  const std::string json = callgate::connect::stringMapToJson(map);
  const nlohmann::json back = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  bool same = back.is_object() && back.size() == map.size();
  if (same) {
    for (const auto& [key, value] : map) {
      const auto it = back.find(key);
      if (it == back.end() || !it->is_string() || it->get<std::string>() != value) {
        same = false;
        break;
      }
    }
  }
  if (!same) {
    std::fprintf(stderr, "stringMapToJson does not read back:\n%s\n", json.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto event = callgate::connect::parseConnectEvent(body);
  if (!event) return 0;
  checkRoundTrip(event->parameters);
  checkRoundTrip(event->contact.attributes);
  return 0;
}
