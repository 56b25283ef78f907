// The console's flow pages (supervisor+): every flow the server loaded ([flows] flow and the
// files of [flows] dir) with what `callgate flow check` says about it, and its diagram: the
// flow's DOT (core/flow/dot.h) drawn as SVG by Graphviz (adapters/platform/graphviz), served as
// image/svg+xml for an <img>, where nothing in it can run.
//
//   GET /console/flows                    the list, check results and diagrams
//   GET /console/flows/{n}/diagram.svg    flow n's diagram, drawn on first request and cached
//
// The list is what app/ found at start; a reload (SIGHUP) of the voice channels does not change
// it until the next start.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "adapters/net/http/router.h"
#include "channels/console/console_guard.h"

namespace callgate::console {

struct FlowEntry {
  std::string name;                   // the flow's name (or its file name)
  std::string file;                   // as configured
  std::vector<std::string> problems;  // check errors: empty when the flow loads and checks out
  std::vector<std::string> warnings;  // Flow::warnings()
  std::string summary;                // "N actions, starts at 'X'"
  std::string dot;                    // toDot() of the loaded flow; "" when it did not load
};

struct FlowsDeps {
  std::vector<FlowEntry> flows;
  std::string dotProgram = "dot";
  std::chrono::milliseconds dotTimeout{10'000};
};

void addFlowRoutes(http::Router& router, const ConsoleGuard& guard, FlowsDeps deps);

}  // namespace callgate::console
