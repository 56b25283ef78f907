// ServerCore: what the runtime asks of a call through its CallLeg (hang up, transfer), and the
// orderly shutdown of every call.
#include <spdlog/spdlog.h>

#include <vector>

#include "adapters/net/sip/server_core.h"
#include "common/log_value.h"

namespace callgate::sip {

void ServerCore::legHangup(const std::string& dialogKey) {
  auto it = dialogs_.find(dialogKey);
  if (it == dialogs_.end()) return;
  Dialog& d = *it->second;
  switch (d.state) {
    case DialogState::kEarly:  // not answered yet: reject the INVITE instead of a BYE
      rejectInvite(d.invite, d.inviteTxnKey, 480, d.localTag);
      endDialog(d, EndReason::kWeHungUp);
      break;
    case DialogState::kAnswering:  // RFC 3261 15: no BYE before the ACK (or its timeout)
      d.hangupPending = true;
      break;
    case DialogState::kConfirmed:
      sendBye(d);
      endDialog(d, EndReason::kWeHungUp);
      break;
    case DialogState::kEnded:
      break;
  }
}

void ServerCore::legRefer(const std::string& dialogKey, const std::string& target,
                          const HeaderList& headers) {
  auto it = dialogs_.find(dialogKey);
  if (it == dialogs_.end() || it->second->state == DialogState::kEnded) return;
  Dialog& d = *it->second;
  if (d.state != DialogState::kConfirmed || d.refer != Dialog::Refer::kNone) {
    handler_.onTransferOutcome(d.key, {.succeeded = false, .status = 491});
    return;
  }
  auto referTo = buildReferTo(target, headers);
  if (!referTo.ok()) {
    spdlog::warn("event=sip_refer_rejected call_id={} error={}", logValue(d.callId),
                 logValue(referTo.error().message()));
    handler_.onTransferOutcome(d.key, {.succeeded = false, .status = 400});
    return;
  }
  HeaderList all;
  all.reserve(headers.size() + 2);
  all.emplace_back("Refer-To", std::move(referTo.value()));
  all.emplace_back("Referred-By",
                   "<sip:callgate@" + advertised_ + ":" + std::to_string(port_) + ">");
  all.insert(all.end(), headers.begin(), headers.end());
  d.refer = Dialog::Refer::kSent;
  if (!sendRequest(d, "REFER", all)) {
    d.refer = Dialog::Refer::kNone;
    handler_.onTransferOutcome(d.key, {.succeeded = false, .status = 500});
  }
}

void ServerCore::shutdown() {
  if (closing_) return;
  closing_ = true;
  std::vector<std::shared_ptr<Dialog>> all;
  all.reserve(dialogs_.size());
  for (auto& [key, d] : dialogs_) all.push_back(d);
  for (auto& d : all) {
    if (d->state == DialogState::kEnded) continue;
    if (d->state == DialogState::kEarly) {
      rejectInvite(d->invite, d->inviteTxnKey, 480, d->localTag);
    } else {
      sendBye(*d);
    }
    endDialog(*d, EndReason::kShutdown);
  }
  auto grace = std::min<std::chrono::milliseconds>(linger(), options_.stopGrace);
  finishShutdown(std::chrono::steady_clock::now() + grace);
}

void ServerCore::finishShutdown(std::chrono::steady_clock::time_point deadline) {
  if (!clientTxns_.empty() && std::chrono::steady_clock::now() < deadline) {
    stopTimer_.expires_after(std::chrono::milliseconds(20));  // wait for the BYEs' answers
    stopTimer_.async_wait([this, deadline](boost::system::error_code ec) {
      if (!ec) finishShutdown(deadline);
    });
    return;
  }
  udp_.close();
  tcp_.close();
  sweepTimer_.cancel();
  clientTxns_.clear();
  dialogs_.clear();
  liveRemote_.clear();
  work_.reset();
  io_.stop();
}

}  // namespace callgate::sip
