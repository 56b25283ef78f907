// Fuzz target: the TOML configuration (app/config). applyToml reads the text (toml++ and one
// reader per table); text it accepts then goes through loadConfig, the production entry point,
// for the cross-table checks and normalisation, reading the same bytes from an in-memory file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/config/config.h"
#include "memfd_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static callgate::fuzz::MemFile file("callgate-fuzz-config");
  const std::string text(reinterpret_cast<const char*>(data), size);
  callgate::app::Config config;
  if (!callgate::app::applyToml(text, "fuzz.toml", config).ok()) return 0;

  callgate::app::Overrides overrides;
  overrides.configFile = file.write(data, size);
  auto loaded = callgate::app::loadConfig(overrides);
  if (loaded) (void)callgate::app::outboxPath(*loaded);
  return 0;
}
