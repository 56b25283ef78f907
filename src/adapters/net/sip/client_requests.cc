// ServerCore: requests we send inside a dialog (BYE, REFER) as RFC 3261 non-INVITE client
// transactions (Timer E/F), their responses, and the REFER outcome (RFC 3515).
#include <spdlog/spdlog.h>

#include "adapters/net/sip/server_core.h"
#include "common/log_value.h"

namespace callgate::sip {

namespace asio = boost::asio;

bool ServerCore::sendRequest(Dialog& d, std::string_view method, const HeaderList& headers) {
  auto built = SipMessage::request(method, d.remoteTarget);
  if (!built.ok()) {
    spdlog::warn("event=sip_request_failed call_id={} method={} error=\"bad remote target\"",
                 logValue(d.callId), method);
    return false;
  }
  SipMessage& r = built.value();
  const Peer to = requestDestination(d);
  const std::string branch = "z9hG4bK" + randomToken(16);
  const char* proto = to.transport == Transport::kTcp ? "TCP" : "UDP";
  std::string via = std::string("SIP/2.0/") + proto + " " + advertised_ + ":" +
                    std::to_string(port_) + ";branch=" + branch + ";rport";
  bool ok =
      r.setParsedHeader("Via", via).ok() && r.setParsedHeader("From", d.localUri).ok() &&
      r.setParsedHeader("To", d.remoteUri).ok() && r.setParsedHeader("Call-ID", d.callId).ok() &&
      r.setParsedHeader("CSeq", std::to_string(++d.localCseq) + " " + std::string(method)).ok() &&
      r.setParsedHeader("Contact", contactFor(to.transport)).ok();
  for (const auto& route : d.routeSet) ok = ok && r.setParsedHeader("Route", route).ok();
  if (!ok) {
    spdlog::warn("event=sip_request_failed call_id={} method={} error=\"bad header\"",
                 logValue(d.callId), method);
    return false;
  }
  r.addHeader("Max-Forwards", "70");
  for (const auto& [name, value] : headers) r.addHeader(name, value);
  r.addHeader("User-Agent", options_.userAgent);
  auto bytes = std::make_shared<const std::string>(r.toString());
  if (bytes->empty()) return false;
  sendTo(to, *bytes);
  auto txn = std::make_unique<ClientTransaction>();
  txn->dialogKey = d.key;
  txn->method = std::string(method);
  txn->retransmit.start(
      io_, timing(), to.transport == Transport::kUdp, [this, to, bytes] { sendTo(to, *bytes); },
      [this, branch] { onClientTimeout(branch); });
  clientTxns_[branch] = std::move(txn);
  return true;
}

void ServerCore::sendBye(Dialog& d) { (void)sendRequest(d, "BYE", {}); }

Peer ServerCore::requestDestination(const Dialog& d) const {
  if (d.peer.transport == Transport::kTcp) return d.peer;  // back on the INVITE's connection
  // UDP: the first (loose) route, else the remote target, when it names an IP address.
  std::string host;
  uint16_t port = 0;
  const std::string& uri = d.routeSet.empty() ? d.remoteTarget : d.routeSet.front();
  if (uriHostPort(uri, &host, &port)) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (!ec) {
      Peer to;
      to.address = address;
      to.port = port == 0 ? 5060 : port;
      return to;
    }
  }
  return d.peer;  // a host name: we do not resolve on the SIP thread; reply to the source
}

void ServerCore::onResponse(const SipMessage& resp) {
  auto it = clientTxns_.find(std::string(resp.viaBranch()));
  if (it == clientTxns_.end() || it->second->method != resp.cseqMethod()) return;
  if (resp.status() < 200) return;  // keep retransmitting (interval capped at T2)
  std::unique_ptr<ClientTransaction> txn = std::move(it->second);
  clientTxns_.erase(it);
  txn->retransmit.stop();
  if (txn->method != "REFER") return;
  auto d = dialogs_.find(txn->dialogKey);
  if (d == dialogs_.end() || d->second->refer != Dialog::Refer::kSent) return;
  const int status = resp.status();
  if (status < 300) {
    d->second->refer = Dialog::Refer::kAccepted;  // now wait for the NOTIFYs
    return;
  }
  finishTransfer(*d->second, {.succeeded = false, .status = status});
  if (status == 481) endDialog(*d->second, EndReason::kTimeout);  // the dialog is gone over there
}

void ServerCore::onClientTimeout(const std::string& branch) {
  auto it = clientTxns_.find(branch);
  if (it == clientTxns_.end()) return;
  std::unique_ptr<ClientTransaction> txn = std::move(it->second);
  clientTxns_.erase(it);
  spdlog::info("event=sip_request_timeout method={}", txn->method);
  if (txn->method != "REFER") return;
  auto d = dialogs_.find(txn->dialogKey);
  if (d != dialogs_.end() && d->second->refer == Dialog::Refer::kSent) {
    finishTransfer(*d->second, {.succeeded = false, .status = 408});
  }
}

void ServerCore::finishTransfer(Dialog& d, TransferOutcome outcome) {
  if (d.refer == Dialog::Refer::kNone) return;
  d.refer = Dialog::Refer::kNone;
  if (outcome.succeeded) d.transferred = true;
  spdlog::info("event=sip_transfer_outcome call_id={} succeeded={} status={}", logValue(d.callId),
               outcome.succeeded, outcome.status);
  handler_.onTransferOutcome(d.key, outcome);
}

}  // namespace callgate::sip
