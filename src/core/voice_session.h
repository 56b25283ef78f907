// A parked voice call: what a stateless webhook channel (Twilio) keeps between two requests of
// one call so that any node can continue it. The store treats `state` and `response` as opaque
// text; the channel decides what they hold (the Twilio channel: a Session snapshot and the last
// TwiML it answered, both encrypted, see adapters/twilio_voice/parked_call.h).
// Plain value type.
#pragma once

#include <cstdint>
#include <string>

#include "core/time.h"

namespace callgate {

struct VoiceSessionRecord {
  std::string id;        // random 128-bit id, base64url (22 characters); in the webhook URLs
  std::string callSid;   // the provider's call id; unique
  std::string flow;      // the flow's name as configured (a path), so another node restores it
  std::string state;     // channel state (Twilio: the sealed flow Session snapshot and context)
  std::string response;  // the answer to the latest step, replayed to duplicates; "" = a step is
                         // being worked on right now
  int64_t version = 0;   // bumped by every claimed step; compare-and-set guards every write
  TimePoint updatedAt{};
  TimePoint expiresAt{};

  bool operator==(const VoiceSessionRecord&) const = default;
};

}  // namespace callgate
