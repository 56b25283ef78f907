#include "channels/common/agent_route.h"

namespace callgate {

AgentHandoff agentHandoff(const flow::TransferToQueue& transfer) {
  AgentHandoff out;
  out.queue = transfer.queue;
  out.attributes = agentAttributes(transfer.attributes);
  out.authenticated = isAuthenticated(out.attributes);
  return out;
}

}  // namespace callgate
