// What `serve` gives the console's operator pages (channels/console/operator_routes.h): the
// stores and services of `services`, the audit log and its verification keys, and the flows
// found in the config, each checked as `callgate flow check` checks it and turned into DOT.
#pragma once

#include "app/config/config.h"
#include "app/wiring/wiring.h"
#include "channels/console/operator_routes.h"

namespace callgate::app {

// Borrows `services` (which must outlive the routes built from the result).
console::OperatorDeps operatorConsoleDeps(const Config& config, const Services& services);

// The metrics sampler of the console's charts: every 10 s, the last hour; started on first use.
const console::MetricsSampler& consoleMetricsSampler();

// [flows] flow and every *.json of [flows] dir: check results and DOT, for the flows page.
std::vector<console::FlowEntry> consoleFlows(const Config& config);

}  // namespace callgate::app
