// Private to src/adapters/sip: the server transactions of RFC 3261 17.2, reduced to what a UAS
// needs: remember the last response sent for each request (keyed by Via branch, sent-by and
// method) so retransmitted requests are absorbed by resending it, retransmit non-2xx finals to
// INVITE over UDP until the ACK (Timer G/H), and forget each transaction 64*T1 after its final
// response (Timer J/I). Expiry uses one ordered queue swept periodically, not a timer each.
// Thread-safety: SIP thread only.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include "adapters/net/sip/peer.h"
#include "adapters/net/sip/retransmitter.h"

namespace callgate::sip {

class SipMessage;

struct ServerTransaction {
  Peer peer;  // where responses go
  std::shared_ptr<const std::string> lastResponse;
  int lastStatus = 0;
  std::string dialogKey;          // INVITE: the dialog it created, "" if none
  Retransmitter finalRetransmit;  // INVITE non-2xx over UDP, until ACK
};

class ServerTransactions {
 public:
  // The key of `request`'s transaction; `method` overrides its own (ACK/CANCEL -> "INVITE").
  static std::string keyOf(const SipMessage& request, std::string_view method);

  ServerTransaction* find(const std::string& key);
  ServerTransaction& create(const std::string& key, const Peer& peer);
  // The final response was sent: forget the transaction after `linger`.
  void finish(const std::string& key, std::chrono::milliseconds linger);
  void sweep(std::chrono::steady_clock::time_point now);
  size_t size() const { return table_.size(); }

 private:
  std::unordered_map<std::string, std::unique_ptr<ServerTransaction>> table_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> expiries_;
};

}  // namespace callgate::sip
