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
  auto flow = loadFlowFile(config.flow, config);
  if (!flow.ok()) {
    std::cerr << "callgate: " << flow.error().message() << "\n";
    return 2;
  }
  auto services = buildServices(config);
  if (!services.ok()) {
    std::cerr << "callgate: " << services.error().message() << "\n";
    return 1;
  }
  return runSimulatedCall(*flow, (*services)->functions, call, std::cin, std::cout);
}

int flowCheckCommand(const Config& config, const std::string& path) {
  auto flow = loadFlowFile(path, config);
  if (!flow.ok()) {
    std::cerr << "callgate: flow rejected: " << flow.error().message() << "\n";
    return 1;
  }
  for (const auto& w : (*flow)->warnings()) std::cerr << "warning: " << w << "\n";
  std::cout << "OK: " << path << " (" << (*flow)->blocks().size() << " actions, starts at '"
            << (*flow)->startBlock().id << "')\n";
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
