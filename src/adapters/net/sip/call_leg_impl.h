// Private to src/adapters/sip: the CallLeg handed to the CallHandler. Holds the server weakly
// and posts every action to the SIP thread, where it is looked up by dialog key (so actions on
// an ended or erased dialog do nothing). Thread-safety: any thread.
#pragma once

#include <memory>
#include <string>

#include "adapters/net/sip/call_handler.h"

namespace callgate::sip {

class ServerCore;

class CallLegImpl final : public CallLeg {
 public:
  CallLegImpl(std::weak_ptr<ServerCore> core, std::string callId, std::string dialogKey)
      : core_(std::move(core)), callId_(std::move(callId)), key_(std::move(dialogKey)) {}

  const std::string& callId() const override { return callId_; }
  void hangup() override;
  void refer(const std::string& target,
             const std::vector<std::pair<std::string, std::string>>& headers) override;

 private:
  std::weak_ptr<ServerCore> core_;
  std::string callId_;
  std::string key_;
};

}  // namespace callgate::sip
