// StateCipher: round trips, and every way a sealed value can be wrong fails to open.
#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <set>
#include <string>

#include "adapters/security/crypto/state_cipher.h"

namespace callgate {
namespace {

const std::string kMaster(32, 'k');
constexpr std::string_view kContext = "testctx1";
constexpr std::string_view kAd = "row-1|CA1";
const std::string kSecret = R"({"storedCustomerInput":"4321","attributes":{"userId":"86420"}})";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::unique_ptr<StateCipher> cipher(const std::string& master = kMaster,
                                    std::string_view context = kContext, uint64_t id = 1) {
  auto c = StateCipher::derive(master, context, id);
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message());
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(StateCipherTest, RoundTripsAndHidesThePlaintext) {
  auto c = cipher();
  for (const std::string& plain :
       {kSecret, std::string(), std::string(100000, 'x'), std::string("\0\xff binary", 9)}) {
    const std::string sealed = c->seal(plain, kAd);
    EXPECT_TRUE(sealed.starts_with("v1."));
    EXPECT_EQ(sealed.find_first_not_of(kAlphabet, 3), std::string::npos);  // safe in a TEXT column
    auto opened = c->open(sealed, kAd);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    EXPECT_EQ(*opened, plain);
  }
  const std::string sealed = c->seal(kSecret, kAd);
  EXPECT_EQ(sealed.find("4321"), std::string::npos);
  EXPECT_EQ(sealed.find("86420"), std::string::npos);
  EXPECT_EQ(sealed.find("storedCustomerInput"), std::string::npos);
}

TEST(StateCipherTest, EverySealUsesAFreshNonce) {
  auto c = cipher();
  std::set<std::string> seen;
  std::set<std::string> nonces;
  for (int i = 0; i < 50; ++i) {
    const std::string sealed = c->seal(kSecret, kAd);
    seen.insert(sealed);
    // The first 32 base64 characters after "v1." encode the 24-byte nonce.
    nonces.insert(sealed.substr(3, 32));
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_EQ(nonces.size(), 50u);
}

TEST(StateCipherTest, AlteringAnyCharacterFailsToOpen) {
  auto c = cipher();
  const std::string sealed = c->seal(kSecret, kAd);
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (char replacement : {'A', 'B', '.', '='}) {
      if (sealed[i] == replacement) continue;
      std::string tampered = sealed;
      tampered[i] = replacement;
      auto opened = c->open(tampered, kAd);
      ASSERT_FALSE(opened.ok()) << "position " << i << " -> " << replacement;
      EXPECT_EQ(opened.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(StateCipherTest, AlteringAnyByteOfTheBoxFailsToOpen) {
  // Re-encoded canonically, so the change reaches the authenticator rather than the decoder.
  auto c = cipher();
  const std::string sealed = c->seal(kSecret, kAd);
  std::string box(sealed.size(), '\0');
  size_t boxBytes = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(),
                              sealed.data() + 3, sealed.size() - 3, nullptr, &boxBytes, nullptr,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            0);
  box.resize(boxBytes);
  for (size_t i = 0; i < box.size(); ++i) {
    std::string flipped = box;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    std::string text(
        sodium_base64_ENCODED_LEN(flipped.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(text.data(), text.size(),
                      reinterpret_cast<const unsigned char*>(flipped.data()), flipped.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    text.pop_back();  // NUL
    EXPECT_FALSE(c->open("v1." + text, kAd).ok()) << "byte " << i;
  }
}

TEST(StateCipherTest, TruncatedExtendedOrForeignTextFailsToOpen) {
  auto c = cipher();
  const std::string sealed = c->seal(kSecret, kAd);
  EXPECT_FALSE(c->open(sealed.substr(0, sealed.size() - 1), kAd).ok());
  EXPECT_FALSE(c->open(sealed + "A", kAd).ok());
  EXPECT_FALSE(c->open(sealed + "AAAA", kAd).ok());
  EXPECT_FALSE(c->open("v1.", kAd).ok());
  EXPECT_FALSE(c->open("v1.AAAA", kAd).ok());
  EXPECT_FALSE(c->open("", kAd).ok());
  EXPECT_FALSE(c->open(kSecret, kAd).ok());  // plain JSON from before sealing
  EXPECT_FALSE(c->open("v2." + sealed.substr(3), kAd).ok());
  auto error = c->open(sealed.substr(0, 40), kAd);
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().message().find(sealed.substr(3, 10)), std::string::npos);
}

TEST(StateCipherTest, OtherAssociatedDataFailsToOpen) {
  auto c = cipher();
  const std::string sealed = c->seal(kSecret, kAd);
  EXPECT_FALSE(c->open(sealed, "row-2|CA1").ok());
  EXPECT_FALSE(c->open(sealed, "").ok());
  EXPECT_FALSE(c->open(sealed, std::string(kAd) + " ").ok());
  EXPECT_TRUE(c->open(sealed, kAd).ok());
}

TEST(StateCipherTest, OnlyTheSameDerivedKeyOpens) {
  auto c = cipher();
  const std::string sealed = c->seal(kSecret, kAd);
  // Another node with the same secret opens it.
  auto same = cipher();
  ASSERT_TRUE(same->open(sealed, kAd).ok());
  EXPECT_EQ(*same->open(sealed, kAd), kSecret);
  // Another secret, context or subkey id does not.
  EXPECT_FALSE(cipher(std::string(32, 'K'))->open(sealed, kAd).ok());
  EXPECT_FALSE(cipher(kMaster, "testctx2")->open(sealed, kAd).ok());
  EXPECT_FALSE(cipher(kMaster, kContext, 2)->open(sealed, kAd).ok());
}

TEST(StateCipherTest, RejectsAMasterKeyOrContextOfTheWrongSize) {
  for (const std::string& master :
       {std::string(), std::string(31, 'k'), std::string(33, 'k'), std::string(64, 'a')}) {
    auto c = StateCipher::derive(master, kContext, 1);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(StateCipher::derive(kMaster, "short", 1).ok());
  EXPECT_FALSE(StateCipher::derive(kMaster, "ninechars", 1).ok());
}

}  // namespace
}  // namespace callgate
