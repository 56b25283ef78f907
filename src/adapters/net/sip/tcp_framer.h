// Private to src/adapters/sip: finds message boundaries in a SIP-over-TCP byte stream (RFC 3261
// 18.3: Content-Length framing; RFC 5626 3.5.1: CRLFCRLF keep-alive ping, CRLF pong).
// Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace callgate::sip {

struct Frame {
  enum class Kind {
    kNeedMore,  // no complete message yet
    kMessage,   // `length` bytes form one message
    kPing,      // CRLFCRLF: consume `length`, answer CRLF
    kSkip,      // stray CRLF (a pong): consume `length`
    kTooLarge,  // headers or body over the limit; `length` = bytes of the head available
    kGarbage,   // not SIP: close the connection
  };
  Kind kind = Kind::kNeedMore;
  size_t length = 0;
};

Frame nextFrame(std::string_view buffer, size_t maxMessageBytes);

}  // namespace callgate::sip
