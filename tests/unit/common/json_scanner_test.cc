// JsonScanner against nlohmann::json as the reference: the same texts must be accepted and
// rejected, and strings must decode to the same bytes.

#include "common/json_scanner.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace callgate::json {
namespace {

using nlohmann::json;

bool scannerAccepts(std::string_view text) {
  JsonScanner s(text, 64);
  return s.skipValue() && s.finish();
}

bool referenceAccepts(std::string_view text) { return json::accept(text); }

const char* const kValid[] = {
    "{}",
    "[]",
    "0",
    "-0",
    "1.5e10",
    "-12.25E-3",
    "true",
    "false",
    "null",
    "\"\"",
    R"({"a":[1,2,{"b":null}],"c":"d"})",
    " \n\t{ \"k\" : [ ] } \r\n",
    R"(["\u00e9\ud83d\ude00"])",
    R"("esc \" \\ \/ \b \f \n \r \t")",
    "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
    "[[[[[]]]]]",
    R"({"a":1,"a":2})",
    "1E+2",
    "0.0",
};

const char* const kInvalid[] = {
    "",
    " ",
    "{",
    "}",
    "[",
    "[1,]",
    "{,}",
    R"({"a":})",
    R"({"a" 1})",
    R"({a:1})",
    "{'a':1}",
    "01",
    "1.",
    ".5",
    "-",
    "+1",
    "1e",
    "1e+",
    "tru",
    "nul",
    "True",
    "NaN",
    "[1 2]",
    R"({"a":1,})",
    "\"unterminated",
    "\"bad \\x escape\"",
    "\"\\u12\"",
    "\"\\ud800\"",
    "\"\\udc00\"",
    "\"\\ud800\\u0041\"",
    "\"raw \x01 control\"",
    "\"bad utf8 \xff\"",
    "\"overlong \xc0\xaf\"",
    "\"surrogate \xed\xa0\x80\"",
    "\"truncated \xe2\x82\"",
    "{} {}",
    "[] x",
    "\"\xf4\x90\x80\x80\"",
};

TEST(JsonScannerTest, AcceptsWhatNlohmannAccepts) {
  for (const char* text : kValid) {
    EXPECT_TRUE(referenceAccepts(text)) << text;
    EXPECT_TRUE(scannerAccepts(text)) << text;
  }
}

TEST(JsonScannerTest, RejectsWhatNlohmannRejects) {
  for (const char* text : kInvalid) {
    EXPECT_FALSE(referenceAccepts(text)) << text;
    EXPECT_FALSE(scannerAccepts(text)) << text;
  }
}

TEST(JsonScannerTest, DecodesStringsLikeNlohmann) {
  for (const char* text :
       {R"("plain")", R"("a\"b\\c\/d\b\f\n\r\t")", R"("\u00e9\u4e2d\ud83d\ude00")",
        "\"caf\xc3\xa9\"", R"("mixed \u0041 and \n")"}) {
    JsonScanner s(text, 8);
    std::string out;
    ASSERT_TRUE(s.readString(out)) << text;
    EXPECT_EQ(out, json::parse(text).get<std::string>()) << text;
  }
}

TEST(JsonScannerTest, WalksObjectsAndGivesKeys) {
  JsonScanner s(R"({"a":"x","b\u0021":[1,{"c":2}],"d":{"e":"y"}})", 8);
  std::vector<std::string> keys;
  std::string a, e;
  ASSERT_TRUE(s.forEachMember([&](std::string_view key) {
    keys.emplace_back(key);
    if (key == "a") return s.readString(a);
    if (key == "d") {
      return s.forEachMember([&](std::string_view k) { return k == "e" && s.readString(e); });
    }
    return s.skipValue();
  }));
  EXPECT_TRUE(s.finish());
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b!", "d"}));
  EXPECT_EQ(a, "x");
  EXPECT_EQ(e, "y");
}

TEST(JsonScannerTest, StopsAtTheDepthLimit) {
  JsonScanner ok("[[[1]]]", 3);
  EXPECT_TRUE(ok.skipValue());
  JsonScanner deep("[[[[1]]]]", 3);
  EXPECT_FALSE(deep.skipValue());
  EXPECT_TRUE(deep.depthExceeded());
  JsonScanner deepObject(R"({"a":{"b":{"c":{}}}})", 3);
  EXPECT_FALSE(deepObject.skipValue());
  EXPECT_TRUE(deepObject.depthExceeded());
}

TEST(JsonScannerTest, PeekReportsKinds) {
  using Kind = JsonScanner::Kind;
  EXPECT_EQ(JsonScanner(" {", 1).peek(), Kind::kObject);
  EXPECT_EQ(JsonScanner("[", 1).peek(), Kind::kArray);
  EXPECT_EQ(JsonScanner("\"", 1).peek(), Kind::kString);
  EXPECT_EQ(JsonScanner("-1", 1).peek(), Kind::kNumber);
  EXPECT_EQ(JsonScanner("false", 1).peek(), Kind::kBool);
  EXPECT_EQ(JsonScanner("null", 1).peek(), Kind::kNull);
  EXPECT_EQ(JsonScanner("x", 1).peek(), Kind::kInvalid);
  EXPECT_EQ(JsonScanner("", 1).peek(), Kind::kInvalid);
}

// Random byte edits of a realistic event: the scanner and nlohmann must agree every time.
TEST(JsonScannerTest, AgreesWithNlohmannOnMutatedEvents) {
  const std::string seed =
      R"({"Details":{"ContactData":{"Attributes":{"k":"v\u00e9"},"ContactId":"c-1",)"
      R"("CustomerEndpoint":{"Address":"+14155550100","Type":"TELEPHONE_NUMBER"},)"
      R"("LanguageCode":"en-US","Queue":null,"MediaStreams":{"Customer":{"Audio":null}},)"
      R"("Numbers":[0,-1.5e3,true,false]},"Parameters":{"code":"12\"34"}},"Name":"ContactFlowEvent"})";
  const std::string alphabet = "{}[]\",:\\ -+.0123456789eEtrufalsn\x01\xc3\xa9\xff\xed";
  std::mt19937 rng(12345);
  int disagreements = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = seed;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % (text.size() + 1);
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          if (pos < text.size()) text[pos] = c;
          break;
        case 1:
          text.insert(pos, 1, c);
          break;
        default:
          if (pos < text.size()) text.erase(pos, 1);
          break;
      }
    }
    if (rng() % 10 == 0) text.resize(rng() % text.size());
    if (scannerAccepts(text) != referenceAccepts(text)) {
      ADD_FAILURE() << "disagreement on: " << text;
      if (++disagreements > 5) break;
    }
  }
}

}  // namespace
}  // namespace callgate::json
