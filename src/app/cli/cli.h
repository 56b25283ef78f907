// The command line: `callgate serve | customers | call | flow | keys | backup`. Parses flags with
// CLI11, loads the TOML config, and dispatches to the subcommands. Returns the process exit code.
#pragma once

namespace callgate::app {

int runCli(int argc, char** argv);

}  // namespace callgate::app
