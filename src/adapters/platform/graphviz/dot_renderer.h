// Draws Graphviz DOT text (core/flow/dot.h) as SVG by running Graphviz's `dot -Tsvg` as a child
// process (Debian's graphviz package).
//
// Why the program and not libgvc in-process: a flow file is operator input, and a layout that
// crashes or runs away (Graphviz has had both) must not take the call server down with it; a
// child process can be killed at a deadline and its memory is its own. libgvc's context is also
// process-global state we would have to serialise. The cost, a fork per diagram, is paid once per
// flow: the console renders each flow once and caches the SVG.
//
// Thread-safe (no shared state); blocks until dot exits or the timeout: call it off the io thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate::graphviz {

struct DotOptions {
  std::string program = "dot";  // looked up on PATH unless it holds a '/'
  std::chrono::milliseconds timeout{10'000};
  size_t maxOutputBytes = 8 * 1024 * 1024;
};

// The SVG document dot draws from `dot`. kUnavailable when the program cannot be started
// (graphviz not installed), is killed at the timeout or writes more than maxOutputBytes;
// kInvalidArgument when dot rejects the input (its first error line in the message).
Result<std::string> renderSvg(std::string_view dot, const DotOptions& options = {});

}  // namespace callgate::graphviz
