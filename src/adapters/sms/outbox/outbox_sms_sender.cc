#include "adapters/sms/outbox/outbox_sms_sender.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "common/metrics_catalog.h"

namespace callgate {

OutboxSmsSender::OutboxSmsSender(std::string path, const Clock& clock)
    : file_(std::move(path), "sms outbox", 0600), clock_(clock) {}  // 0600: it holds live codes

Status OutboxSmsSender::send(const SmsMessage& message) {
  // ordered_json keeps the documented key order (to, body, at), which is easier to read by eye.
  const nlohmann::ordered_json line = {
      {"to", message.to}, {"body", message.body}, {"at", formatRfc3339(clock_.now())}};
  // replace: a body with invalid UTF-8 still yields valid JSON instead of an exception.
  Status written =
      file_.appendLine(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  metrics::recordSms("outbox", written.ok());
  return written;
}

}  // namespace callgate
