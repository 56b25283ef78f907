// MediaEngine: owns the media threads (one io_context + one thread each), the RTP port range and
// the media clock. Each thread has ONE drift-free 20 ms tick (deadline = start + n * 20 ms, so
// lateness never accumulates) that sends the next packet of every session it serves; sessions
// are spread over the threads round-robin and stay on theirs. Receiving is asynchronous on the
// same thread. Nothing on the tick or receive path allocates or takes a lock.
//
// Ownership: the engine outlives every session it opened (see media_session.h).
// Thread-safety: open() and sessionCount() are thread-safe; start() and stop() must be called
// from a thread that is not a media thread (e.g. main), and not concurrently with each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/net/rtp/media_clock.h"
#include "adapters/net/rtp/media_session.h"
#include "common/result.h"

namespace callgate::rtp {

struct MediaEngineOptions {
  std::string bindAddress = "127.0.0.1";
  uint16_t portMin = 16384, portMax = 32767;  // RTP uses the even ports of [portMin, portMax]
  int threads = 1;
};

class MediaEngine {
 public:
  explicit MediaEngine(MediaEngineOptions options);
  // With another time source for the media threads' ticks than the steady clock (tests pass a
  // manual clock; see media_clock.h).
  MediaEngine(MediaEngineOptions options, std::shared_ptr<MediaClock> clock);
  ~MediaEngine();  // stop()
  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  // Starts the threads and their clocks. kInvalidArgument for a bad bind address, port range or
  // thread count; calling it twice is a no-op.
  Status start();
  // Closes every open session (pending plays complete with done(true)), stops the clocks and
  // joins the threads. Idempotent. Methods of sessions called afterwards do nothing.
  void stop();

  // Binds a UDP socket to a free even port of the range. kUnavailable when none is free (or the
  // engine is not running). Non-blocking: a bind per candidate port, no I/O wait.
  Result<std::shared_ptr<MediaSession>> open();
  // Sessions opened and not yet closed.
  size_t sessionCount() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace callgate::rtp
