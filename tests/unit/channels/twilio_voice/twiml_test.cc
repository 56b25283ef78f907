#include "channels/twilio_voice/twiml.h"

#include <gtest/gtest.h>

#include "core/ssml.h"

namespace callgate::twilio_voice {
namespace {

constexpr const char* kDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

TEST(TwimlTest, EmptyDocument) {
  EXPECT_EQ(TwimlWriter().finish(), std::string(kDecl) + "<Response></Response>\n");
}

TEST(TwimlTest, ElementsAttributesAndNesting) {
  std::string doc = TwimlWriter()
                        .element("Say", {{"voice", "alice"}, {"language", "en-US"}}, "Hello")
                        .open("Gather", {{"numDigits", "6"}, {"finishOnKey", ""}})
                        .element("Say", {}, "Enter it")
                        .close()
                        .empty("Hangup")
                        .finish();
  EXPECT_EQ(doc, std::string(kDecl) +
                     "<Response><Say voice=\"alice\" language=\"en-US\">Hello</Say>"
                     "<Gather numDigits=\"6\" finishOnKey=\"\"><Say>Enter it</Say></Gather>"
                     "<Hangup/></Response>\n");
}

TEST(TwimlTest, FinishClosesWhatIsOpen) {
  std::string doc = TwimlWriter().open("Dial").open("Number").finish();
  EXPECT_EQ(doc, std::string(kDecl) + "<Response><Dial><Number></Number></Dial></Response>\n");
}

TEST(TwimlTest, EscapesTextAndAttributes) {
  std::string doc =
      TwimlWriter().element("Say", {{"x", "a\"b'c<d>&e"}}, "</Say><Hangup/> & 'q' \"r\"").finish();
  EXPECT_NE(doc.find("<Say x=\"a&quot;b&apos;c&lt;d&gt;&amp;e\">&lt;/Say&gt;&lt;Hangup/&gt; &amp; "
                     "&apos;q&apos; &quot;r&quot;</Say>"),
            std::string::npos)
      << doc;
  EXPECT_EQ(doc.find("<Hangup/>"), std::string::npos);
}

TEST(TwimlTest, EscapingKeepsValidUtf8AndRepairsTheRest) {
  EXPECT_EQ(xmlEscaped("Ren\xC3\xA9"
                       "e \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "Ren\xC3\xA9"
            "e \xE2\x82\xAC \xF0\x9F\x98\x80");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(xmlEscaped("a\xFF"
                       "b"),
            "a" + fffd + "b");                                // invalid lead byte
  EXPECT_EQ(xmlEscaped("a\xC3"), "a" + fffd);                 // truncated
  EXPECT_EQ(xmlEscaped("\xC0\xAF"), fffd + fffd);             // overlong '/'
  EXPECT_EQ(xmlEscaped("\xED\xA0\x80"), fffd + fffd + fffd);  // surrogate
  EXPECT_EQ(xmlEscaped("\xEF\xBF\xBE"), fffd);                // U+FFFE
}

TEST(TwimlTest, EscapingDropsControlCharactersXmlForbids) {
  EXPECT_EQ(xmlEscaped("a\x01"
                       "b\x1F"
                       "c\x7F"
                       "d\te\nf\rg"),
            "abcd\te\nf\rg");
  EXPECT_EQ(xmlEscaped(std::string("x\0y", 3)), "xy");
}

TEST(TwimlTest, SsmlIsSpokenAsText) {
  EXPECT_EQ(ssmlToText("<speak>Hello <break time=\"1s\"/>Ada &amp; Bob</speak>"),
            "Hello Ada & Bob");
  EXPECT_EQ(ssmlToText("<speak><say-as interpret-as=\"digits\">123</say-as></speak>"), "123");
  EXPECT_EQ(ssmlToText("no markup &lt;here&gt;"), "no markup <here>");
  // Whatever comes back is escaped again when written.
  EXPECT_EQ(xmlEscaped(ssmlToText("<speak>&lt;Hangup/&gt;</speak>")), "&lt;Hangup/&gt;");
}

}  // namespace
}  // namespace callgate::twilio_voice
