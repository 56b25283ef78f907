// ServerCore: requests inside an existing dialog (RFC 3261 12.2.2, 14.2, 15.1.2) and the end of
// a dialog.
#include <spdlog/spdlog.h>

#include "adapters/net/sip/sdp.h"
#include "adapters/net/sip/server_core.h"

namespace callgate::sip {

void ServerCore::onInDialog(SipMessage& req, const Peer& dest, const std::string& txnKey) {
  Dialog* d = findDialog(req);
  if (d == nullptr || d->state == DialogState::kEnded) {
    respond(req, dest, 481, {}, txnKey);
    return;
  }
  if (req.cseq() <= d->remoteCseq) {  // out of order (retransmissions were absorbed earlier)
    if (req.method() == "INVITE") {
      rejectInvite(req, txnKey, 500, d->localTag);
    } else {
      respond(req, dest, 500, {}, txnKey);
    }
    return;
  }
  d->remoteCseq = req.cseq();
  // Over TCP, send later requests on the connection the peer uses now (it may have reconnected).
  if (dest.transport == Transport::kTcp) d->peer = dest;
  const std::string_view method = req.method();
  if (method == "BYE") {
    respond(req, dest, 200, {}, txnKey);
    if (d->state == DialogState::kEarly) rejectInvite(d->invite, d->inviteTxnKey, 487, d->localTag);
    endDialog(*d, EndReason::kCallerHungUp);
  } else if (method == "INVITE") {
    onReInvite(*d, req, dest, txnKey);
  } else if (method == "NOTIFY") {
    onNotify(*d, req, dest, txnKey);
  } else {  // INFO: DTMF travels in RTP; accept and ignore the body
    respond(req, dest, 200, {}, txnKey);
  }
}

void ServerCore::onReInvite(Dialog& d, SipMessage& req, const Peer& dest,
                            const std::string& txnKey) {
  if (d.state != DialogState::kConfirmed || d.okRetransmit.active()) {
    rejectInvite(req, txnKey, 500, d.localTag, 1);  // 14.2: an INVITE is still in progress
    return;
  }
  if (req.body().empty() || !req.bodyIsSdp()) {
    rejectInvite(req, txnKey, 488, d.localTag);
    return;
  }
  auto media = negotiate(req.body());
  if (!media.ok()) {
    rejectInvite(req, txnKey, sdpErrorStatus(media.error()), d.localTag);
    return;
  }
  d.media = *media;
  ++d.sdpVersion;
  if (std::string contact = req.contactUri(); !contact.empty()) d.remoteTarget = contact;
  const std::string sdp =
      buildAnswer(d.media, d.localAddress, d.localPort, d.sdpVersion, d.sdpSessionId);
  auto ok = respond(req, dest, 200, {.sdp = sdp, .contact = true, .allow = true}, txnKey);
  d.ackCseq = req.cseq();
  startOkRetransmit(d, dest, std::move(ok));
  handler_.onMediaChanged(d.key, d.media);
}

void ServerCore::onNotify(Dialog& d, const SipMessage& req, const Peer& dest,
                          const std::string& txnKey) {
  if (d.refer == Dialog::Refer::kNone) {  // no subscription of ours in this dialog
    respond(req, dest, 481, {}, txnKey);
    return;
  }
  respond(req, dest, 200, {}, txnKey);
  const int status = sipfragStatus(req.body());
  if (status >= 200 || subscriptionTerminated(req.header("subscription-state"))) {
    finishTransfer(d, {.succeeded = status >= 200 && status < 300, .status = status});
  }
}

void ServerCore::endDialog(Dialog& d, EndReason reason) {
  if (d.state == DialogState::kEnded) return;
  d.state = DialogState::kEnded;
  liveRemote_.erase(liveKey(d.callId, d.remoteTag));
  d.okRetransmit.stop();
  d.refer = Dialog::Refer::kNone;
  live_.fetch_sub(1);
  if (d.accepted && !d.endReported) {
    d.endReported = true;
    if (d.transferred && (reason == EndReason::kCallerHungUp || reason == EndReason::kWeHungUp)) {
      reason = EndReason::kTransferred;
    }
    handler_.onCallEnded(d.key, reason);
  }
  // Linger 64*T1 so late retransmissions meet a 481 rather than a new call, then free it.
  d.timer.cancel();
  d.timer.expires_after(linger());
  d.timer.async_wait([this, key = d.key](boost::system::error_code ec) {
    if (ec) return;
    auto it = dialogs_.find(key);
    if (it != dialogs_.end() && it->second->state == DialogState::kEnded) dialogs_.erase(it);
  });
}

}  // namespace callgate::sip
