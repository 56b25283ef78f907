#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "adapters/security/crypto/hmac_code_hasher.h"

namespace callgate {
namespace {

const std::string kKey32(32, 'k');

// RFC 4231 section 4.2, test case 1.
TEST(HmacCodeHasherTest, MatchesRfc4231TestCase1) {
  HmacCodeHasher hasher(std::string(20, '\x0b'));
  EXPECT_EQ(hasher.digest("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// RFC 4231 section 4.3, test case 2: a key shorter than the output.
TEST(HmacCodeHasherTest, MatchesRfc4231TestCase2) {
  HmacCodeHasher hasher("Jefe");
  EXPECT_EQ(hasher.digest("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4231 section 4.7, test case 6: a key longer than the block is hashed first.
TEST(HmacCodeHasherTest, MatchesRfc4231TestCase6) {
  HmacCodeHasher hasher(std::string(131, '\xaa'));
  EXPECT_EQ(hasher.digest("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacCodeHasherTest, DigestIsStableLowercaseHexAndDependsOnTheKey) {
  HmacCodeHasher hasher(kKey32);
  const std::string d = hasher.digest("123456");
  ASSERT_EQ(d.size(), 64u);
  EXPECT_EQ(d.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(hasher.digest("123456"), d);
  EXPECT_NE(hasher.digest("123457"), d);
  EXPECT_NE(HmacCodeHasher(std::string(32, 'K')).digest("123456"), d);
}

TEST(HmacCodeHasherTest, MatchesOnlyTheRightMessageAndAWellFormedDigest) {
  HmacCodeHasher hasher(kKey32);
  const std::string d = hasher.digest("123456");
  EXPECT_TRUE(hasher.matches(d, "123456"));
  EXPECT_FALSE(hasher.matches(d, "123457"));
  EXPECT_FALSE(hasher.matches(d, ""));
  EXPECT_FALSE(hasher.matches("", "123456"));
  EXPECT_FALSE(hasher.matches(d.substr(0, 63), "123456"));  // a prefix is not a match
  EXPECT_FALSE(hasher.matches(d + "0", "123456"));          // nor is an extension
  std::string upper = d;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != d) {
    EXPECT_FALSE(hasher.matches(upper, "123456"));
  }
}

TEST(HmacCodeHasherTest, IsSafeToShareAcrossThreads) {
  HmacCodeHasher hasher(kKey32);
  const std::string want = hasher.digest("000000");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) EXPECT_TRUE(hasher.matches(want, "000000"));
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace callgate
