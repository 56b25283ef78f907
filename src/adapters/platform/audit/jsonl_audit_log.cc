#include "adapters/platform/audit/jsonl_audit_log.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace callgate {

void JsonlAuditLog::record(std::string_view event,
                           const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::ordered_json line;
  line["at"] = formatRfc3339(clock_.now());
  line["event"] = event;
  for (const auto& [k, v] : fields) line[k] = v;
  auto s = file_.appendLine(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!s.ok()) spdlog::error("event=audit_write_failed error=\"{}\"", s.error().message());
  // Audit events also reach the operational log, for one place to watch.
  spdlog::info("event=audit audit_event={}", event);
}

}  // namespace callgate
