// MediaSession: one call's RTP stream, as the SIP voice runtime drives it: send
// G.711 every 20 ms (silence when idle, prompts when playing), receive DTMF (RFC 4733, or in-band
// with spandsp when no telephone-event was negotiated), barge-in, hold, symmetric RTP, and a tap
// on the caller's decoded audio (speech input).
// Sessions come from MediaEngine::open(); see media_engine.h for the clock and threads.
//
// Ownership: the caller holds the session by shared_ptr and must call close() when the call
// ends (until then the session's own receive loop keeps it alive); MediaEngine::stop() closes
// every session still open. Sessions must not outlive their engine.
// Thread-safety: every method may be called from any thread; it posts its work to executor()
// (so a call made from inside a callback takes effect after that callback returns). Callbacks
// run on executor(), never inline in the calling thread, and never after close() has run.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "adapters/net/rtp/g711.h"
#include "common/audio.h"

namespace callgate::rtp {

using audio::AudioPtr;  // what play() takes: the prompt library's clips
using audio::kSamplesPerPacket;

struct MediaParams {  // what SDP negotiated (the runtime converts sip::NegotiatedMedia)
  Codec codec = Codec::kPcmu;
  int audioPayloadType = 0;
  int dtmfPayloadType = -1;   // -1: detect DTMF in-band with spandsp instead
  std::string remoteAddress;  // IPv4 dotted (or IPv6); empty/invalid: wait for the latch
  uint16_t remotePort = 0;    // 0: stream disabled (rejected m= line): send nothing
  bool onHold = false;        // on hold: send nothing (the clock and any playback keep running)
  // false until the caller confirmed the call (the ACK of our 200): the SDP address may be
  // anyone's, so nothing is sent until an update() with true, or until the peer's own RTP
  // arrives from the very address its SDP names; packets from elsewhere are ignored meanwhile.
  bool confirmed = true;
};

class MediaSession {
 public:
  virtual ~MediaSession() = default;
  virtual uint16_t localPort() const = 0;
  virtual boost::asio::any_io_executor executor() const = 0;
  // Begins sending (silence when idle) and receiving. The first packet carries the marker bit.
  virtual void start(const MediaParams& params) = 0;
  // re-INVITE: new address (the latch is reset), hold/unhold (marker bit on the first packet
  // after a hold), new payload types.
  virtual void update(const MediaParams& params) = 0;
  // Plays `clips` back to back from the next 20 ms tick. done(interrupted) runs exactly once:
  // false when the last sample was sent; true when a key arrived while `bargeIn` was set
  // (playback stops at once; done(true) runs before the digit handler sees that key), when
  // stopPlayback() or close() was called, or when a newer play() replaced this one. An empty
  // `clips` completes with done(false) at once.
  virtual void play(std::vector<AudioPtr> clips, bool bargeIn,
                    std::function<void(bool interrupted)> done) = 0;
  virtual void stopPlayback() = 0;
  // '0'-'9', '*', '#', 'A'-'D'; once per key press. Replaces any previous handler.
  virtual void onDigit(std::function<void(char digit)> handler) = 0;
  // The caller's audio, decoded to 8 kHz linear PCM, one call per received audio packet (after
  // the latch; never telephone-event packets), on executor(). nullptr stops the tap.
  // Replaces any previous handler; nothing is buffered while no handler is set. `samples` is
  // valid only during the call (the session reuses the buffer for the next packet).
  virtual void onAudio(std::function<void(std::span<const int16_t> samples)> handler) = 0;
  // Stops sending and receiving, closes the socket and frees the port, completes a pending
  // play() with done(true), then drops every callback. Idempotent.
  virtual void close() = 0;
};

}  // namespace callgate::rtp
