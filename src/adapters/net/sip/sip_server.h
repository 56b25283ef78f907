// callgate's SIP user-agent server: UDP and TCP on one port (Boost.Asio), RFC 3261 transactions
// and dialogs for incoming calls, in-dialog BYE/REFER from our side. The CallHandler decides each
// call; CallLegs act on dialogs. Behaviour and limits: docs/SIP.md "Signalling".
// Ownership: the server owns its io_context, its one SIP thread, sockets and dialogs; `handler`
// must outlive it. Threads: start()/stop()/destructor from a thread other than the SIP thread
// (e.g. main); all handler callbacks run on the SIP thread; activeCalls() from anywhere.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/net/sip/call_handler.h"
#include "common/result.h"

namespace callgate::sip {

struct SipServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5060;           // 0 = ephemeral; UDP and TCP share the port
  std::string advertisedAddress;  // Contact / Via host; "" = host
  int maxCalls = 1000;            // INVITE beyond it -> 503 with Retry-After (live dialogs count)
  enum class Provisional { kNone, k180, k183 } provisional = Provisional::k180;  // 183 carries SDP
  std::chrono::milliseconds t1{500}, t2{4000};  // RFC 3261 timers (tests may shorten)
  size_t maxMessageBytes = 16 * 1024;           // larger -> dropped (UDP) / 413 then close (TCP)
  std::string userAgent = "callgate";
  // Ring time: delay between the provisional response and the 200 of an accepted call (a CANCEL
  // in that window gets 487). 0 = answer at once.
  std::chrono::milliseconds answerDelay{0};
  size_t maxTcpConnections = 4096;  // beyond it new TCP connections are closed at once
  // Open TCP connections one peer address may hold (0 = no cap); beyond it, closed at once.
  size_t maxTcpConnectionsPerAddress = 64;
  // A TCP connection that has carried nothing (not even a CRLF keep-alive) for this long is
  // closed, unless a call in progress still needs it for our in-dialog requests. 0 = never.
  std::chrono::milliseconds tcpIdleTimeout{std::chrono::seconds(120)};
  // How long stop() waits at most for the answers to its BYEs (never longer than 64*T1, when
  // the BYE transactions time out anyway). Tests whose peers are gone may shorten it.
  std::chrono::milliseconds stopGrace{2000};
};

class SipServer {
 public:
  SipServer(SipServerOptions options, CallHandler& handler);
  ~SipServer();  // stop()
  SipServer(const SipServer&) = delete;
  SipServer& operator=(const SipServer&) = delete;

  // Binds UDP and TCP on the same port and starts the SIP thread. Returns the port; kUnavailable
  // when it cannot bind, kInvalidArgument for a bad host, kFailedPrecondition if started twice.
  Result<uint16_t> start();
  // BYE to every confirmed call and 480 to calls not answered yet (onCallEnded(kShutdown) for
  // each accepted call), waits briefly for the BYEs to be answered, then stops. Idempotent.
  void stop();
  size_t activeCalls() const;  // dialogs not yet ended; thread-safe

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace callgate::sip
