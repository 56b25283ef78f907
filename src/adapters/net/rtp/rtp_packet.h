// RTP (RFC 3550) header parsing and writing, and RFC 4733 telephone-event payloads, over caller
// buffers: nothing here allocates. Plain functions and values; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace callgate::rtp {

inline constexpr size_t kRtpHeaderBytes = 12;

struct RtpHeader {
  bool marker = false;
  uint8_t payloadType = 0;
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
};

// A received packet's header and where its payload is (inside the parsed buffer). nullopt for
// anything that is not RTP version 2 or whose CSRC list, extension or padding does not fit.
struct RtpView {
  RtpHeader header;
  std::span<const uint8_t> payload;
};
std::optional<RtpView> parseRtp(std::span<const uint8_t> packet);

// Writes the 12-byte fixed header (version 2, no padding, extension or CSRC) into `out`.
void writeRtpHeader(const RtpHeader& header, uint8_t* out);

// One RFC 4733 event: the first 4 bytes of a telephone-event payload.
struct TelephoneEvent {
  uint8_t event = 0;  // 0-9, 10 '*', 11 '#', 12-15 'A'-'D', 16 flash ...
  bool end = false;
  uint8_t volume = 0;     // 0..63, -dBm0
  uint16_t duration = 0;  // in timestamp units
};
std::optional<TelephoneEvent> parseTelephoneEvent(std::span<const uint8_t> payload);
// The DTMF key of an event, or '\0' for events that are not keys (flash, tones).
char eventToDigit(uint8_t event);
// The event code of a key ('0'-'9', '*', '#', 'A'-'D'), or -1.
int digitToEvent(char digit);

// RFC 4733 receive-side de-duplication: every packet of one key press shares the RTP timestamp
// of the press (the first, the repeats with a growing duration, the three end packets); a new
// timestamp is a new press, even of the same key. accept() answers the digit once per press, on
// the first packet that arrives, and '\0' for repeats, end packets, late packets of an older
// press (timestamps compared in serial-number arithmetic) and non-key events. A new SSRC (the
// peer restarted its stream) resets the state. Fixed size; one per session.
class TelephoneEventReceiver {
 public:
  char accept(uint32_t ssrc, uint32_t timestamp, const TelephoneEvent& event);
  void reset() { havePress_ = false; }

 private:
  bool havePress_ = false;
  uint32_t ssrc_ = 0;
  uint32_t lastTimestamp_ = 0;
};

}  // namespace callgate::rtp
