#include "app/cli/start_summary.h"

#include <spdlog/spdlog.h>

#include <set>

#include "app/wiring/wiring.h"

namespace callgate::app {

namespace {

size_t voiceFlowCount(const Config& config) {
  // By located path, as the channels load them: "flows/x.json" and its absolute form are one.
  std::set<std::string> files;
  const auto add = [&files](const std::string& name) { files.insert(locateFlowFile(name)); };
  if (config.twilioVoice.isEnabled()) {
    add(config.flow);
    for (const auto& [number, flow] : config.twilioVoice.numbers) add(flow);
  }
  if (config.sip.isEnabled()) {
    add(config.sip.defaultFlow.empty() ? config.flow : config.sip.defaultFlow);
    for (const auto& [number, flow] : config.sip.numbers) add(flow);
  }
  return files.size();
}

}  // namespace

std::string startContents(const Config& config, CustomerStore& customers) {
  std::string count = "unknown";
  auto n = customers.countUpTo(kStartCustomerCountLimit);
  if (!n.ok()) {
    spdlog::warn("event=customer_count_failed error=\"{}\"", n.error().message());
  } else if (*n >= kStartCustomerCountLimit) {
    count = std::to_string(kStartCustomerCountLimit) + "+";
  } else {
    count = std::to_string(*n);
    if (*n == 0) {
      spdlog::warn(
          "event=no_customers hint=\"the customer store is empty: only unknown callers (SMS PIN) "
          "can be served; add customers with callgate customers import FILE\"");
    }
  }
  return "customers=" + count + " flows=" + std::to_string(voiceFlowCount(config));
}

}  // namespace callgate::app
