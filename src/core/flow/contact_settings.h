// What a flow's contact actions (blocks_contact.h) set about the contact beyond its attributes:
// the text-to-speech voice, the name, description and language of UpdateContactData, the tags of
// TagContact. Part of ContactState, so it is snapshotted with the session and channels read it
// (the voice) from Session::state(). Plain value; thread-safety: none (owned by a Session).
#pragma once

#include <map>
#include <string>

namespace callgate::flow {

struct ContactSettings {
  // UpdateContactTextToSpeechVoice (or UpdateContactData's TextToSpeechVoice): "" = the channel's
  // own voice. Names are Connect's (Amazon Polly) voices: "Joanna", "Matthew", ...
  std::string ttsVoice;
  std::string ttsEngine;  // "standard", "neural", "generative", "long-form" or ""
  std::string ttsStyle;   // "None", "Conversational", "Newscaster" or ""
  // UpdateContactData.
  std::string name;
  std::string description;
  std::string languageCode;  // "" until a flow sets one; $.LanguageCode reads the call's
  // TagContact / UnTagContact: user-defined contact tags.
  std::map<std::string, std::string> tags;

  bool operator==(const ContactSettings&) const = default;
};

}  // namespace callgate::flow
