#include "app/cli/operator_console.h"

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "adapters/security/token/key_ring.h"
#include "common/metrics.h"
#include "core/flow/dot.h"
#include "core/ports.h"

namespace callgate::app {

namespace {

console::FlowEntry checkedFlow(const Config& config, const std::string& file,
                               std::weak_ptr<const flow::FlowLibrary> library) {
  console::FlowEntry entry;
  entry.file = file;
  entry.name = std::filesystem::path(file).stem().string();
  std::vector<std::string> summary;
  entry.problems = checkFlows(file, config, entry.warnings, summary);
  if (!summary.empty()) {
    // "<file> (N actions, starts at 'X')": the part in brackets.
    const std::string& line = summary.front();
    const auto open = line.rfind(" (");
    entry.summary =
        open == std::string::npos ? line : line.substr(open + 2, line.size() - open - 3);
  }
  if (entry.problems.empty()) {
    auto loaded = loadFlowFile(file, config, std::move(library));
    if (loaded.ok()) {
      if (!(*loaded)->info().name.empty()) entry.name = (*loaded)->info().name;
      entry.dot = flow::toDot(**loaded);
    } else {
      entry.problems.push_back(loaded.error().message());
    }
  }
  return entry;
}

}  // namespace

const console::MetricsSampler& consoleMetricsSampler() {
  // For the process's life, like the registry it reads. The registry is made first, so at exit
  // the sampler is destroyed (its thread stopped) before the registry it reads.
  metrics::defaultRegistry();
  static console::MetricsSampler sampler(360);
  static std::once_flag started;
  std::call_once(started, [] { sampler.start(std::chrono::seconds(10)); });
  return sampler;
}

std::vector<console::FlowEntry> consoleFlows(const Config& config) {
  std::vector<console::FlowEntry> flows;
  std::shared_ptr<const flow::FlowLibrary> library;
  std::vector<std::string> files;
  if (!config.flowsDir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const std::string dir = locateFlowFile(config.flowsDir);
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".json") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    // The directory as a whole: its flows reach each other by TransferToFlow.
    std::vector<std::string> warnings, summary;
    std::vector<std::string> problems = checkFlows(config.flowsDir, config, warnings, summary);
    if (!problems.empty()) {
      console::FlowEntry whole;
      whole.name = "[flows] dir";
      whole.file = config.flowsDir;
      whole.problems = std::move(problems);
      flows.push_back(std::move(whole));
    }
    if (auto loaded = loadFlowDirectory(config.flowsDir, config); loaded.ok()) library = *loaded;
  }
  if (!config.flow.empty()) flows.push_back(checkedFlow(config, config.flow, library));
  for (const std::string& file : files) {
    std::error_code ec;
    if (std::filesystem::equivalent(locateFlowFile(config.flow), file, ec)) continue;
    flows.push_back(checkedFlow(config, file, library));
  }
  return flows;
}

console::OperatorDeps operatorConsoleDeps(const Config& config, const Services& services) {
  token::KeyRing* ring = services.keyRing.get();
  return console::OperatorDeps{
      console::CustomersDeps{*services.customers, *services.credentials, services.pinHasher.get(),
                             *services.audit, *services.clock, config.pinLockout},
      // The outbox sender records no messages (the store exists but stays empty): say so.
      console::SmsDeps{config.sms.primary() == SmsProvider::kOutbox ? nullptr
                                                                    : services.smsMessages.get()},
      console::AuditDeps{config.auditLog,
                         [ring] {
                           audit::PublicKeys keys;
                           if (ring == nullptr) return keys;
                           for (const auto& k : ring->current()->keys()) {
                             keys[k.kid] =
                                 std::string(reinterpret_cast<const char*>(k.publicKey.data()),
                                             k.publicKey.size());
                           }
                           return keys;
                         }},
      console::FlowsDeps{consoleFlows(config), "dot", std::chrono::seconds(10)},
      console::MetricsDeps{&consoleMetricsSampler()},
  };
}

}  // namespace callgate::app
