// The SIP layer's contract with the per-call runtime: what a new INVITE
// carries (IncomingCall), the runtime's answer (Acceptance), a handle to act on a dialog (CallLeg:
// hang up, transfer by REFER) and the callbacks the SIP layer makes (CallHandler).
// Ownership: SipServer creates one CallLeg per INVITE and hands a shared_ptr to the handler; the
// leg may outlive the dialog and the server (its methods then do nothing).
// Thread-safety: CallLeg methods may be called from any thread (they post to the SIP thread);
// CallHandler methods are all invoked on the SIP thread and must not block.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/net/sip/media_types.h"

namespace callgate::sip {

struct IncomingCall {
  // The dialog's key (Call-ID and our tag): unique among the calls in progress, it names this
  // call in every later CallHandler callback. Calls may share a Call-ID (each INVITE with its
  // own From tag is a call of its own), so the Call-ID alone does not tell them apart.
  std::string key;
  std::string callId;            // Call-ID
  std::string callerUser;        // user part of P-Asserted-Identity's URI, else From's; raw text
  std::string dialledUser;       // user part of the Request-URI
  std::string identityHeader;    // full value of the Identity header, "" if none
  std::string assertedIdentity;  // full value of P-Asserted-Identity, "" if none
  std::string fromHeader;        // full value of From
  std::string sourceAddress;     // IP the INVITE came from
  Transport transport = Transport::kUdp;
  NegotiatedMedia media;
};

struct Acceptance {
  int status = 200;          // 200 = answer; else reject with this code (300..699)
  std::string localAddress;  // for SDP c= (200 only); "" = the advertised address
  uint16_t localPort = 0;    // our RTP port (200 only)
  int retryAfter = 0;        // seconds, sent as Retry-After with a rejection (e.g. 503); 0 = none
};

struct TransferOutcome {
  bool succeeded = false;  // NOTIFY sipfrag 2xx
  int status =
      0;  // REFER's final status if refused (403/405/501, 408 on timeout), else the sipfrag status
};

// kTransferred: the call ended (either side) after a successful transfer outcome.
// kTimeout: the peer stopped answering our in-dialog requests (BYE excepted) or answered 481/408.
enum class EndReason {
  kCallerHungUp,
  kWeHungUp,
  kCancelled,
  kAckTimeout,
  kTransferred,
  kTimeout,
  kShutdown
};

class CallLeg {
 public:
  virtual ~CallLeg() = default;
  virtual const std::string& callId() const = 0;
  // BYE (retransmitted over UDP until answered or 64*T1); onCallEnded(kWeHungUp) follows at once.
  // Before the 200 is sent the INVITE is rejected with 480 instead; while the 200 awaits its ACK,
  // the BYE waits for the ACK (or the ACK timeout).
  virtual void hangup() = 0;
  // REFER to `target` (a SIP URI) with Refer-To: <target?H1=v1&H2=v2> (%-escaped per RFC 3261
  // 19.1.1) and the same headers as header fields of the REFER; Referred-By: our URI. Outcome via
  // CallHandler::onTransferOutcome (exactly one per refer()). Refused locally with 400 for a bad
  // target or a header containing CR/LF, 491 while another REFER is pending or before the call is
  // confirmed. The runtime decides whether to hang up after a successful transfer.
  virtual void refer(const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers) = 0;
};

// Every callback after onIncomingCall names the call by IncomingCall::key.
class CallHandler {
 public:
  virtual ~CallHandler() = default;
  virtual Acceptance onIncomingCall(const IncomingCall& call, std::shared_ptr<CallLeg> leg) = 0;
  virtual void onCallConfirmed(const std::string& key) = 0;  // ACK for our 200 arrived
  virtual void onMediaChanged(const std::string& key, const NegotiatedMedia& media) = 0;
  virtual void onTransferOutcome(const std::string& key, const TransferOutcome& outcome) = 0;
  // Exactly once per accepted call (Acceptance.status 200), never for rejected ones.
  virtual void onCallEnded(const std::string& key, EndReason reason) = 0;
  // The status an out-of-dialog OPTIONS gets: a dispatcher probes with it to decide whether to
  // send this node calls, so a node that is not ready (or is draining) answers 503.
  virtual int optionsStatus() { return 200; }
};

}  // namespace callgate::sip
