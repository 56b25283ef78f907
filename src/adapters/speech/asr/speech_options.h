// What the [speech] table configures: speech input where a flow allows it (SIP channel). The
// recogniser's own options, the endpointer that cuts utterances from the call audio, and the
// speech dialog's confirmation policy, each the struct its user already takes.
// Plain value type; not shared between threads while it changes.
#pragma once

#include "adapters/speech/asr/pocketsphinx_recognizer.h"
#include "core/speech/endpointer.h"
#include "core/speech/speech_turn.h"

namespace callgate::asr {

struct SpeechOptions {
  bool enabled = true;  // false: inputs that allow speech take keys only
  PocketsphinxOptions recognizer;
  speech::EndpointerOptions endpointer;
  speech::SpeechTurnOptions turn;
};

}  // namespace callgate::asr
