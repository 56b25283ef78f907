#include <gtest/gtest.h>
#include <secsipid.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "adapters/security/stir/caller_trust.h"
#include "adapters/security/stir/identity_parts.h"
#include "adapters/security/stir/identity_signer.h"
#include "unit/adapters/security/stir/stir_test_support.h"

namespace callgate::stir {
namespace {

using callgate::testing::TempDir;
using nlohmann::json;
using testing::KeyFiles;
using testing::makeKeyFiles;

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
constexpr char kCaller[] = "+14155550100";
constexpr char kDialled[] = "+18005550199";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class StirCallerTrustTest : public ::testing::Test {
 protected:
  CallerTrust trust(CallerTrustOptions options = {}) {
    if (options.publicKeyFiles.empty() && options.certificateFiles.empty()) {
      options.publicKeyFiles = {carrier_.publicKey};
    }
    auto t = CallerTrust::create(options);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().toString());
    return std::move(t.value());
  }

  std::string sign(Attestation a = Attestation::kA, const std::string& orig = "14155550100",
                   const std::string& dest = "18005550199", int64_t iat = kNow,
                   const KeyFiles* key = nullptr) {
    auto h = makeIdentityHeader((key ? key : &carrier_)->privateKey, a, orig, dest, iat);
    EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error().toString());
    return h.ok() ? h.value() : std::string();
  }

  // A PASSporT with any header and payload JSON, really signed by the carrier key.
  std::string signRaw(const json& header, const json& payload, const std::string& params) {
    std::string h = header.dump();
    std::string p = payload.dump();
    std::string key = carrier_.privateKey;
    char* out = nullptr;
    const int len = SecSIPIDSignJSONHP(h.data(), p.data(), key.data(), &out);
    std::string jwt = len > 0 && out != nullptr ? std::string(out, static_cast<size_t>(len)) : "";
    std::free(out);
    return jwt + params;
  }

  static json goodHeader() {
    return {{"alg", "ES256"},
            {"ppt", "shaken"},
            {"typ", "passport"},
            {"x5u", std::string(kDefaultX5u)}};
  }
  static json goodPayload() {
    return {{"attest", "A"},
            {"dest", {{"tn", json::array({"18005550199"})}}},
            {"iat", kNow},
            {"orig", {{"tn", "14155550100"}}},
            {"origid", "0d1f5e9c-0000-4000-8000-000000000000"}};
  }
  static std::string params() {
    return ";info=<" + std::string(kDefaultX5u) + ">;alg=ES256;ppt=shaken";
  }

  static TrustInput input(const std::string& identity) {
    TrustInput in;
    in.identityHeader = identity;
    in.callerUser = kCaller;
    in.dialledUser = kDialled;
    in.fromHeader = "<sip:+14155550100@carrier.example.net>;tag=1";
    in.sourceAddress = "203.0.113.5";
    in.nowEpochSeconds = kNow;
    return in;
  }

  TempDir dir_;
  KeyFiles carrier_ = makeKeyFiles(dir_, "carrier", kNow - 3600, kNow + 86400);
  KeyFiles other_ = makeKeyFiles(dir_, "other", kNow - 3600, kNow + 86400);
};

TEST_F(StirCallerTrustTest, ValidIdentityYieldsItsAttestation) {
  const CallerTrust t = trust();
  for (Attestation a : {Attestation::kA, Attestation::kB, Attestation::kC}) {
    const TrustVerdict v = t.evaluate(input(sign(a)));
    EXPECT_EQ(v.attestation, a) << v.detail;
    EXPECT_EQ(v.source, "identity");
    EXPECT_EQ(v.detail, std::string("identity ok attest=") + attestationName(a));
  }
}

TEST_F(StirCallerTrustTest, CertificateSuppliesTheKeyWhileValid) {
  CallerTrustOptions o;
  o.certificateFiles = {carrier_.certificate};
  const CallerTrust t = trust(o);
  EXPECT_EQ(t.evaluate(input(sign())).attestation, Attestation::kA);

  TrustInput late = input(sign(Attestation::kA, "14155550100", "18005550199", kNow + 90000));
  late.nowEpochSeconds = kNow + 90000;  // after notAfter
  EXPECT_EQ(t.evaluate(late).attestation, Attestation::kNone);
  EXPECT_EQ(t.evaluate(late).detail, "identity rejected: no certificate valid now (437)");

  const KeyFiles expired = makeKeyFiles(dir_, "expired", kNow - 7200, kNow - 60);
  CallerTrustOptions both;
  both.certificateFiles = {expired.certificate, carrier_.certificate};
  const CallerTrust t2 = trust(both);
  const TrustVerdict byExpired =
      t2.evaluate(input(sign(Attestation::kA, "14155550100", "18005550199", kNow, &expired)));
  EXPECT_EQ(byExpired.attestation, Attestation::kNone);
  EXPECT_TRUE(contains(byExpired.detail, "(438)")) << byExpired.detail;
  EXPECT_EQ(t2.evaluate(input(sign())).attestation, Attestation::kA);
}

TEST_F(StirCallerTrustTest, AlteredOrigBreaksTheSignature) {
  const std::string genuine = sign();
  auto parts = splitIdentityHeader(genuine);
  ASSERT_TRUE(parts.has_value());
  json payload = json::parse(*base64UrlDecode(parts->segments[1]));
  payload["orig"]["tn"] = "14155550111";
  const std::string forged = parts->segments[0] + "." + base64UrlEncode(payload.dump()) + "." +
                             parts->segments[2] + params();
  TrustInput in = input(forged);
  in.callerUser = "+14155550111";  // the spoofer's claim matches the altered orig
  const TrustVerdict v = trust().evaluate(in);
  EXPECT_EQ(v.attestation, Attestation::kNone);
  EXPECT_EQ(v.source, "identity");
  EXPECT_EQ(v.detail, "identity rejected: signature not verified by any configured key (438)");
}

TEST_F(StirCallerTrustTest, SignedNumbersMustMatchTheCall) {
  const CallerTrust t = trust();
  const TrustVerdict orig = t.evaluate(input(sign(Attestation::kA, "14155550111")));
  EXPECT_EQ(orig.attestation, Attestation::kNone);
  EXPECT_EQ(orig.detail, "identity rejected: orig mismatch (438)");

  const TrustVerdict dest = t.evaluate(input(sign(Attestation::kA, "14155550100", "18005550100")));
  EXPECT_EQ(dest.attestation, Attestation::kNone);
  EXPECT_EQ(dest.detail, "identity rejected: dest mismatch (438)");

  TrustInput anonymous = input(sign());
  anonymous.callerUser = "anonymous";
  EXPECT_EQ(t.evaluate(anonymous).detail, "identity rejected: orig mismatch (438)");

  TrustInput formatted = input(sign());  // digits compare, whatever the punctuation
  formatted.callerUser = "1-415-555-0100";
  formatted.dialledUser = "18005550199;phone-context=+1";
  EXPECT_EQ(t.evaluate(formatted).attestation, Attestation::kA);
}

TEST_F(StirCallerTrustTest, WrongKeyIsRejected) {
  const TrustVerdict v =
      trust().evaluate(input(sign(Attestation::kA, "14155550100", "18005550199", kNow, &other_)));
  EXPECT_EQ(v.attestation, Attestation::kNone);
  EXPECT_EQ(v.detail, "identity rejected: signature not verified by any configured key (438)");

  CallerTrustOptions o;  // any configured key may have signed
  o.publicKeyFiles = {carrier_.publicKey, other_.publicKey};
  EXPECT_EQ(trust(o)
                .evaluate(input(sign(Attestation::kB, "14155550100", "18005550199", kNow, &other_)))
                .attestation,
            Attestation::kB);
}

TEST_F(StirCallerTrustTest, IatMustBeFresh) {
  const CallerTrust t = trust();
  const TrustVerdict stale =
      t.evaluate(input(sign(Attestation::kA, "14155550100", "18005550199", kNow - 61)));
  EXPECT_EQ(stale.attestation, Attestation::kNone);
  EXPECT_EQ(stale.detail, "identity rejected: stale iat (403)");
  EXPECT_EQ(
      t.evaluate(input(sign(Attestation::kA, "14155550100", "18005550199", kNow - 60))).attestation,
      Attestation::kA);
  EXPECT_EQ(
      t.evaluate(input(sign(Attestation::kA, "14155550100", "18005550199", kNow + 61))).detail,
      "identity rejected: iat in the future (403)");

  CallerTrustOptions o;
  o.maxAge = std::chrono::seconds(300);
  EXPECT_EQ(trust(o)
                .evaluate(input(sign(Attestation::kA, "14155550100", "18005550199", kNow - 200)))
                .attestation,
            Attestation::kA);
}

TEST_F(StirCallerTrustTest, HeaderAndPassportShapeAreChecked) {
  const CallerTrust t = trust();
  auto detail = [&](const std::string& identity) { return t.evaluate(input(identity)).detail; };
  EXPECT_EQ(signRaw(goodHeader(), goodPayload(), params()).empty(), false);
  EXPECT_EQ(t.evaluate(input(signRaw(goodHeader(), goodPayload(), params()))).attestation,
            Attestation::kA);

  EXPECT_EQ(detail("garbage"), "identity rejected: malformed header (438)");
  EXPECT_EQ(detail("a.b"), "identity rejected: malformed header (438)");
  EXPECT_EQ(detail(std::string(9000, 'a')), "identity rejected: too long (438)");
  EXPECT_EQ(detail("YWJj.YWJj.YWJj;info=<https://x/>"),
            "identity rejected: malformed PASSporT (438)");
  EXPECT_EQ(detail("e30.e30.e30;info=<https://x/>"), "identity rejected: unsupported alg (437)");
  EXPECT_EQ(detail(signRaw(goodHeader(), goodPayload(), "")),
            "identity rejected: missing info parameter (436)");
  EXPECT_EQ(detail(signRaw(goodHeader(), goodPayload(), params() + ";alg=RS256")),
            "identity rejected: malformed header (438)");  // repeated parameter
  EXPECT_EQ(detail(signRaw(goodHeader(), goodPayload(),
                           ";info=<" + std::string(kDefaultX5u) + ">;alg=RS256")),
            "identity rejected: unsupported alg (437)");
  EXPECT_EQ(detail(signRaw(goodHeader(), goodPayload(), ";info=<https://elsewhere/c.pem>")),
            "identity rejected: x5u does not match info (436)");

  json h = goodHeader();
  h["alg"] = "ES384";
  EXPECT_EQ(detail(signRaw(h, goodPayload(), ";info=<" + std::string(kDefaultX5u) + ">")),
            "identity rejected: unsupported alg (437)");
  h = goodHeader();
  h["ppt"] = "div";
  EXPECT_EQ(detail(signRaw(h, goodPayload(), ";info=<" + std::string(kDefaultX5u) + ">")),
            "identity rejected: ppt not shaken (438)");

  json p = goodPayload();
  p["attest"] = "D";
  EXPECT_EQ(detail(signRaw(goodHeader(), p, params())), "identity rejected: invalid attest (438)");
  p = goodPayload();
  p.erase("iat");
  EXPECT_EQ(detail(signRaw(goodHeader(), p, params())), "identity rejected: missing iat (438)");
  p = goodPayload();
  p["iat"] = -5;
  EXPECT_EQ(detail(signRaw(goodHeader(), p, params())), "identity rejected: invalid iat (438)");
  p = goodPayload();
  p["dest"]["tn"] = "18005550199";  // a string, not an array
  EXPECT_EQ(detail(signRaw(goodHeader(), p, params())), "identity rejected: missing dest.tn (438)");
}

TEST_F(StirCallerTrustTest, VerstatCountsOnlyFromTrustedProxies) {
  CallerTrustOptions o;
  o.trustedProxies = {"192.0.2.10", "2001:db8::5"};
  const CallerTrust t = trust(o);
  TrustInput in = input("");
  in.assertedIdentity = "<tel:+14155550100;verstat=TN-Validation-Passed-A>";

  in.sourceAddress = "192.0.2.10";
  TrustVerdict v = t.evaluate(in);
  EXPECT_EQ(v.attestation, Attestation::kA);
  EXPECT_EQ(v.source, "verstat");
  EXPECT_EQ(v.detail, "verstat TN-Validation-Passed-A from trusted 192.0.2.10 attest=A");

  in.sourceAddress = "[2001:DB8:0::5]";
  EXPECT_EQ(t.evaluate(in).attestation, Attestation::kA);
  in.sourceAddress = "::ffff:192.0.2.10";
  EXPECT_EQ(t.evaluate(in).attestation, Attestation::kA);

  in.sourceAddress = "10.0.0.9";
  v = t.evaluate(in);
  EXPECT_EQ(v.attestation, Attestation::kNone);
  EXPECT_EQ(v.source, "none");
  EXPECT_EQ(v.detail, "verstat from untrusted 10.0.0.9 ignored");

  in.sourceAddress = "192.0.2.10";
  in.assertedIdentity = "";
  in.fromHeader =
      "<sip:+14155550100;verstat=TN-Validation-Passed@carrier.example;user=phone>;tag=9";
  EXPECT_EQ(t.evaluate(in).attestation, Attestation::kB);  // no level: validated, not full
  in.fromHeader = "<tel:+14155550100;verstat=TN-Validation-Failed>";
  EXPECT_EQ(t.evaluate(in).attestation, Attestation::kNone);
  in.fromHeader = "<tel:+14155550100;verstat=Made-Up>";
  EXPECT_EQ(t.evaluate(in).detail, "verstat 'Made-Up' not recognised");
  in.assertedIdentity =
      "<sip:+14155550100@c.example;verstat=TN-Validation-Passed-A>, "
      "<tel:+14155550100;verstat=TN-Validation-Passed-C>";
  EXPECT_EQ(t.evaluate(in).attestation, Attestation::kC);  // the weakest of several

  in.assertedIdentity = "<tel:+14155550100>";
  in.fromHeader = "<sip:+14155550100@c.example>;tag=1";
  v = t.evaluate(in);
  EXPECT_EQ(v.attestation, Attestation::kNone);
  EXPECT_EQ(v.source, "none");
  EXPECT_EQ(v.detail, "no identity or verstat");
}

TEST_F(StirCallerTrustTest, BadIdentityIsNotRescuedByVerstat) {
  CallerTrustOptions o;
  o.trustedProxies = {"203.0.113.5"};
  TrustInput in = input(sign(Attestation::kA, "14155550100", "18005550199", kNow - 600));
  in.assertedIdentity = "<tel:+14155550100;verstat=TN-Validation-Passed-A>";
  const TrustVerdict v = trust(o).evaluate(in);
  EXPECT_EQ(v.attestation, Attestation::kNone);
  EXPECT_EQ(v.detail, "identity rejected: stale iat (403)");
}

TEST_F(StirCallerTrustTest, WithoutKeysIdentityIsNotEvidenceAndVerstatDecides) {
  CallerTrustOptions o;
  o.trustedProxies = {"203.0.113.5"};
  auto created = CallerTrust::create(o);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->keyCount(), 0u);
  TrustInput in = input(sign());
  in.assertedIdentity = "<tel:+14155550100;verstat=TN-Validation-Passed-A>";
  const TrustVerdict v = created->evaluate(in);
  EXPECT_EQ(v.attestation, Attestation::kA);
  EXPECT_EQ(v.source, "verstat");
  EXPECT_TRUE(contains(v.detail, "identity not checked (no keys configured)")) << v.detail;
}

TEST_F(StirCallerTrustTest, CreateRejectsBadConfigurationNamingIt) {
  auto error = [](const CallerTrustOptions& o) {
    auto t = CallerTrust::create(o);
    EXPECT_FALSE(t.ok());
    return t.ok() ? std::string() : t.error().message();
  };
  CallerTrustOptions o;
  o.publicKeyFiles = {dir_.file("missing.pem")};
  EXPECT_TRUE(contains(error(o), dir_.file("missing.pem")));
  o.publicKeyFiles = {carrier_.certificate};  // a certificate is not a bare public key
  EXPECT_TRUE(contains(error(o), carrier_.certificate));
  const KeyFiles rsa = makeKeyFiles(dir_, "rsa", kNow - 60, kNow + 60, /*rsa=*/true);
  o.publicKeyFiles = {rsa.publicKey};
  EXPECT_TRUE(contains(error(o), "not an EC P-256 key"));
  o.publicKeyFiles = {};
  o.certificateFiles = {rsa.certificate};
  EXPECT_TRUE(contains(error(o), rsa.certificate));
  o.certificateFiles = {carrier_.publicKey};
  EXPECT_TRUE(contains(error(o), "no PEM certificate"));
  o.certificateFiles = {};
  o.trustedProxies = {"proxy.example.com"};
  EXPECT_TRUE(contains(error(o), "proxy.example.com"));
  o.trustedProxies = {};
  o.maxAge = std::chrono::seconds(0);
  EXPECT_TRUE(contains(error(o), "max_age_seconds"));
}

}  // namespace
}  // namespace callgate::stir
