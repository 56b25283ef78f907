// The speech grammar of a Lex bot (core/flow/lex_bot.h): one JSGF alternative per sample
// utterance, so the recogniser hears only what the bot can match. Literal words stay as written
// (numerals become digit words: "press 1" -> "press one"); a number slot is a run of 1 to
// speech::kMaxSpokenDigits digit words (zero, oh, one .. nine); a custom slot is the choice of its
// values and synonyms. Utterances with a word the recogniser cannot say (anything but a-z and an
// apostrophe, after lower-casing) are left out of the grammar; match() still accepts them typed.
// Grammar::words lists the vocabulary for the recogniser's dictionary; Grammar::name is
// "lex-<hash of the JSGF>", so two bots with the same utterances share one compiled grammar.
// Thread-safety: a pure function over an immutable bot.
#pragma once

#include "core/flow/lex_bot.h"
#include "core/speech/grammar.h"

namespace callgate::speech {

Grammar intentGrammar(const flow::LexBot& bot);

}  // namespace callgate::speech
