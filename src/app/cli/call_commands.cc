#include <unistd.h>

#include <iostream>

#include "app/cli/commands.h"
#include "app/wiring/wiring.h"
#include "core/flow/dot.h"
#include "core/phone.h"

namespace callgate::app {

int callCommand(const Config& config, const SimulatedCall& callIn) {
  SimulatedCall call = callIn;
  auto from = normalizeE164(call.from);
  if (!from.ok()) {
    std::cerr << "callgate: --from: " << from.error().message() << "\n";
    return 2;
  }
  call.from = *from;
  call.echoInput = !isatty(STDIN_FILENO);
  // Through the catalog, so a [flows] dir is loaded and TransferToFlow / InvokeFlowModule reach
  // it; the catalog (and so the library) lives until the call is over.
  auto catalog = loadFlowCatalog(config, config.flow, {});
  if (!catalog.ok()) {
    std::cerr << "callgate: " << catalog.error().message() << "\n";
    return 2;
  }
  std::shared_ptr<const flow::Flow> flow = catalog->forNumber(call.to);
  auto services = buildServices(config);
  if (!services.ok()) {
    std::cerr << "callgate: " << services.error().message() << "\n";
    return 1;
  }
  return runSimulatedCall(flow, (*services)->functions, call, std::cin, std::cout);
}

int flowCheckCommand(const Config& config, const std::string& path) {
  // Every error, not just the first: a flow exported from Connect is fixed in one go.
  std::vector<std::string> warnings;
  std::vector<std::string> summary;
  std::vector<std::string> problems = checkFlows(path, config, warnings, summary);
  for (const auto& p : problems) std::cerr << "callgate: flow rejected: " << p << "\n";
  if (!problems.empty()) return 1;
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& line : summary) std::cout << "OK: " << line << "\n";
  return 0;
}

int flowDiagramCommand(const Config& config, const std::string& path) {
  auto flow = loadFlowFile(path, config);
  if (!flow.ok()) {
    std::cerr << "callgate: flow rejected: " << flow.error().message() << "\n";
    return 1;
  }
  std::cout << flow::toDot(**flow);
  return 0;
}

}  // namespace callgate::app
