// Spoken numbers to keypad digits, and spoken yes/no answers: turns a speech transcript such as
// "five oh five seven", "double two three one", "1 2 3 4.", "twenty one" or "two thousand and
// five" into "5057", "2231", "1234", "21", "2005", so a caller may say what they would otherwise
// key. Shared by every channel that gets text (the pocketsphinx recogniser, Twilio SpeechResult).
// Pure; thread-safe; bounded work on any input (transcripts over 1024 bytes are refused).
//
// What spokenDigits understands (case-insensitive; spaces and , . - ! ? ; : separate words):
//  - digit words: zero, oh, o, nought, one .. nine -> one digit each;
//  - numerals: "42" -> "42" (never combined with number words: "5 hundred" is refused);
//  - "double"/"triple" before a digit word or numeral repeat its first digit ("double 56" -> 556);
//  - teens and tens: ten .. nineteen, twenty .. ninety; a ten takes one following unit
//    one..nine ("twenty one" -> 21, "forty" -> 40);
//  - hundred after 1..99 said in words, or "a" ("one hundred" -> 100, "nineteen hundred" -> 1900,
//    "a hundred" -> 100), then optionally "and" and 1..99 ("five hundred and six" -> 506);
//  - thousand after 1..999 said in words ("two thousand" -> 2000, "two thousand twenty four" ->
//    2024, "two thousand five hundred and six" -> 2506, "ten thousand" -> 10000); after a
//    thousand only a single digit word may take a hundred;
//  - fillers (uh, um, umm, er, erm, ah) are skipped.
// Anything that does not join the number being said starts a new one, and the pieces are written
// one after the other, as a caller reading out a code means them:
//  - "twenty twenty" -> 2020, "nineteen eighty four" -> 1984, "one twenty" -> 120,
//    "twenty one twenty one" -> 2121, "ten one" -> 101;
//  - zero words never join a ten: "twenty oh one" -> "20" "0" "1" -> 2001 (a year said that way
//    means the same), "twenty zero" -> 200;
//  - "five hundred oh six" -> "500" "0" "6" -> 50006 (literal; a confirmation turn or the
//    expected length catches the rare caller who meant 506).
// Refused (nullopt), so a misheard phrase never becomes a partial entry: any other word, "and"
// anywhere but right after hundred/thousand and before 1..99, "a" not before hundred/thousand,
// a hundred with no multiplier ("hundred", "double one hundred"), "million" and beyond, "double"
// not followed by a digit ("double twenty"), and a transcript with no digit at all.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace callgate {

// The digits the transcript spells, or nullopt when any word is not part of a spoken number
// (so "I don't know" never becomes an empty or partial entry) or no digit is left.
std::optional<std::string> spokenDigits(std::string_view transcript);

// A confirmation answer: true for yes, yeah, yep, yup, correct, right, "that's right" /
// "that is right", "one" or "1" (the keypad answer, spoken); false for no, nope, wrong, incorrect,
// "not right", "that's not correct", "two" or "2"; repeated agreeing answers count once ("yes yes",
// "yes that's right"). nullopt for anything else, including answers that disagree ("yes no").
std::optional<bool> spokenYesNo(std::string_view transcript);

// Whether a transcript is a yes said only as the keypad's answer word: "one" or "1", once or
// repeated, and nothing else (SpeechTurn never takes it as a sure yes).
bool spokenKeyOnly(std::string_view transcript);

}  // namespace callgate
