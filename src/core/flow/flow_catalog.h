// FlowCatalog: the flows a voice channel runs, by name (the configured path) and by dialled
// number, with a default for numbers not listed. Filled once at start-up by the app's wiring,
// then read-only, so any thread may read it. Shares the (immutable) Flows. With a flows
// directory it also owns the FlowLibrary those flows transfer and invoke modules through.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/flow/flow.h"
#include "core/flow/flow_library.h"

namespace callgate::flow {

struct FlowCatalog {
  std::map<std::string, std::shared_ptr<const Flow>> byName;  // name (configured path) -> flow
  std::map<std::string, std::string> byNumber;                // dialled number (E.164) -> flow name
  std::string defaultFlow;  // for numbers not in byNumber; must be in byName
  // The flows directory ([flows] dir), when configured: keeps the library the flows above point
  // to (weakly) alive for as long as this catalog is. Null without a directory.
  std::shared_ptr<const FlowLibrary> library;

  // The flow for a dialled number (E.164, or anything else, which gets the default); null only
  // when the catalog is inconsistent.
  std::shared_ptr<const Flow> forNumber(const std::string& dialled) const {
    auto named = byNumber.find(dialled);
    auto it = byName.find(named != byNumber.end() ? named->second : defaultFlow);
    return it != byName.end() ? it->second : nullptr;
  }
};

}  // namespace callgate::flow
