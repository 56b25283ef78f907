// [speech]: the recogniser behind inputs whose flow allows speech (SIP channel), read into the
// recogniser's, the endpointer's and the speech dialog's own options.

#include "app/config/config_tables.h"

namespace callgate::app::detail {

Status readSpeechTable(TableReader& t, asr::SpeechOptions& out) {
  t.boolean("enabled", out.enabled);
  t.str("model", out.recognizer.modelDir);
  t.str("dictionary", out.recognizer.dictionary);
  t.str("mllr", out.recognizer.mllr);
  t.integer("decoders", out.recognizer.maxDecoders, 1, 64);
  t.fraction("confirm_below", out.turn.confirmBelow);
  t.fraction("yes_from", out.turn.yesFrom);
  t.integer("max_attempts", out.turn.maxAttempts, 1, 5);
  t.integer("end_silence_ms", out.endpointer.endSilenceMs, 200, 5000);
  t.integer("incomplete_silence_ms", out.endpointer.incompleteSilenceMs, 200, 10000);
  t.integer("max_pause_ms", out.recognizer.maxPauseMs, 0, 1000);
  t.integer("gaussians", out.recognizer.gaussians, 1, 128);
  t.integer("frame_rate", out.recognizer.frameRate, 50, 200);
  t.integer("slow_frame_rate", out.recognizer.slowFrameRate, 50, 200);
  t.integer("slow_from_ms_per_digit", out.recognizer.slowFromMsPerDigit, 0, 5000);
  t.numberList("warps", out.recognizer.warps, asr::kMinWarp, asr::kMaxWarp);
  // The file speaks seconds, the endpointer milliseconds.
  int maxSpeechSeconds = out.endpointer.maxSpeechMs / 1000;
  t.integer("max_speech_seconds", maxSpeechSeconds, 1, 60);
  out.endpointer.maxSpeechMs = maxSpeechSeconds * 1000;
  return t.finish();
}

}  // namespace callgate::app::detail
