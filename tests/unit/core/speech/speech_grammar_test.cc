#include <gtest/gtest.h>

#include <regex>

#include "core/speech/grammar.h"

namespace callgate::speech {
namespace {

bool validName(const std::string& name) { return std::regex_match(name, std::regex("[a-z0-9-]+")); }

TEST(SpeechGrammar, DigitGrammarNamesTheRange) {
  EXPECT_EQ(digitGrammar(4, 4).name, "digits-4-4");
  EXPECT_EQ(digitGrammar(6, 8).name, "digits-6-8");
  EXPECT_TRUE(validName(digitGrammar(1, 16).name));
}

TEST(SpeechGrammar, ClampsOutOfRangeBounds) {
  EXPECT_EQ(digitGrammar(0, 40).name, "digits-1-16");
  EXPECT_EQ(digitGrammar(-3, 0).name, "digits-1-1");
  EXPECT_EQ(digitGrammar(9, 5).name, "digits-5-5");  // min > max: exactly max
}

TEST(SpeechGrammar, IsAJsgfDocumentWithThePublicSlot) {
  const auto g = digitGrammar(4, 4);
  EXPECT_EQ(g.jsgf.rfind("#JSGF V1.0;", 0), 0u);
  EXPECT_NE(g.jsgf.find("public <slot> = <n4>;"), std::string::npos);
  for (const char* w :
       {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}) {
    EXPECT_NE(g.jsgf.find(std::string(" ") + w), std::string::npos) << w;
  }
}

TEST(SpeechGrammar, ExactLengthCountsDoubleAndTriple) {
  const auto g = digitGrammar(4, 4);
  EXPECT_NE(g.jsgf.find("<n4> = <d> <n3> | double <d> <n2> | triple <d> <n1>;"), std::string::npos);
  EXPECT_NE(g.jsgf.find("<n2> = <d> <n1> | double <d>;"), std::string::npos);
  EXPECT_NE(g.jsgf.find("<n1> = <d>;"), std::string::npos);
}

TEST(SpeechGrammar, RangeListsEveryLength) {
  const auto g = digitGrammar(6, 8);
  EXPECT_NE(g.jsgf.find("public <slot> = <n6> | <n7> | <n8>;"), std::string::npos);
}

TEST(SpeechGrammar, OtherLengthsAreTheRangeWithoutOne) {
  const auto g = otherLengthsGrammar(digitGrammar(6, 8), 7);
  ASSERT_TRUE(g.has_value());
  EXPECT_NE(g->jsgf.find("public <slot> = <n6> | <n8>;"), std::string::npos);
  EXPECT_EQ(g->name, "digits-6-8-not-7");
  EXPECT_TRUE(validName(g->name));
  EXPECT_EQ(g->minDigits, 6);
  EXPECT_EQ(g->maxDigits, 8);
  EXPECT_NE(otherLengthsGrammar(digitGrammar(1, 2), 1)->jsgf.find("public <slot> = <n2>;"),
            std::string::npos);
  // Double and triple still count: a 6 of "double" and four digits.
  EXPECT_NE(otherLengthsGrammar(digitGrammar(6, 8), 8)->jsgf.find("double <d> <n4>"),
            std::string::npos);
  // One length, no other; a length outside the slot; not a digit slot.
  EXPECT_FALSE(otherLengthsGrammar(digitGrammar(4, 4), 4).has_value());
  EXPECT_FALSE(otherLengthsGrammar(digitGrammar(6, 8), 9).has_value());
  EXPECT_FALSE(otherLengthsGrammar(yesNoGrammar(), 1).has_value());
}

TEST(SpeechGrammar, LongSlotsArePlainDigits) {
  const auto g = digitGrammar(12, 12);
  EXPECT_EQ(g.jsgf.find("double"), std::string::npos);
  EXPECT_NE(g.jsgf.find("<n12> = <d> <d> <d> <d> <d> <d> <d> <d> <d> <d> <d> <d>;"),
            std::string::npos);
  EXPECT_NE(digitGrammar(kMaxDoubleDigits, kMaxDoubleDigits).jsgf.find("double"),
            std::string::npos);
}

TEST(SpeechGrammar, YesNoHasTheAnswers) {
  const auto g = yesNoGrammar();
  EXPECT_EQ(g.name, "yes-no");
  for (const char* w : {"yes", "yeah", "yep", "correct", "right", "that's right", "no", "nope",
                        "wrong", "incorrect", "one", "two"}) {
    EXPECT_NE(g.jsgf.find(w), std::string::npos) << w;
  }
}

TEST(SpeechGrammar, AnswerGrammarsSplitTheYesNoWords) {
  // The rival decode of a yes/no answer: each half holds its own words and none of the other's.
  const auto yes = answerGrammar(true);
  const auto no = answerGrammar(false);
  EXPECT_EQ(yes.name, "answer-yes");
  EXPECT_EQ(no.name, "answer-no");
  EXPECT_TRUE(validName(yes.name));
  EXPECT_TRUE(validName(no.name));
  EXPECT_NE(yes.jsgf.find("public <answer> = yes | yeah"), std::string::npos) << yes.jsgf;
  EXPECT_NE(no.jsgf.find("public <answer> = no | nope"), std::string::npos) << no.jsgf;
  for (const char* w : {"yeah", "yep", "right", "one"}) {  // ("correct" is in "incorrect")
    EXPECT_NE(yes.jsgf.find(w), std::string::npos) << w;
    EXPECT_EQ(no.jsgf.find(w), std::string::npos) << w;
  }
  for (const char* w : {"nope", "wrong", "two"}) {
    EXPECT_NE(no.jsgf.find(w), std::string::npos) << w;
    EXPECT_EQ(yes.jsgf.find(w), std::string::npos) << w;
  }
  EXPECT_FALSE(yes.isDigitSlot());
  EXPECT_TRUE(yes.words.empty());
}

TEST(SpeechGrammar, DigitLoopIsBounded) {
  const auto g = digitLoopGrammar();
  EXPECT_EQ(g.name, "digit-loop");
  EXPECT_TRUE(validName(g.name));
  EXPECT_NE(g.jsgf.find("public <slot> = <d> [<d>"), std::string::npos);
}

}  // namespace
}  // namespace callgate::speech

namespace callgate::speech {
namespace {

TEST(PauseCheckTest, DecodesOneToMaxDigitsAndIsWholeFromTheMinimumOn) {
  const Grammar entry = digitGrammar(6, 8);
  const Grammar check = pauseCheckGrammar(entry);
  EXPECT_EQ(check.minDigits, 1);
  EXPECT_EQ(check.maxDigits, 8);
  EXPECT_TRUE(validName(check.name));
  EXPECT_NE(check.name, digitGrammar(1, 8).name);  // another document: not one cache entry
  // Part of an entry: its length tells nothing of the caller's pace; the entry itself is whole.
  EXPECT_TRUE(check.partialEntry);
  EXPECT_TRUE(pauseCheckGrammar(entry, 1.0).partialEntry);
  EXPECT_FALSE(entry.partialEntry);
  EXPECT_FALSE(entryIsWhole(entry, "one two three four five"));
  EXPECT_TRUE(entryIsWhole(entry, "one two three four five six"));
  EXPECT_TRUE(entryIsWhole(entry, "one two three double four five"));  // "double four": 2
  EXPECT_FALSE(entryIsWhole(entry, ""));
  EXPECT_FALSE(entryIsWhole(entry, "yes"));
}

}  // namespace
}  // namespace callgate::speech

namespace callgate::speech {
namespace {

TEST(PauseCheckTest, EveryDigitHeardCostsTheWeight) {
  // sphinxbase keeps a JSGF weight on a word only, so it sits on each digit word; "double" and
  // "triple" stand for one and two digits more than the word after them.
  const Grammar check = pauseCheckGrammar(digitGrammar(4, 4), 0.001);
  EXPECT_EQ(check.name, "pause-check-1-4-p300");
  EXPECT_NE(check.jsgf.find("public <slot> = <n1> | <n2> | <n3> | <n4>;"), std::string::npos);
  EXPECT_NE(check.jsgf.find("<d> = /0.001/ zero | /0.001/ oh | /0.001/ one |"), std::string::npos)
      << check.jsgf;
  EXPECT_NE(check.jsgf.find("| /0.001/ nine;"), std::string::npos);
  EXPECT_NE(check.jsgf.find("| /0.001/ double <d> <n2> | /0.000001/ triple <d> <n1>;"),
            std::string::npos)
      << check.jsgf;
  // Weight 1 is the plain grammar; out of range is clamped.
  EXPECT_EQ(pauseCheckGrammar(digitGrammar(4, 4), 1.0).jsgf, digitGrammar(1, 4).jsgf);
  EXPECT_EQ(pauseCheckGrammar(digitGrammar(4, 4), 7.0).name, digitGrammar(1, 4).name);
  EXPECT_EQ(pauseCheckGrammar(digitGrammar(4, 4), 0.0).name, "pause-check-1-4-p1800");
  // The shipped weight is a real penalty.
  EXPECT_LT(kPauseCheckDigitWeight, 1e-3);
  // The grammars a slot decodes against carry no weight.
  EXPECT_EQ(digitGrammar(6, 8).jsgf.find('/'), std::string::npos);
}

}  // namespace
}  // namespace callgate::speech
