#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "adapters/security/stir/identity_parts.h"
#include "adapters/security/stir/identity_signer.h"
#include "unit/adapters/security/stir/stir_test_support.h"

namespace callgate::stir {
namespace {

using callgate::testing::TempDir;
using nlohmann::json;

constexpr int64_t kIat = 1767225600;

TEST(StirIdentitySignerTest, MakesAShakenIdentityHeader) {
  TempDir dir;
  const auto keys = testing::makeKeyFiles(dir, "k", kIat - 60, kIat + 60);
  auto header = makeIdentityHeader(keys.privateKey, Attestation::kB, "+1-415-555-0100",
                                   "+18005550199", kIat, "https://cert.example/sti.pem");
  ASSERT_TRUE(header.ok()) << header.error().toString();

  auto parts = splitIdentityHeader(header.value());
  ASSERT_TRUE(parts.has_value()) << header.value();
  EXPECT_EQ(parts->params.at("info"), "https://cert.example/sti.pem");
  EXPECT_EQ(parts->params.at("alg"), "ES256");
  EXPECT_EQ(parts->params.at("ppt"), "shaken");
  EXPECT_NE(header->find(";info=<https://cert.example/sti.pem>;alg=ES256;ppt=shaken"),
            std::string::npos);

  EXPECT_EQ(json::parse(*base64UrlDecode(parts->segments[0])),
            json({{"alg", "ES256"},
                  {"ppt", "shaken"},
                  {"typ", "passport"},
                  {"x5u", "https://cert.example/sti.pem"}}));
  const json payload = json::parse(*base64UrlDecode(parts->segments[1]));
  EXPECT_EQ(payload["attest"], "B");
  EXPECT_EQ(payload["orig"]["tn"], "14155550100");
  EXPECT_EQ(payload["dest"]["tn"], json::array({"18005550199"}));
  EXPECT_EQ(payload["iat"], kIat);
  EXPECT_TRUE(std::regex_match(payload["origid"].get<std::string>(),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}")));
  EXPECT_EQ(base64UrlDecode(parts->segments[2])->size(), 64u);  // raw r||s for ES256

  auto again = makeIdentityHeader(keys.privateKey, Attestation::kB, "14155550100", "18005550199",
                                  kIat, "https://cert.example/sti.pem");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again.value(), header.value());  // fresh origid and ECDSA nonce
}

TEST(StirIdentitySignerTest, DefaultX5uIsALabelOnly) {
  TempDir dir;
  const auto keys = testing::makeKeyFiles(dir, "k", kIat - 60, kIat + 60);
  auto header =
      makeIdentityHeader(keys.privateKey, Attestation::kA, "14155550100", "18005550199", kIat);
  ASSERT_TRUE(header.ok());
  EXPECT_NE(header->find(";info=<" + std::string(kDefaultX5u) + ">"), std::string::npos);
}

TEST(StirIdentitySignerTest, RefusesBadInputNamingTheKeyFile) {
  TempDir dir;
  const auto keys = testing::makeKeyFiles(dir, "k", kIat - 60, kIat + 60);
  const auto rsa = testing::makeKeyFiles(dir, "rsa", kIat - 60, kIat + 60, /*rsa=*/true);
  auto message = [](const Result<std::string>& r) {
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message();
  };
  EXPECT_NE(message(makeIdentityHeader(dir.file("nope.pem"), Attestation::kA, "1", "2", kIat))
                .find(dir.file("nope.pem")),
            std::string::npos);
  EXPECT_NE(message(makeIdentityHeader(keys.publicKey, Attestation::kA, "1", "2", kIat))
                .find(keys.publicKey),
            std::string::npos);
  EXPECT_NE(message(makeIdentityHeader(rsa.privateKey, Attestation::kA, "1", "2", kIat))
                .find("not an EC P-256 key"),
            std::string::npos);
  EXPECT_FALSE(makeIdentityHeader(keys.privateKey, Attestation::kNone, "1", "2", kIat).ok());
  EXPECT_FALSE(makeIdentityHeader(keys.privateKey, Attestation::kA, "alice", "2", kIat).ok());
  EXPECT_FALSE(makeIdentityHeader(keys.privateKey, Attestation::kA, "1", "", kIat).ok());
  EXPECT_FALSE(makeIdentityHeader(keys.privateKey, Attestation::kA, "1", "2", kIat, "a b").ok());
  EXPECT_FALSE(makeIdentityHeader(keys.privateKey, Attestation::kA, "1", "2", -1).ok());
}

}  // namespace
}  // namespace callgate::stir
