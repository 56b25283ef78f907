// The subcommands behind the CLI. Each returns the process exit code: 0 success, 1 the
// operation failed (reason on stderr), 2 bad usage or configuration.
#pragma once

#include <string>

#include "app/config.h"
#include "app/simulator.h"

namespace callgate::app {

int serveCommand(const Config& config);

struct NewCustomer {
  std::string phone, firstName, lastName, level, language;
};
int customersAddCommand(const Config& config, const NewCustomer& customer);
int customersImportCommand(const Config& config, const std::string& csvPath);
int customersShowCommand(const Config& config, const std::string& phone);

int callCommand(const Config& config, const SimulatedCall& call);

int flowCheckCommand(const Config& config, const std::string& path);
int flowDiagramCommand(const Config& config, const std::string& path);

// The JWT signing keys in config.tokens.keyFile.
int keysRotateCommand(const Config& config);
int keysListCommand(const Config& config);

}  // namespace callgate::app
