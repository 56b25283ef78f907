// TwimlWriter: builds the TwiML documents callgate answers Twilio's voice webhooks with
// (<Response> holding <Say>, <Play>, <Gather>, <Redirect>, <Dial> with <Number>/<Sip>,
// <Hangup/>, <Pause/>).
//
// Why a small writer and no XML library: callgate only ever *writes* a handful of flat TwiML
// elements, so a DOM library (libxml2, pugixml) would be a new dependency for what is string
// concatenation. What matters is escaping, and that is here, in one place, and tested: element
// and attribute names are literals chosen by callgate; every text and attribute value goes
// through appendXmlEscaped(), so flow prompts, customer names and URLs can never break out of
// their element. Documents are well-formed by construction (finish() closes what is open).
//
// Ownership: a value; one writer builds one document. Thread-safety: none (use one per request).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callgate::twilio_voice {

// Attribute name (a literal) and value (escaped when written), in output order.
using XmlAttributes = std::vector<std::pair<std::string_view, std::string>>;

class TwimlWriter {
 public:
  TwimlWriter();  // starts the document: XML declaration and <Response>

  // <name a="v">text</name>; text is escaped.
  TwimlWriter& element(std::string_view name, const XmlAttributes& attributes,
                       std::string_view text);
  // <name a="v"/>
  TwimlWriter& empty(std::string_view name, const XmlAttributes& attributes = {});
  // <name a="v"> ... up to the matching close().
  TwimlWriter& open(std::string_view name, const XmlAttributes& attributes = {});
  TwimlWriter& close();

  // Closes every open element and </Response>; the writer is spent afterwards.
  std::string finish();

 private:
  void startTag(std::string_view name, const XmlAttributes& attributes);
  std::string out_;
  std::vector<std::string> open_;
};

// Appends `text` escaped for XML 1.0 element content or a double-quoted attribute value:
// & < > " ' become entities; control characters other than tab, LF and CR (not allowed in XML
// 1.0) are dropped; invalid UTF-8, surrogates, U+FFFE and U+FFFF become U+FFFD.
void appendXmlEscaped(std::string& out, std::string_view text);
std::string xmlEscaped(std::string_view text);

}  // namespace callgate::twilio_voice
