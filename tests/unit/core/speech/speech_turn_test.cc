#include "core/speech/speech_turn.h"

#include <gtest/gtest.h>

#include <limits>
#include <tuple>
#include <vector>

namespace callgate::speech {
namespace {

constexpr const char* kSorryPrefix = "Sorry, let's try again. ";
// Most tests exercise the dialog of an operator who trusts results at 0.6 or more; the default
// (every spoken entry read back) has tests of its own below.
const SpeechTurnOptions kTrusting{0.6, 3};

flow::CollectDigits collect(int minDigits, int maxDigits, bool alwaysConfirm = false) {
  flow::CollectDigits c;
  c.prompt.text = "Please say or enter your user id.";
  c.maxDigits = maxDigits;
  c.terminator = "#";
  c.speech.enabled = true;
  c.speech.minDigits = minDigits;
  c.speech.maxDigits = maxDigits;
  c.speech.alwaysConfirm = alwaysConfirm;
  return c;
}

Recognition said(const std::string& text, double confidence = 0.9) {
  return Recognition{text, confidence, {}};
}

const Listen& asListen(const TurnStep& step) {
  EXPECT_TRUE(std::holds_alternative<Listen>(step));
  static const Listen kNone{};
  const Listen* listen = std::get_if<Listen>(&step);
  return listen ? *listen : kNone;
}

const Finished& asFinished(const TurnStep& step) {
  EXPECT_TRUE(std::holds_alternative<Finished>(step));
  static const Finished kNone{std::nullopt, "not finished"};
  const Finished* finished = std::get_if<Finished>(&step);
  return finished ? *finished : kNone;
}

void expectEntryPrompt(const TurnStep& step, const std::string& text, int lo, int hi) {
  const Listen& listen = asListen(step);
  EXPECT_EQ(listen.prompt.text, text);
  EXPECT_FALSE(listen.confirming);
  EXPECT_EQ(listen.grammar.name, digitGrammar(lo, hi).name);
  EXPECT_EQ(listen.grammar.jsgf, digitGrammar(lo, hi).jsgf);
  // An utterance too short for `lo` digits is waited past a pause for the rest.
  EXPECT_EQ(listen.minSpeechMs, lo * kShortestMsPerDigit);
}

void expectReadBack(const TurnStep& step, const std::string& spaced) {
  const Listen& listen = asListen(step);
  EXPECT_EQ(listen.prompt.text, "I heard " + spaced +
                                    ". If that is right, press 1 or say yes. If not, press 2 or "
                                    "say no.");
  EXPECT_FALSE(listen.prompt.ssml);
  EXPECT_EQ(listen.minSpeechMs, 0);  // "yes" is complete
  EXPECT_TRUE(listen.prompt.promptId.empty());
  EXPECT_TRUE(listen.confirming);
  EXPECT_EQ(listen.grammar.name, yesNoGrammar().name);
}

Recognition withAlternatives(const std::string& text, std::vector<std::string> alternatives,
                             double confidence = 0.2) {
  return Recognition{text, confidence, std::move(alternatives)};
}

void expectAlternative(const TurnStep& step, const std::string& spaced) {
  const Listen& listen = asListen(step);
  EXPECT_EQ(listen.prompt.text, "Sorry. Did you say " + spaced +
                                    "? If so, press 1 or say yes. If not, press 2 or say no.");
  EXPECT_TRUE(listen.confirming);
  EXPECT_EQ(listen.grammar.name, yesNoGrammar().name);
}

void expectFinished(const TurnStep& step, std::optional<std::string> digits,
                    const std::string& how) {
  const Finished& finished = asFinished(step);
  EXPECT_EQ(finished.digits, digits);
  EXPECT_EQ(finished.how, how);
}

TEST(SpeechTurnTest, StartPlaysThePromptWithTheDigitGrammar) {
  SpeechTurn turn(collect(8, 8), kTrusting);
  expectEntryPrompt(turn.start(), "Please say or enter your user id.", 8, 8);
  EXPECT_EQ(turn.attempts(), 0);
}

TEST(SpeechTurnTest, ConfidentInRangeSpeechIsTaken) {
  SpeechTurn turn(collect(4, 6), kTrusting);
  turn.start();
  expectFinished(turn.heard(said("five oh five seven", 0.6)), "5057", "speech");
  EXPECT_EQ(turn.attempts(), 1);
}

TEST(SpeechTurnTest, NumberWordsAreNormalised) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectFinished(turn.heard(said("nineteen eighty four")), "1984", "speech");
}

TEST(SpeechTurnTest, LowConfidenceIsReadBackAndYesTakesIt) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectReadBack(turn.heard(said("one two three four", 0.59)), "1 2 3 4");
  expectFinished(turn.heard(said("yes")), "1234", "speech-confirmed");
  EXPECT_EQ(turn.attempts(), 1);
}

TEST(SpeechTurnTest, ConfirmationByKeyOne) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectReadBack(turn.heard(said("double two three one", 0.1)), "2 2 3 1");
  expectFinished(turn.keyed("1"), "2231", "speech-confirmed");
}

TEST(SpeechTurnTest, ASpokenOneIsNeverASureYesTheKeyIsAskedFor) {
  // "no" in babble is heard as "one" far more often than "yes" is, at any confidence.
  for (const char* text : {"one", "ONE", "1", "one one"}) {
    SpeechTurn turn(collect(2, 2), kTrusting);
    turn.start();
    expectReadBack(turn.heard(said("twenty one", 0.2)), "2 1");
    const TurnStep step = turn.heard(said(text, 1.0));
    EXPECT_EQ(asListen(step).prompt.text, "To confirm 2 1, press 1. If not, press 2.") << text;
    EXPECT_TRUE(turn.askingForKey());
    expectFinished(turn.keyed("1"), "21", "speech-confirmed");
  }
  // With a yes word beside it, it is an answer like any other.
  SpeechTurn turn(collect(2, 2), kTrusting);
  turn.start();
  turn.heard(said("twenty one", 0.2));
  expectFinished(turn.heard(said("yes one", 0.9)), "21", "speech-confirmed");
}

TEST(SpeechTurnTest, AlwaysConfirmReadsBackEvenConfidentSpeech) {
  SpeechTurn turn(collect(6, 6, /*alwaysConfirm=*/true), kTrusting);
  turn.start();
  expectReadBack(turn.heard(said("one two three four five six", 1.0)), "1 2 3, 4 5 6");
  expectFinished(turn.heard(said("that's right")), "123456", "speech-confirmed");
}

TEST(SpeechTurnTest, ShorterThanTheMinimumIsReadBack) {
  SpeechTurn turn(collect(4, 6), kTrusting);
  turn.start();
  expectReadBack(turn.heard(said("one two three", 0.99)), "1 2 3");
  expectFinished(turn.keyed("1"), "123", "speech-confirmed");
}

TEST(SpeechTurnTest, LongerThanTheMaximumReprompts) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectEntryPrompt(turn.heard(said("one two three four five", 0.99)),
                    std::string(kSorryPrefix) + "Please say or enter your user id.", 4, 4);
  EXPECT_EQ(turn.attempts(), 1);
  expectFinished(turn.heard(said("one two three four")), "1234", "speech");
  EXPECT_EQ(turn.attempts(), 2);
}

TEST(SpeechTurnTest, NotANumberOrNothingHeardReprompts) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  const std::string again = std::string(kSorryPrefix) + "Please say or enter your user id.";
  expectEntryPrompt(turn.heard(said("I don't know", 0.99)), again, 4, 4);
  expectEntryPrompt(turn.heard(said("", 0.0)), again, 4, 4);
  EXPECT_EQ(turn.attempts(), 2);
}

TEST(SpeechTurnTest, NoAnswerRepromptsThenTakesTheNewEntry) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectReadBack(turn.heard(said("one two three four", 0.2)), "1 2 3 4");
  expectEntryPrompt(turn.heard(said("no")),
                    std::string(kSorryPrefix) + "Please say or enter your user id.", 4, 4);
  expectFinished(turn.heard(said("four three two one", 0.9)), "4321", "speech");
  EXPECT_EQ(turn.attempts(), 2);
}

TEST(SpeechTurnTest, KeyTwoUnusableAnswerAndSilenceWhileConfirmingReprompt) {
  for (int variant = 0; variant < 4; ++variant) {
    SpeechTurn turn(collect(4, 4), SpeechTurnOptions{0.6, 5});
    turn.start();
    turn.heard(said("one two three four", 0.2));
    TurnStep step = variant == 0   ? turn.keyed("2")
                    : variant == 1 ? turn.heard(said("maybe"))
                    : variant == 2 ? turn.keyed("9")
                                   : turn.noInput();
    expectEntryPrompt(step, std::string(kSorryPrefix) + "Please say or enter your user id.", 4, 4);
    EXPECT_EQ(turn.attempts(), 1) << variant;
  }
}

TEST(SpeechTurnTest, GivesUpAfterMaxAttempts) {
  SpeechTurn turn(collect(4, 4), kTrusting);  // maxAttempts 3
  turn.start();
  EXPECT_TRUE(std::holds_alternative<Listen>(turn.heard(said("banana"))));
  expectReadBack(turn.heard(said("one two three four", 0.1)), "1 2 3 4");
  EXPECT_TRUE(std::holds_alternative<Listen>(turn.heard(said("no"))));
  expectFinished(turn.heard(said("one two three four five six")), std::nullopt, "gave-up");
  EXPECT_EQ(turn.attempts(), 3);
}

TEST(SpeechTurnTest, GivesUpWhenTheLastReadBackIsRejected) {
  SpeechTurn turn(collect(4, 4), SpeechTurnOptions{0.6, 1});
  turn.start();
  expectReadBack(turn.heard(said("one two three four", 0.1)), "1 2 3 4");
  expectFinished(turn.noInput(), std::nullopt, "gave-up");
}

TEST(SpeechTurnTest, AtLeastOneAttempt) {
  SpeechTurn turn(collect(4, 4), SpeechTurnOptions{0.6, 0});
  turn.start();
  expectFinished(turn.heard(said("hello")), std::nullopt, "gave-up");
  EXPECT_EQ(turn.attempts(), 1);
}

TEST(SpeechTurnTest, KeysAreTheEntryOutsideConfirmation) {
  SpeechTurn turn(collect(8, 8), kTrusting);
  turn.start();
  expectFinished(turn.keyed("12345678"), "12345678", "dtmf");
  EXPECT_EQ(turn.attempts(), 0);
}

TEST(SpeechTurnTest, KeysAfterARepromptAreTheEntry) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  turn.heard(said("what"));
  expectFinished(turn.keyed("1"), "1", "dtmf");  // not a confirmation: nothing was read back
}

TEST(SpeechTurnTest, SilenceAtThePromptIsNoInput) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectFinished(turn.noInput(), std::nullopt, "no-input");
}

TEST(SpeechTurnTest, SilenceAfterARepromptIsNoInput) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  turn.heard(said("what"));
  expectFinished(turn.noInput(), std::nullopt, "no-input");
}

TEST(SpeechTurnTest, FinishedStaysFinished) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectFinished(turn.keyed("4321"), "4321", "dtmf");
  expectFinished(turn.heard(said("one two three four")), "4321", "dtmf");
  expectFinished(turn.keyed("9"), "4321", "dtmf");
  expectFinished(turn.noInput(), "4321", "dtmf");
  expectFinished(turn.start(), "4321", "dtmf");
  EXPECT_EQ(turn.attempts(), 0);
}

TEST(SpeechTurnTest, LengthsAreClamped) {
  flow::CollectDigits c = collect(0, 40);
  SpeechTurn wide(c, kTrusting);
  expectEntryPrompt(wide.start(), c.prompt.text, 1, kMaxSpokenDigits);
  expectFinished(wide.heard(said("seven")), "7", "speech");

  SpeechTurn inverted(collect(6, 2), kTrusting);
  expectEntryPrompt(inverted.start(), "Please say or enter your user id.", 6, 6);

  SpeechTurn capped(collect(1, 40), kTrusting);
  capped.start();
  expectEntryPrompt(capped.heard(said(std::string(17, '1'))),
                    std::string(kSorryPrefix) + "Please say or enter your user id.", 1, 16);
  expectFinished(capped.heard(said(std::string(16, '1'))), std::string(16, '1'), "speech");
}

TEST(SpeechTurnTest, NonFiniteConfidenceIsNeverTrusted) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectReadBack(turn.heard(said("one two three four", std::numeric_limits<double>::quiet_NaN())),
                 "1 2 3 4");
}

TEST(SpeechTurnTest, EventsBeforeStartAnswerTheFirstPrompt) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  expectFinished(turn.heard(said("one two three four")), "1234", "speech");
}

TEST(SpeechTurnTest, RepromptOfSsmlAndRecordedPrompts) {
  flow::PlayPrompt ssml{"<speak>Say your <emphasis>PIN</emphasis>.</speak>", true, ""};
  EXPECT_EQ(sorryPrompt(ssml).text,
            "<speak>Sorry, let's try again. You can also use your keypad. Say your "
            "<emphasis>PIN</emphasis>.</speak>");
  EXPECT_TRUE(sorryPrompt(ssml).ssml);

  flow::PlayPrompt ssmlAttrs{"  <speak xml:lang=\"en-US\">Hi</speak>", true, ""};
  EXPECT_EQ(sorryPrompt(ssmlAttrs).text,
            "  <speak xml:lang=\"en-US\">Sorry, let's try again. You can also use your keypad. "
            "Hi</speak>");

  flow::PlayPrompt notSsml{"Hi there", true, ""};
  EXPECT_EQ(sorryPrompt(notSsml).text, "Hi there");  // no <speak> root: unchanged
  flow::PlayPrompt selfClosing{"<speak/>", true, ""};
  EXPECT_EQ(sorryPrompt(selfClosing).text, "<speak/>");
  flow::PlayPrompt unterminated{"<speak", true, ""};
  EXPECT_EQ(sorryPrompt(unterminated).text, "<speak");

  flow::PlayPrompt recorded{"", false, "enter-pin"};
  EXPECT_EQ(sorryPrompt(recorded).promptId, "enter-pin");
  EXPECT_EQ(sorryPrompt(recorded).text, "");

  flow::PlayPrompt empty{"", false, ""};
  EXPECT_EQ(sorryPrompt(empty).text, "Sorry, let's try again.");

  flow::CollectDigits c = collect(4, 4);
  c.prompt = recorded;
  SpeechTurn turn(c, kTrusting);
  EXPECT_EQ(asListen(turn.start()).prompt.promptId, "enter-pin");
  const Listen again = asListen(turn.heard(said("nonsense")));
  EXPECT_EQ(again.prompt.promptId, "enter-pin");
  EXPECT_FALSE(again.confirming);
}

TEST(SpeechTurnTest, NoOffersTheNextReadingOfTheSameUtterance) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectReadBack(turn.heard(withAlternatives("one two three six", {"one two three eight"})),
                 "1 2 3 6");
  expectAlternative(turn.heard(said("no")), "1 2 3 8");
  expectFinished(turn.heard(said("yes")), "1238", "speech-confirmed");
  EXPECT_EQ(turn.attempts(), 1);
}

TEST(SpeechTurnTest, KeyTwoOffersAtMostTwoAlternativesThenReprompts) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  turn.heard(withAlternatives("one two three six",
                              {"one two three eight", "nine two three six", "five two three six"}));
  expectAlternative(turn.keyed("2"), "1 2 3 8");
  expectAlternative(turn.heard(said("nope")), "9 2 3 6");
  expectEntryPrompt(turn.keyed("2"),
                    std::string(kSorryPrefix) + "Please say or enter your user id.", 4, 4);
  EXPECT_EQ(turn.attempts(), 1);
  // The next utterance has its own alternatives; the old ones are gone.
  expectReadBack(turn.heard(withAlternatives("four four four four", {"four four four five"})),
                 "4 4 4 4");
  expectAlternative(turn.keyed("2"), "4 4 4 5");
  expectFinished(turn.keyed("1"), "4445", "speech-confirmed");
  EXPECT_EQ(turn.attempts(), 2);
}

TEST(SpeechTurnTest, UnusableAlternativesAreSkipped) {
  SpeechTurn turn(collect(4, 5), kTrusting);
  turn.start();
  turn.heard(withAlternatives(
      "double one two three",  // 1123
      {"one one two three", "banana", "one two three", "one one two three four five six", "",
       "eleven twenty three", "one one two three nine"}));
  // the same digits, no digits, too short, too long, empty and a duplicate (1123) are skipped
  expectAlternative(turn.keyed("2"), "1 1 2 3 9");
  expectEntryPrompt(turn.keyed("2"),
                    std::string(kSorryPrefix) + "Please say or enter your user id.", 4, 5);
}

TEST(SpeechTurnTest, OnlyANoOffersAnAlternative) {
  for (int variant = 0; variant < 3; ++variant) {
    SpeechTurn turn(collect(4, 4), kTrusting);
    turn.start();
    turn.heard(withAlternatives("one two three six", {"one two three eight"}));
    TurnStep step = variant == 0   ? turn.heard(said("maybe"))
                    : variant == 1 ? turn.keyed("7")
                                   : turn.noInput();
    expectEntryPrompt(step, std::string(kSorryPrefix) + "Please say or enter your user id.", 4, 4);
  }
}

TEST(SpeechTurnTest, ConfidentSpeechIgnoresAlternatives) {
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectFinished(turn.heard(withAlternatives("one two three six", {"one two three eight"}, 0.9)),
                 "1236", "speech");
}

TEST(SpeechTurnTest, RejectedLastAlternativeOnTheLastAttemptGivesUp) {
  SpeechTurn turn(collect(4, 4), SpeechTurnOptions{0.6, 1});
  turn.start();
  turn.heard(withAlternatives("one two three six", {"one two three eight"}));
  expectAlternative(turn.keyed("2"), "1 2 3 8");
  expectFinished(turn.heard(said("no")), std::nullopt, "gave-up");
}

TEST(SpeechTurnTest, AlternativesOfAShortEntryAreOfferedInRange) {
  SpeechTurn turn(collect(4, 6), kTrusting);
  turn.start();
  expectReadBack(turn.heard(withAlternatives("one two three", {"one two three four"}, 0.99)),
                 "1 2 3");
  expectAlternative(turn.keyed("2"), "1 2 3 4");
  expectFinished(turn.heard(said("yes")), "1234", "speech-confirmed");
}

TEST(SpeechTurnTest, ByDefaultEverySpokenEntryIsReadBack) {
  // Even a reading the recogniser is sure of: a misheard id is never taken without a yes.
  SpeechTurn turn(collect(8, 8));
  turn.start();
  expectReadBack(turn.heard(said("one two three four five six seven eight", 1.0)),
                 "1 2 3 4, 5 6 7 8");
  expectFinished(turn.keyed("1"), "12345678", "speech-confirmed");
}

TEST(SpeechTurnTest, AnEmptyNbestListIsReadBackNotAccepted) {
  // A recognition with no alternative reading (confidence as the recogniser reports it then) is
  // read back at the threshold an operator may set, not accepted.
  SpeechTurn turn(collect(4, 4), kTrusting);
  turn.start();
  expectReadBack(turn.heard(Recognition{"one two three four", kNoRivalConfidence, {}}), "1 2 3 4");
  SpeechTurn strict(collect(4, 4), SpeechTurnOptions{1.0, 3});
  strict.start();
  expectReadBack(strict.heard(said("one two three four", 1.0)), "1 2 3 4");
}

TEST(SpeechTurnTest, LongNumbersAreReadBackInGroups) {
  EXPECT_EQ(digitGroups(1), std::vector<int>({1}));
  EXPECT_EQ(digitGroups(5), std::vector<int>({5}));
  EXPECT_EQ(digitGroups(6), std::vector<int>({3, 3}));
  EXPECT_EQ(digitGroups(7), std::vector<int>({3, 4}));
  EXPECT_EQ(digitGroups(8), std::vector<int>({4, 4}));
  EXPECT_EQ(digitGroups(9), std::vector<int>({3, 3, 3}));
  EXPECT_EQ(digitGroups(10), std::vector<int>({3, 3, 4}));
  EXPECT_EQ(digitGroups(11), std::vector<int>({3, 4, 4}));
  EXPECT_EQ(digitGroups(16), std::vector<int>({4, 4, 4, 4}));
  for (int n = 1; n <= kMaxSpokenDigits; ++n) {
    int sum = 0;
    for (int g : digitGroups(n)) sum += g;
    EXPECT_EQ(sum, n);
  }
  EXPECT_EQ(readBackText("12345678").substr(0, 26), "I heard 1 2 3 4, 5 6 7 8. ");
  EXPECT_EQ(alternativeText("9062745").substr(0, 33), "Sorry. Did you say 9 0 6, 2 7 4 5");
}

TEST(SpeechTurnTest, ARepromptOffersTheKeypadUnlessThePromptDoes) {
  flow::PlayPrompt sayIt{"Please say your user id.", false, ""};
  EXPECT_EQ(sorryPrompt(sayIt).text,
            "Sorry, let's try again. You can also use your keypad. Please say your user id.");
  for (const char* mentions : {"Please say or enter your user id.", "Say it, or press it.",
                               "Use the Keypad or say it.", "Say or type your id."}) {
    flow::PlayPrompt p{mentions, false, ""};
    EXPECT_EQ(sorryPrompt(p).text, std::string(kSorryPrefix) + mentions);
  }
}

TEST(SpeechTurnTest, ReadBackSpacesEveryDigit) {
  EXPECT_EQ(readBackText("0"),
            "I heard 0. If that is right, press 1 or say yes. If not, press 2 or say no.");
  EXPECT_EQ(readBackText("007").substr(0, 14), "I heard 0 0 7.");
  EXPECT_EQ(alternativeText("12"),
            "Sorry. Did you say 1 2? If so, press 1 or say yes. If not, press 2 or say no.");
}

// A spoken yes to a read-back counts only when it passed the bar (SpeechTurnOptions::yesFrom):
// a "no" misheard as "yes" in noise comes with a low confidence.
void expectKeyQuestion(const TurnStep& step, const std::string& spaced) {
  const Listen& listen = asListen(step);
  EXPECT_EQ(listen.prompt.text, "To confirm " + spaced + ", press 1. If not, press 2.");
  EXPECT_TRUE(listen.confirming);
  EXPECT_EQ(listen.grammar.name, yesNoGrammar().name);
}

const SpeechTurnOptions kYesFromHalf{0.6, 3, 0.5};

TEST(SpeechTurnTest, AnUnsureYesIsNotTakenTheKeyIsAskedFor) {
  SpeechTurn turn(collect(4, 4), kYesFromHalf);
  turn.start();
  expectReadBack(turn.heard(said("one two three four", 0.2)), "1 2 3 4");
  EXPECT_FALSE(turn.askingForKey());
  expectKeyQuestion(turn.heard(said("yes", 0.49)), "1 2 3 4");
  EXPECT_TRUE(turn.askingForKey());
  EXPECT_EQ(turn.attempts(), 1);  // not a no, not a new attempt
  expectFinished(turn.keyed("1"), "1234", "speech-confirmed");
}

TEST(SpeechTurnTest, AConfidentYesIsTaken) {
  SpeechTurn turn(collect(4, 4), kYesFromHalf);
  turn.start();
  expectReadBack(turn.heard(said("one two three four", 0.2)), "1 2 3 4");
  expectFinished(turn.heard(said("yeah", 0.5)), "1234", "speech-confirmed");
}

TEST(SpeechTurnTest, TheDefaultBarAsksForTheKeyWhenTheRecogniserHasNoRival) {
  // The recogniser reports kNoRivalConfidence when its lattice holds no "no" at all: not
  // certainty, so not a yes at the default bar. NaN is never above a bar either.
  for (double confidence : {kNoRivalConfidence, 0.0, std::numeric_limits<double>::quiet_NaN()}) {
    SpeechTurn turn(collect(4, 4), SpeechTurnOptions{});
    turn.start();
    expectReadBack(turn.heard(said("one two three four", 1.0)), "1 2 3 4");
    expectKeyQuestion(turn.heard(said("yes", confidence)), "1 2 3 4");
    expectFinished(turn.keyed("1"), "1234", "speech-confirmed");
  }
}

TEST(SpeechTurnTest, AnUnsureYesAfterTheKeyQuestionStillDoesNotConfirm) {
  SpeechTurn turn(collect(4, 4), kYesFromHalf);
  turn.start();
  turn.heard(said("one two three four", 0.2));
  expectKeyQuestion(turn.heard(said("yes", 0.3)), "1 2 3 4");
  expectEntryPrompt(turn.heard(said("yes", 0.3)),
                    std::string(kSorryPrefix) + "Please say or enter your user id.", 4, 4);
  EXPECT_FALSE(turn.askingForKey());
}

TEST(SpeechTurnTest, TheKeyQuestionTakesAConfidentYesAndKeyTwoIsANo) {
  SpeechTurn yes(collect(4, 4), kYesFromHalf);
  yes.start();
  yes.heard(said("one two three four", 0.2));
  yes.heard(said("yes", 0.1));
  expectFinished(yes.heard(said("yes", 0.95)), "1234", "speech-confirmed");

  // Key 2 is a no: the next reading of the utterance is offered, and an unsure yes to it asks
  // for the key again, for those digits.
  SpeechTurn no(collect(4, 4), kYesFromHalf);
  no.start();
  no.heard(withAlternatives("one two three four", {"one two three five"}));
  expectKeyQuestion(no.heard(said("yes", 0.1)), "1 2 3 4");
  expectAlternative(no.keyed("2"), "1 2 3 5");
  expectKeyQuestion(no.heard(said("right", 0.2)), "1 2 3 5");
  expectFinished(no.keyed("1"), "1235", "speech-confirmed");
}

TEST(SpeechTurnTest, SilenceOrAnyOtherKeyAtTheKeyQuestionReprompts) {
  for (int variant = 0; variant < 3; ++variant) {
    SpeechTurn turn(collect(4, 4), kYesFromHalf);
    turn.start();
    turn.heard(said("one two three four", 0.2));
    turn.heard(said("yes", 0.1));
    TurnStep step = variant == 0   ? turn.noInput()
                    : variant == 1 ? turn.keyed("7")
                                   : turn.heard(said("", 0.0));
    expectEntryPrompt(step, std::string(kSorryPrefix) + "Please say or enter your user id.", 4, 4);
  }
}

TEST(SpeechTurnTest, UnsureYesesNeverConfirmAndTheAttemptsStayBounded) {
  for (int maxAttempts = 1; maxAttempts <= 4; ++maxAttempts) {
    SpeechTurn turn(collect(4, 4), SpeechTurnOptions{0.6, maxAttempts, 0.5});
    TurnStep step = turn.start();
    int steps = 0;
    for (; std::holds_alternative<Listen>(step) && steps < 100; ++steps) {
      const Listen& listen = std::get<Listen>(step);
      step = listen.confirming ? turn.heard(said("yes", 0.4))
                               : turn.heard(withAlternatives("one two three four", {"four four"
                                                                                    " four four"}));
    }
    expectFinished(step, std::nullopt, "gave-up");
    EXPECT_EQ(turn.attempts(), maxAttempts);
    EXPECT_EQ(steps, 3 * maxAttempts);  // per attempt: entry, read-back, key question
  }
}

// Parts: a fixed-length entry of two groups or more is taken group by group after a no.

constexpr const char* kYesNoKeys = "If so, press 1 or say yes. If not, press 2 or say no.";

void expectPart(const TurnStep& step, const std::string& text, bool confirming, int offset,
                int length) {
  const Listen& listen = asListen(step);
  EXPECT_EQ(listen.prompt.text, text);
  EXPECT_EQ(listen.confirming, confirming);
  EXPECT_EQ(listen.partOffset, offset);
  EXPECT_EQ(listen.partLength, length);
  EXPECT_EQ(listen.grammar.name,
            confirming ? yesNoGrammar().name : digitGrammar(length, length).name);
  EXPECT_EQ(listen.minSpeechMs, confirming ? 0 : length * kShortestMsPerDigit);
}

std::string partReadBack(const std::string& spaced) {
  return "I heard " + spaced + ". If that is right, press 1 or say yes. If not, press 2 or say no.";
}

// An 8-digit turn that read back 12345678, heard no, checked 1 2 3 4 and heard no again: it now
// asks for the first four digits.
void askForTheFirstGroup(SpeechTurn& turn) {
  turn.start();
  turn.heard(said("one two three four five six seven eight"));
  turn.heard(said("no"));
  expectPart(turn.heard(said("no")), "Please say the first four digits.", false, 0, 4);
}

TEST(SpeechTurnTest, ARejectedReadingIsCheckedGroupByGroupAndOnlyTheWrongGroupSaidAgain) {
  SpeechTurn turn(collect(8, 8));
  EXPECT_EQ(asListen(turn.start()).partLength, 0);
  EXPECT_EQ(asListen(turn.heard(said("one two three four five six seven eight"))).partLength, 0);
  expectPart(
      turn.heard(said("no")),
      std::string("Let's check it in parts. Were the first four digits 1 2 3 4? ") + kYesNoKeys,
      true, 0, 4);
  // The first group was right, so the last one was wrong: it is asked for, not checked.
  expectPart(turn.heard(said("yes")), "Please say the last four digits.", false, 4, 4);
  expectPart(turn.heard(said("five six seven nine")), partReadBack("5 6 7 9"), true, 4, 4);
  expectFinished(turn.keyed("1"), "12345679", "speech-confirmed");
  EXPECT_EQ(turn.attempts(), 2);
}

TEST(SpeechTurnTest, AfterAGroupWasSaidAgainTheNextGroupIsCheckedToo) {
  SpeechTurn turn(collect(8, 8));
  turn.start();
  turn.heard(said("one two three four five six seven eight"));
  turn.keyed("2");
  expectPart(turn.keyed("2"), "Please say the first four digits.", false, 0, 4);
  expectPart(turn.heard(said("one two three five")), partReadBack("1 2 3 5"), true, 0, 4);
  expectPart(turn.heard(said("yes")),
             std::string("Were the last four digits 5 6 7 8? ") + kYesNoKeys, true, 4, 4);
  expectFinished(turn.heard(said("correct")), "12355678", "speech-confirmed");
  EXPECT_EQ(turn.attempts(), 2);
}

TEST(SpeechTurnTest, AGroupHasItsAlternativesThenItsTriesThenTheTurnGivesUp) {
  SpeechTurn turn(collect(8, 8));  // maxAttempts 3: each group may be said twice
  askForTheFirstGroup(turn);
  expectPart(turn.heard(withAlternatives("one two three five",
                                         {"one two three six", "one two three four five"})),
             partReadBack("1 2 3 5"), true, 0, 4);
  // The alternative of the group's length only.
  expectPart(turn.heard(said("no")), std::string("Sorry. Did you say 1 2 3 6? ") + kYesNoKeys, true,
             0, 4);
  expectPart(turn.heard(said("no")), "Sorry, let's try again. Please say the first four digits.",
             false, 0, 4);
  // Speech of another length is no answer for the group: its last try is gone.
  expectFinished(turn.heard(said("one two three four five six")), std::nullopt, "gave-up");
  EXPECT_EQ(turn.attempts(), 3);
}

TEST(SpeechTurnTest, AnUnsureYesToACheckAsksForTheKey) {
  SpeechTurn turn(collect(8, 8));
  turn.start();
  turn.heard(said("one two three four five six seven eight"));
  turn.heard(said("no"));
  const TurnStep step = turn.heard(said("yes", 0.3));
  const Listen& ask = asListen(step);
  EXPECT_EQ(ask.prompt.text, "To confirm 1 2 3 4, press 1. If not, press 2.");
  EXPECT_TRUE(turn.askingForKey());
  EXPECT_EQ(ask.partLength, 4);
  expectPart(turn.keyed("1"), "Please say the last four digits.", false, 4, 4);
}

TEST(SpeechTurnTest, NoAnswerToACheckAsksForTheGroup) {
  for (int variant = 0; variant < 3; ++variant) {
    SpeechTurn turn(collect(8, 8));
    turn.start();
    turn.heard(said("one two three four five six seven eight"));
    turn.heard(said("no"));
    TurnStep step = variant == 0   ? turn.noInput()
                    : variant == 1 ? turn.keyed("5")
                                   : turn.heard(said("maybe"));
    expectPart(step, "Sorry, let's try again. Please say the first four digits.", false, 0, 4);
  }
}

TEST(SpeechTurnTest, KeysForAGroupAreTheGroupAndAWholeEntryIsTheEntry) {
  SpeechTurn turn(collect(8, 8));
  askForTheFirstGroup(turn);
  expectPart(turn.keyed("4321"), std::string("Were the last four digits 5 6 7 8? ") + kYesNoKeys,
             true, 4, 4);
  expectPart(turn.keyed("2"), "Please say the last four digits.", false, 4, 4);
  expectFinished(turn.keyed("87654321"), "87654321", "dtmf");
}

TEST(SpeechTurnTest, SilenceWhenAGroupIsAskedForIsNoInput) {
  SpeechTurn turn(collect(8, 8));
  askForTheFirstGroup(turn);
  expectFinished(turn.noInput(), std::nullopt, "no-input");
}

TEST(SpeechTurnTest, AReadingOfTheWrongLengthIsNotCheckedItsGroupsAreAskedFor) {
  // 10 digits: groups 3 3 4.
  SpeechTurn turn(collect(10, 10));
  turn.start();
  expectReadBack(turn.heard(said("one two three")), "1 2 3");
  expectPart(turn.heard(said("no")), "Let's take it in parts. Please say the first three digits.",
             false, 0, 3);
  turn.heard(said("nine oh six"));
  expectPart(turn.keyed("1"), "Please say the next three digits.", false, 3, 3);
  turn.heard(said("two seven four"));
  expectPart(turn.heard(said("yes")), "Please say the last four digits.", false, 6, 4);
  turn.heard(said("five one one two"));
  expectFinished(turn.heard(said("yes")), "9062745112", "speech-confirmed");
  EXPECT_EQ(turn.attempts(), 4);
}

TEST(SpeechTurnTest, GroupsAreReadBackEvenWhenTheOperatorTrustsResults) {
  SpeechTurn turn(collect(8, 8), kTrusting);
  turn.start();
  turn.heard(said("one two three four five six seven eight", 0.2));
  turn.heard(said("no"));
  turn.heard(said("no"));
  expectPart(turn.heard(said("one two three five", 1.0)), partReadBack("1 2 3 5"), true, 0, 4);
  expectPart(turn.heard(said("yes")),
             std::string("Were the last four digits 5 6 7 8? ") + kYesNoKeys, true, 4, 4);
  expectFinished(turn.heard(said("yes")), "12355678", "speech-confirmed");
}

TEST(SpeechTurnTest, NoPartsForShortOrVariableEntriesOrASingleAttempt) {
  for (const auto& [lo, hi, maxAttempts] :
       std::vector<std::tuple<int, int, int>>{{5, 5, 3}, {6, 8, 3}, {8, 8, 1}}) {
    SpeechTurn turn(collect(lo, hi), SpeechTurnOptions{1.0, maxAttempts});
    turn.start();
    turn.heard(said("one two three four five"));
    TurnStep step = turn.heard(said("no"));
    if (maxAttempts == 1) {
      expectFinished(step, std::nullopt, "gave-up");
    } else {
      expectEntryPrompt(step, std::string(kSorryPrefix) + "Please say or enter your user id.", lo,
                        hi);
    }
  }
}

}  // namespace
}  // namespace callgate::speech
