// Private to src/adapters/sip: the engine behind SipServer. Receives framed messages from the
// transports, absorbs retransmissions (ServerTransactions), runs each incoming call's dialog
// (Dialog), sends our in-dialog BYE/REFER as client transactions, and calls the CallHandler.
// Its member functions are split by concern over server_core.cc (dispatch, responses),
// invite_server.cc (INVITE/ACK/CANCEL), dialog_requests.cc (requests inside a dialog) and
// client_requests.cc (BYE, REFER, their responses). Ownership: SipServer holds it in a
// shared_ptr; CallLegs hold weak_ptrs. Thread-safety: everything runs on the SIP thread except
// open() (before the thread), requestStop() and activeCalls().
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "adapters/net/sip/call_handler.h"
#include "adapters/net/sip/dialog.h"
#include "adapters/net/sip/peer.h"
#include "adapters/net/sip/refer_text.h"
#include "adapters/net/sip/server_transactions.h"
#include "adapters/net/sip/sip_server.h"
#include "adapters/net/sip/tcp_transport.h"
#include "adapters/net/sip/udp_transport.h"

namespace callgate::sip {

struct ClientTransaction {
  std::string dialogKey;
  std::string method;
  Retransmitter retransmit;
};

class ServerCore final : public MessageSink, public std::enable_shared_from_this<ServerCore> {
 public:
  ServerCore(SipServerOptions options, CallHandler& handler);
  ~ServerCore() override;

  Result<uint16_t> open();  // binds UDP + TCP; before run()
  void run();               // the SIP thread's body; returns after shutdown
  void requestStop();       // any thread
  size_t activeCalls() const { return live_.load(std::memory_order_relaxed); }
  boost::asio::io_context& io() { return io_; }

  // CallLeg actions, on the SIP thread.
  void legHangup(const std::string& dialogKey);
  void legRefer(const std::string& dialogKey, const std::string& target, const HeaderList& headers);

  void onMessage(std::string_view bytes, const Peer& from) override;
  void onOversized(std::string_view head, const Peer& from) override;

 private:
  struct Extras {
    std::string_view toTag = {};
    std::string_view sdp = {};
    bool contact = false;
    bool allow = false;
    bool recordRoute = false;
    int retryAfter = 0;
  };

  // server_core.cc
  void onRequest(SipMessage& req, const Peer& from);
  Peer responseDestination(const SipMessage& req, const Peer& from) const;
  std::shared_ptr<const std::string> respond(const SipMessage& req, const Peer& dest, int status,
                                             const Extras& extras, const std::string& txnKey);
  void sendTo(const Peer& to, std::string_view bytes);
  void logMalformed(const Peer& from, std::string_view what);
  void scheduleSweep();
  void closeIdleTcp(std::chrono::steady_clock::time_point now);
  // The dialog of an in-dialog request or ACK (Call-ID, To tag = ours, From tag = the peer's).
  Dialog* findDialog(const SipMessage& req);
  // A dialog in progress that an initial INVITE with this Call-ID and From tag would merge with.
  bool hasLiveDialog(std::string_view callId, std::string_view remoteTag) const;
  static std::string liveKey(std::string_view callId, std::string_view remoteTag);
  Retransmitter::Timing timing() const { return {options_.t1, options_.t2}; }
  std::chrono::milliseconds linger() const { return 64 * options_.t1; }
  std::string contactFor(Transport t) const;

  // invite_server.cc
  void onInitialInvite(SipMessage& req, const Peer& dest, const std::string& txnKey);
  void rejectInvite(const SipMessage& req, const std::string& txnKey, int status,
                    std::string_view toTag, int retryAfter = 0);
  void sendOk(const std::string& dialogKey);
  void onAck(const SipMessage& req);
  void onCancel(const SipMessage& req, const Peer& dest, const std::string& txnKey);
  void onAckTimeout(const std::string& dialogKey);
  void startOkRetransmit(Dialog& d, const Peer& to, std::shared_ptr<const std::string> ok);

  // dialog_requests.cc
  void onInDialog(SipMessage& req, const Peer& dest, const std::string& txnKey);
  void onReInvite(Dialog& d, SipMessage& req, const Peer& dest, const std::string& txnKey);
  void onNotify(Dialog& d, const SipMessage& req, const Peer& dest, const std::string& txnKey);
  void endDialog(Dialog& d, EndReason reason);

  // client_requests.cc
  bool sendRequest(Dialog& d, std::string_view method, const HeaderList& headers);
  void sendBye(Dialog& d);
  Peer requestDestination(const Dialog& d) const;
  void onResponse(const SipMessage& resp);
  void onClientTimeout(const std::string& branch);
  void finishTransfer(Dialog& d, TransferOutcome outcome);
  void shutdown();
  void finishShutdown(std::chrono::steady_clock::time_point deadline);

  SipServerOptions options_;
  CallHandler& handler_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  UdpTransport udp_;
  TcpTransport tcp_;
  std::string advertised_;  // host for Via/Contact ([v6] bracketed)
  uint16_t port_ = 0;
  ServerTransactions txns_;
  std::unordered_map<std::string, std::shared_ptr<Dialog>> dialogs_;
  // liveKey() of every dialog not yet ended: hasLiveDialog() without a scan of every call.
  std::unordered_set<std::string> liveRemote_;
  std::unordered_map<std::string, std::unique_ptr<ClientTransaction>> clientTxns_;  // by branch
  std::atomic<size_t> live_{0};
  boost::asio::steady_timer sweepTimer_;
  boost::asio::steady_timer stopTimer_;
  bool closing_ = false;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> malformedLog_;
};

}  // namespace callgate::sip
