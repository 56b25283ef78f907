// Text to speech with flite's "kal" diphone voice, which speaks natively at 8 kHz (what G.711
// carries), in about 6 ms per sentence. English only. Blocking: call on a worker thread.
// Thread-safety: flite's voice setup and synthesis are not thread-safe; the voice is registered
// once per process (std::call_once) and every synthesis holds one process-wide mutex.
#pragma once

#include <string>

#include "common/audio.h"
#include "common/result.h"

namespace callgate::tts {

// `durationStretch` > 1 speaks slower (flite's duration_stretch feature; 1.0 = the voice's
// own pace). kInvalidArgument for empty text or a stretch outside 0.25-4; kInternal if flite fails.
Result<audio::AudioPtr> synthesizeWithFlite(const std::string& text, double durationStretch);

}  // namespace callgate::tts
