// What a Twilio <Gather> listens for, and what the caller's answer means to the flow. Speech is
// the flow's choice per input (CollectDigits.speech, from GetParticipantInput's SpeechInput) and
// the channel's ([twilio] speech = true allows it where a flow enables it): a spoken PIN can be
// overheard, so neither alone turns it on. Twilio transcribes; the transcript goes through
// spokenDigits() and must have a usable length, else it is no input (never a wrong entry that
// would burn an attempt). Transcripts and digits are never logged.
// Pure apart from one log line per answer; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "channels/twilio_voice/webhook.h"
#include "core/flow/actions.h"

namespace callgate::twilio_voice {

// Whether the <Gather> for `collect` takes speech as well as keys.
bool speechOffered(bool channelAllowsSpeech, const flow::CollectDigits& collect);

// The <Gather hints>: the words a spoken digit string is made of.
inline constexpr const char* kDigitHints =
    "zero, oh, one, two, three, four, five, six, seven, eight, nine, double, triple";

// The caller's answer to `collect` as the flow event it means. Digits win over speech when both
// came. Speech counts only when it was offered; it must normalise to digits whose count is within
// speech.minDigits..min(maxDigits, speech.maxDigits), else the answer is InputTimedOut.
// Logs event=twilio_input with the source (dtmf, speech, speech-unrecognised, speech-wrong-length,
// speech-not-offered, none) and the length only.
flow::Event inputEvent(const VoiceWebhook& hook, const flow::CollectDigits& collect,
                       bool speechWasOffered, const std::string& callSid);

// Lex bots: the <Gather hints> for a RecognizeIntent: the words of the bot's utterances and slot
// values, comma separated, at most kMaxIntentHints of them.
inline constexpr std::size_t kMaxIntentHints = 100;
std::string intentHints(const flow::RecognizeIntent& recognize);

// The caller's answer to a RecognizeIntent: keys (Digits) win and go through the bot's dtmf keys
// or are matched as words; else the SpeechResult is matched; neither is InputTimedOut. Logs
// event=twilio_intent with the source and the intent (never slot values or the transcript).
flow::Event intentEvent(const VoiceWebhook& hook, const flow::RecognizeIntent& recognize,
                        const std::string& callSid);

}  // namespace callgate::twilio_voice
