#include "channels/console/flows_routes.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>
#include <mutex>
#include <optional>

#include "adapters/platform/graphviz/dot_renderer.h"
#include "channels/console/console_page.h"
#include "channels/console/operator_html.h"
#include "channels/web/html_template.h"

namespace callgate::console {

namespace {

using web::escapeHtml;

// Each flow's drawing, made once. A failure is cached too (dot missing or refusing the graph
// will not change while the server runs), so a page view never forks dot twice.
class DiagramCache {
 public:
  explicit DiagramCache(FlowsDeps deps) : deps_(std::move(deps)), svgs_(deps_.flows.size()) {}
  const FlowsDeps& deps() const { return deps_; }

  Result<std::string> svg(size_t index) {
    std::lock_guard lock(mu_);  // one dot at a time: a page of diagrams asks for all at once
    std::optional<Result<std::string>>& slot = svgs_[index];
    if (!slot) {
      const FlowEntry& flow = deps_.flows[index];
      if (flow.dot.empty()) {
        slot.emplace(Error::failedPrecondition("the flow did not load"));
      } else {
        graphviz::DotOptions options;
        options.program = deps_.dotProgram;
        options.timeout = deps_.dotTimeout;
        slot.emplace(graphviz::renderSvg(flow.dot, options));
        if (!slot->ok()) {
          spdlog::warn("event=console_flow_diagram_failed flow=\"{}\" error=\"{}\"", flow.name,
                       slot->error().message());
        }
      }
    }
    return *slot;
  }

 private:
  const FlowsDeps deps_;
  std::mutex mu_;
  std::vector<std::optional<Result<std::string>>> svgs_;  // guarded by mu_
};

std::string listItems(const std::vector<std::string>& lines) {
  std::string out = "<ul>";
  for (const std::string& line : lines) out += "<li>" + escapeHtml(line) + "</li>";
  return out + "</ul>";
}

http::Response flowsPage(const FlowsDeps& deps, const StaffPrincipal& viewer) {
  if (deps.flows.empty()) {
    return consolePage(viewer, "Flows", "flows", "<p id=\"no-flows\">No flow is configured.</p>");
  }
  std::string body =
      "<p>The flows this server loaded at start, checked as <code>callgate flow "
      "check</code> checks them.</p>\n";
  for (size_t i = 0; i < deps.flows.size(); ++i) {
    const FlowEntry& f = deps.flows[i];
    const std::string id = "flow-" + std::to_string(i);
    body += "<section class=\"flow\" id=\"" + id + "\" aria-labelledby=\"" + id +
            "-name\"><h2 id=\"" + id + "-name\">" + escapeHtml(f.name) + "</h2><p><code>" +
            escapeHtml(f.file) + "</code> ";
    if (f.problems.empty()) {
      body += "<span class=\"badge ok\">Checks out</span> " + escapeHtml(f.summary) + "</p>";
    } else {
      body += "<span class=\"badge bad\">" + std::to_string(f.problems.size()) +
              (f.problems.size() == 1 ? " problem" : " problems") + "</span></p>" +
              "<div class=\"problems\" role=\"alert\">" + listItems(f.problems) + "</div>";
    }
    if (!f.warnings.empty()) body += "<h3>Warnings</h3>" + listItems(f.warnings);
    if (!f.dot.empty()) {
      body +=
          "<figure class=\"diagram\"><img src=\"/console/flows/" + std::to_string(i) +
          "/diagram.svg\" alt=\"Diagram of the flow " + escapeHtml(f.name) +
          ": its actions and transitions\" loading=\"lazy\"><figcaption><a href=\"/console/flows/" +
          std::to_string(i) + "/diagram.svg\">Open the diagram</a></figcaption></figure>";
    }
    body += "</section>\n";
  }
  return consolePage(viewer, "Flows", "flows", body);
}

std::optional<size_t> indexFrom(const std::string& text, size_t size) {
  size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n >= size)
    return std::nullopt;
  return n;
}

}  // namespace

void addFlowRoutes(http::Router& router, const ConsoleGuard& guard, FlowsDeps deps) {
  auto cache = std::make_shared<DiagramCache>(std::move(deps));
  addGuarded(router, guard, "GET", "/console/flows", StaffRole::kSupervisor,
             [cache](const http::Request&, const StaffPrincipal& viewer) {
               return flowsPage(cache->deps(), viewer);
             });
  addGuarded(router, guard, "GET", "/console/flows/{n}/diagram.svg", StaffRole::kSupervisor,
             [cache](const http::Request& request, const StaffPrincipal&) {
               auto index = indexFrom(request.param("n"), cache->deps().flows.size());
               if (!index) return http::jsonError(404, "no such flow");
               auto svg = cache->svg(*index);
               if (!svg.ok()) return http::jsonError(503, "the diagram could not be drawn");
               http::Response r;
               r.contentType = "image/svg+xml";
               r.body = std::move(*svg);
               addConsoleSecurityHeaders(r);
               return r;
             });
}

}  // namespace callgate::console
