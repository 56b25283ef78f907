#include "adapters/net/sip/call_leg_impl.h"

#include <boost/asio/post.hpp>

#include "adapters/net/sip/server_core.h"

namespace callgate::sip {

// The posted handlers hold a raw pointer: they only ever run inside the SIP thread's
// io_context::run(), and SipServer keeps the core alive until that thread has been joined.
void CallLegImpl::hangup() {
  if (auto core = core_.lock()) {
    boost::asio::post(core->io(), [c = core.get(), key = key_] { c->legHangup(key); });
  }
}

void CallLegImpl::refer(const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
  if (auto core = core_.lock()) {
    boost::asio::post(core->io(), [c = core.get(), key = key_, target, headers] {
      c->legRefer(key, target, headers);
    });
  }
}

}  // namespace callgate::sip
