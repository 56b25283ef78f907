#include "channels/console/audit_routes.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "channels/console/console_page.h"
#include "channels/console/operator_html.h"
#include "channels/web/html_template.h"

namespace callgate::console {

namespace {

using web::escapeHtml;

int pageFrom(const http::Params& params) {
  const std::string text = queryParam(params, "page");
  int n = 1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1) return 1;
  return n;
}

std::string scalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

// One record's fields other than the chain's own (seq, prev, at, event, and a checkpoint's
// chain and signature), as "name=value" pairs.
std::string detailsOf(const nlohmann::json& record) {
  std::string out;
  for (const auto& [key, value] : record.items()) {
    if (key == "seq" || key == "prev" || key == "at" || key == "event" || key == "chain" ||
        key == "sig") {
      continue;
    }
    if (!out.empty()) out += " ";
    out += "<span class=\"kv\"><span class=\"k\">" + escapeHtml(key) +
           "</span>=" + escapeHtml(scalarText(value)) + "</span>";
  }
  return out;
}

std::string verdictHtml(const audit::VerifyReport& report) {
  if (!report.ok) {
    return "<p class=\"notice error\" role=\"alert\" id=\"chain\"><span class=\"badge bad\">Chain "
           "broken</span> " +
           escapeHtml(audit::formatReport(report)) + "</p>\n";
  }
  std::string text = std::to_string(report.records) + " records, " +
                     std::to_string(report.checkpoints) + " signed checkpoints";
  if (report.checkpoints > 0) {
    text += ", the last at seq " + std::to_string(report.lastCheckpointSeq);
  }
  if (report.uncovered > 0) {
    text += "; " + std::to_string(report.uncovered) +
            " newer records are chained but not yet covered by a signature";
  }
  return "<p class=\"notice ok\" id=\"chain\"><span class=\"badge ok\">Chain verifies</span> " +
         escapeHtml(text) + ".</p>\n";
}

http::Response auditPage(const AuditDeps& deps, const StaffPrincipal& viewer, int page) {
  std::ifstream in(deps.path, std::ios::binary);
  if (!in) {
    return consolePage(viewer, "Audit log", "audit",
                       "<p id=\"no-audit\">No audit log has been written yet (" +
                           escapeHtml(deps.path) + ").</p>");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  const audit::VerifyReport report =
      audit::verifyChain(content, deps.keys ? deps.keys() : audit::PublicKeys{});
  if (!report.ok) {
    spdlog::warn("event=console_audit_chain_failed line={} seq={}", report.badLine, report.badSeq);
  }

  // Newest first: walk the lines from the end, keep the JSON objects (torn fragments are no
  // record), and skip whole pages.
  std::vector<nlohmann::json> shown;
  const size_t skip = static_cast<size_t>(page - 1) * kAuditPageSize;
  size_t seen = 0;
  bool more = false;
  size_t end = content.size();
  while (end > 0) {
    size_t start = content.rfind('\n', end - 1);
    start = start == std::string::npos ? 0 : start + 1;
    std::string_view line(content.data() + start, end - start);
    end = start == 0 ? 0 : start - 1;
    if (line.empty()) continue;
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) continue;
    if (seen++ < skip) continue;
    if (shown.size() == static_cast<size_t>(kAuditPageSize)) {
      more = true;
      break;
    }
    shown.push_back(std::move(record));
  }

  std::string body = verdictHtml(report);
  if (shown.empty()) {
    body += "<p id=\"no-records\">No records on this page.</p>";
  } else {
    body += tableWrapOpen("Audit records") + "<table id=\"audit\"><caption>Page " +
            std::to_string(page) +
            ", newest first</caption><thead><tr><th scope=\"col\">Seq</th><th "
            "scope=\"col\">Time</th><th scope=\"col\">Event</th><th "
            "scope=\"col\">Details</th></tr></thead><tbody>\n";
    for (const nlohmann::json& r : shown) {
      body += "<tr><td>" + escapeHtml(r.contains("seq") ? scalarText(r["seq"]) : "") + "</td><td>" +
              escapeHtml(r.contains("at") ? scalarText(r["at"]) : "") + "</td><td><code>" +
              escapeHtml(r.contains("event") ? scalarText(r["event"]) : "") + "</code></td><td>" +
              detailsOf(r) + "</td></tr>\n";
    }
    body += "</tbody></table></div>\n";
  }
  body += "<nav aria-label=\"Audit pages\" class=\"pager\">";
  if (page > 1) {
    body +=
        "<a href=\"/console/audit?page=" + std::to_string(page - 1) + "\" rel=\"prev\">Newer</a> ";
  }
  if (more) {
    body +=
        "<a href=\"/console/audit?page=" + std::to_string(page + 1) + "\" rel=\"next\">Older</a>";
  }
  body += "</nav>";
  return consolePage(viewer, "Audit log", "audit", body);
}

}  // namespace

void addAuditRoutes(http::Router& router, const ConsoleGuard& guard, const AuditDeps& deps) {
  addGuarded(router, guard, "GET", "/console/audit", StaffRole::kSupervisor,
             [deps](const http::Request& request, const StaffPrincipal& viewer) {
               return auditPage(deps, viewer, pageFrom(queryParams(request)));
             });
}

}  // namespace callgate::console
