#include "adapters/net/sip/server_transactions.h"

#include "adapters/net/sip/sip_message.h"

namespace callgate::sip {

std::string ServerTransactions::keyOf(const SipMessage& request, std::string_view method) {
  std::string key;
  std::string_view branch = request.viaBranch();
  key.reserve(96);
  if (branch.substr(0, 7) == "z9hG4bK") {
    key.append(branch);
  } else {  // RFC 2543 peer: match on the dialog identifiers and CSeq instead (17.2.3)
    key.append(request.callId()).append("\n").append(request.fromTag()).append("\n");
    key.append(std::to_string(request.cseq()));
  }
  key.append("\n").append(request.viaHost()).append(":").append(std::to_string(request.viaPort()));
  key.append("\n").append(method);
  return key;
}

ServerTransaction* ServerTransactions::find(const std::string& key) {
  auto it = table_.find(key);
  return it == table_.end() ? nullptr : it->second.get();
}

ServerTransaction& ServerTransactions::create(const std::string& key, const Peer& peer) {
  auto& slot = table_[key];
  slot = std::make_unique<ServerTransaction>();
  slot->peer = peer;
  return *slot;
}

void ServerTransactions::finish(const std::string& key, std::chrono::milliseconds linger) {
  expiries_.emplace_back(std::chrono::steady_clock::now() + linger, key);
}

void ServerTransactions::sweep(std::chrono::steady_clock::time_point now) {
  while (!expiries_.empty() && expiries_.front().first <= now) {
    table_.erase(expiries_.front().second);
    expiries_.pop_front();
  }
}

}  // namespace callgate::sip
