#include "adapters/platform/audit/jsonl_audit_log.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "adapters/platform/audit/audit_chain.h"
#include "adapters/security/token/base64url.h"

namespace callgate {
namespace {

std::string dumpLine(const nlohmann::ordered_json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

audit::ChainHead headOf(const AppendFile::Tail& tail) {
  return audit::chainHeadAfter(std::vector<std::string_view>(tail.lines.begin(), tail.lines.end()));
}

}  // namespace

Result<std::string> JsonlAuditLog::checkpointLine(int64_t seq, const std::string& chain) const {
  if (!keys_) return Error::failedPrecondition("audit log: no signing key for checkpoints");
  const std::shared_ptr<const token::KeySet> keys = keys_();
  if (!keys) return Error::failedPrecondition("audit log: no signing key for checkpoints");
  const token::Ed25519Key& key = keys->signingKey();
  const std::string at = formatRfc3339(clock_.now());
  const std::string input = audit::checkpointSigningInput(seq, chain, at, key.kid);
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), key.secretKey.data());
  nlohmann::ordered_json line;
  line["at"] = at;
  line["event"] = audit::kCheckpointEvent;
  line["seq"] = seq;
  line["prev"] = chain;
  line["chain"] = chain;
  line["kid"] = key.kid;
  line["sig"] = token::base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(signature), sizeof signature));
  // The operational log usually lands elsewhere (the journal): a second copy of each checkpoint
  // there shows how far the file reached, which a truncated file can no longer show itself.
  spdlog::info("event=audit_checkpoint seq={} chain={} kid={}", seq, chain, key.kid);
  return dumpLine(line);
}

void JsonlAuditLog::record(std::string_view event,
                           const std::vector<std::pair<std::string, std::string>>& fields) {
  const std::string at = formatRfc3339(clock_.now());
  auto s = file_.appendAfterTail([&](const AppendFile::Tail& tail) -> Result<std::string> {
    const audit::ChainHead head = headOf(tail);
    const int64_t seq = head.seq + 1;
    nlohmann::ordered_json line;
    line["at"] = at;
    line["event"] = event;
    line["seq"] = seq;
    line["prev"] = head.hash;
    // A field may not replace the chain's own: it is kept under another name.
    for (const auto& [k, v] : fields) line[line.contains(k) ? "field_" + k : k] = v;
    std::string out = dumpLine(line);
    if (keys_ && checkpointEvery_ > 0 && seq % checkpointEvery_ == 0) {
      auto cp = checkpointLine(seq + 1, audit::sha256Hex(out));
      if (cp.ok()) {
        out += '\n';
        out += *cp;
      } else {
        spdlog::error("event=audit_checkpoint_failed error=\"{}\"", cp.error().message());
      }
    }
    return out;
  });
  if (!s.ok()) spdlog::error("event=audit_write_failed error=\"{}\"", s.error().message());
  // Audit events also reach the operational log, for one place to watch.
  spdlog::info("event=audit audit_event={}", event);
}

Status JsonlAuditLog::checkpoint() {
  if (!keys_) return Error::failedPrecondition("audit log: no signing key for checkpoints");
  return file_.appendAfterTail([&](const AppendFile::Tail& tail) -> Result<std::string> {
    const audit::ChainHead head = headOf(tail);
    if (head.seq == 0 || head.lastIsCheckpoint) return std::string();
    return checkpointLine(head.seq + 1, head.hash);
  });
}

}  // namespace callgate
