// ServerCore: the INVITE server side of a call (RFC 3261 13.3, 17.2.1, RFC 6026): 100 Trying,
// provisional, the handler's answer, 2xx retransmission until ACK, CANCEL.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "adapters/net/sip/call_leg_impl.h"
#include "adapters/net/sip/sdp.h"
#include "adapters/net/sip/server_core.h"
#include "common/log_value.h"

namespace callgate::sip {

void ServerCore::onInitialInvite(SipMessage& req, const Peer& dest, const std::string& txnKey) {
  respond(req, dest, 100, {}, txnKey);
  const std::string localTag = randomToken(10);
  if (closing_ || live_.load() >= static_cast<size_t>(std::max(options_.maxCalls, 0))) {
    rejectInvite(req, txnKey, 503, localTag, 5);
    return;
  }
  if (hasLiveDialog(req.callId(), req.fromTag())) {
    // The request again by another path (a new Via branch: forked, or re-sent by an SBC on
    // failover) while the first is in progress: a merged request (RFC 3261 8.2.2.2).
    rejectInvite(req, txnKey, 482, localTag);
    return;
  }
  if (req.contactUri().empty()) {
    rejectInvite(req, txnKey, 400, localTag);
    return;
  }
  if (req.body().empty() || !req.bodyIsSdp()) {  // no offer (delayed offer is not supported)
    rejectInvite(req, txnKey, 488, localTag);
    return;
  }
  auto media = negotiate(req.body());
  if (!media.ok()) {
    rejectInvite(req, txnKey, sdpErrorStatus(media.error()), localTag);
    return;
  }

  auto d = std::make_shared<Dialog>(io_);
  d->callId = req.callId();
  d->localTag = localTag;
  d->remoteTag = req.fromTag();
  d->key = d->callId + "\n" + localTag;
  d->inviteTxnKey = txnKey;
  d->peer = dest;
  d->localUri = req.toHeader() + ";tag=" + localTag;
  d->remoteUri = req.fromHeader();
  d->remoteTarget = req.contactUri();
  d->routeSet = req.recordRoutes();
  d->remoteCseq = req.cseq();
  d->media = *media;

  IncomingCall call;
  call.key = d->key;
  call.callId = d->callId;
  call.assertedIdentity = req.header("p-asserted-identity");
  call.fromHeader = d->remoteUri;
  call.callerUser =
      uriUserOf(call.assertedIdentity.empty() ? call.fromHeader : call.assertedIdentity);
  if (call.callerUser.empty()) call.callerUser = uriUserOf(call.fromHeader);
  call.dialledUser = req.requestUriUser();
  call.identityHeader = req.header("identity");
  call.sourceAddress = dest.address.to_string();
  call.transport = dest.transport;
  call.media = d->media;

  dialogs_[d->key] = d;
  liveRemote_.insert(liveKey(d->callId, d->remoteTag));
  live_.fetch_add(1);
  if (ServerTransaction* t = txns_.find(txnKey)) t->dialogKey = d->key;
  auto leg = std::make_shared<CallLegImpl>(weak_from_this(), d->callId, d->key);
  Acceptance answer;
  try {
    answer = handler_.onIncomingCall(call, std::move(leg));
  } catch (...) {
    spdlog::error("event=sip_handler_exception call_id={}", logValue(d->callId));
    answer.status = 500;
  }
  if (answer.status != 200) {
    int status = answer.status >= 300 && answer.status <= 699 ? answer.status : 500;
    d->state = DialogState::kEnded;
    liveRemote_.erase(liveKey(d->callId, d->remoteTag));
    dialogs_.erase(d->key);
    live_.fetch_sub(1);
    rejectInvite(req, txnKey, status, localTag, answer.retryAfter);
    return;
  }
  d->accepted = true;
  // The media address defaults to our advertised one (the runtime may name another).
  const std::string& ours =
      options_.advertisedAddress.empty() ? options_.host : options_.advertisedAddress;
  d->localAddress = answer.localAddress.empty() ? ours : answer.localAddress;
  d->localPort = answer.localPort;
  d->sdpSessionId = 1 + randombytes_uniform(1u << 30);
  d->sdpVersion = 1;
  d->invite = std::move(req);

  using P = SipServerOptions::Provisional;
  if (options_.provisional != P::kNone) {
    std::string sdp;
    if (options_.provisional == P::k183) {
      sdp = buildAnswer(d->media, d->localAddress, d->localPort, d->sdpVersion, d->sdpSessionId);
    }
    respond(d->invite, d->peer, options_.provisional == P::k183 ? 183 : 180,
            {.toTag = localTag, .sdp = sdp, .contact = true, .recordRoute = true}, txnKey);
  }
  if (options_.answerDelay.count() <= 0) {
    sendOk(d->key);
    return;
  }
  d->timer.expires_after(options_.answerDelay);
  d->timer.async_wait([this, key = d->key](boost::system::error_code ec) {
    if (!ec) sendOk(key);
  });
}

void ServerCore::rejectInvite(const SipMessage& req, const std::string& txnKey, int status,
                              std::string_view toTag, int retryAfter) {
  ServerTransaction* t = txns_.find(txnKey);
  if (t == nullptr) return;
  const Peer to = t->peer;
  auto bytes = respond(req, to, status, {.toTag = toTag, .retryAfter = retryAfter}, txnKey);
  if (to.transport == Transport::kUdp && !bytes->empty()) {  // Timer G until the ACK, H at 64*T1
    t->finalRetransmit.start(io_, timing(), true, [this, to, bytes] { sendTo(to, *bytes); }, {});
  }
}

void ServerCore::sendOk(const std::string& dialogKey) {
  auto it = dialogs_.find(dialogKey);
  if (it == dialogs_.end() || it->second->state != DialogState::kEarly) return;
  Dialog& d = *it->second;
  const std::string sdp =
      buildAnswer(d.media, d.localAddress, d.localPort, d.sdpVersion, d.sdpSessionId);
  auto ok = respond(
      d.invite, d.peer, 200,
      {.toTag = d.localTag, .sdp = sdp, .contact = true, .allow = true, .recordRoute = true},
      d.inviteTxnKey);
  d.state = DialogState::kAnswering;
  d.ackCseq = d.invite.cseq();
  startOkRetransmit(d, d.peer, std::move(ok));
}

void ServerCore::startOkRetransmit(Dialog& d, const Peer& to,
                                   std::shared_ptr<const std::string> ok) {
  // RFC 3261 13.3.1.4: the UAS core retransmits its 2xx on every transport until the ACK.
  d.okRetransmit.start(
      io_, timing(), true, [this, to, ok] { sendTo(to, *ok); },
      [this, key = d.key] { onAckTimeout(key); });
}

void ServerCore::onAck(const SipMessage& req) {
  // The ACK of a non-2xx final shares the INVITE's branch.
  if (ServerTransaction* t = txns_.find(ServerTransactions::keyOf(req, "INVITE"))) {
    if (t->lastStatus >= 300) {
      t->finalRetransmit.stop();
      return;
    }
  }
  Dialog* d = findDialog(req);
  if (d == nullptr || !d->okRetransmit.active() || req.cseq() != d->ackCseq) return;
  d->okRetransmit.stop();
  if (d->state != DialogState::kAnswering) return;  // the ACK of a re-INVITE's 2xx
  d->state = DialogState::kConfirmed;
  handler_.onCallConfirmed(d->key);
  if (d->hangupPending) {
    sendBye(*d);
    endDialog(*d, EndReason::kWeHungUp);
  }
}

void ServerCore::onCancel(const SipMessage& req, const Peer& dest, const std::string& txnKey) {
  ServerTransaction* invite = txns_.find(ServerTransactions::keyOf(req, "INVITE"));
  if (invite == nullptr) {
    respond(req, dest, 481, {}, txnKey);
    return;
  }
  auto it = dialogs_.find(invite->dialogKey);
  Dialog* d = it == dialogs_.end() ? nullptr : it->second.get();
  respond(req, dest, 200, {.toTag = d ? std::string_view(d->localTag) : std::string_view()},
          txnKey);
  if (d == nullptr || d->state != DialogState::kEarly) return;  // already answered: no effect
  rejectInvite(d->invite, d->inviteTxnKey, 487, d->localTag);
  endDialog(*d, EndReason::kCancelled);
}

void ServerCore::onAckTimeout(const std::string& dialogKey) {
  auto it = dialogs_.find(dialogKey);
  if (it == dialogs_.end() || it->second->state == DialogState::kEnded) return;
  Dialog& d = *it->second;
  spdlog::info("event=sip_ack_timeout call_id={}", logValue(d.callId));
  sendBye(d);
  endDialog(d, d.hangupPending ? EndReason::kWeHungUp : EndReason::kAckTimeout);
}

}  // namespace callgate::sip
