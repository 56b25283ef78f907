// Private to src/adapters/sip: the state of one incoming call's dialog (RFC 3261 12, 13.3) as the
// ServerCore keeps it. Owned by ServerCore's dialog map (shared_ptr so timer handlers can hold a
// weak reference). Thread-safety: SIP thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adapters/net/sip/media_types.h"
#include "adapters/net/sip/peer.h"
#include "adapters/net/sip/retransmitter.h"
#include "adapters/net/sip/sip_message.h"

namespace callgate::sip {

enum class DialogState {
  kEarly,      // INVITE received, 200 not sent yet
  kAnswering,  // 200 sent, waiting for the ACK
  kConfirmed,  // ACK received
  kEnded,      // over; lingering so late retransmissions get 481, then erased
};

struct Dialog {
  explicit Dialog(boost::asio::io_context& io) : timer(io) {}

  std::string key;  // callId + '\n' + localTag
  std::string callId, localTag;
  std::string remoteTag;  // the INVITE's From tag: with callId and localTag, the dialog's ID
  DialogState state = DialogState::kEarly;
  SipMessage invite;  // the initial INVITE, top Via stamped
  std::string inviteTxnKey;
  Peer peer;                 // where the INVITE came from (and its TCP connection)
  std::string localUri;      // our From in requests we send (the INVITE's To + our tag)
  std::string remoteUri;     // our To in requests we send (the INVITE's From)
  std::string remoteTarget;  // the peer's Contact URI
  std::vector<std::string> routeSet;
  uint32_t localCseq = 0;
  uint32_t remoteCseq = 0;

  NegotiatedMedia media;
  std::string localAddress;
  uint16_t localPort = 0;
  uint64_t sdpSessionId = 0, sdpVersion = 0;

  bool accepted = false;  // the handler answered 200: onCallEnded is owed
  bool endReported = false;
  bool hangupPending = false;  // hangup() while the 200 waits for its ACK
  bool transferred = false;    // a transfer succeeded: later ends report kTransferred

  // The 2xx (initial or re-INVITE) waiting for its ACK.
  uint32_t ackCseq = 0;
  Retransmitter okRetransmit;

  enum class Refer { kNone, kSent, kAccepted } refer = Refer::kNone;

  boost::asio::steady_timer timer;  // answer delay, then linger after the end
};

}  // namespace callgate::sip
