// Fuzz target: the STIR/SHAKEN headers of an incoming INVITE (adapters/security/stir): Identity,
// P-Asserted-Identity and From, with the source address and the numbers the SIP layer read, one
// per line in that order. CallerTrust::evaluate checks them against a fixed P-256 public key
// (the corpus holds headers signed with its private key, so signature checks pass and the
// PASSporT claims are reached) at a fixed time (the seeds' iat), trusting 192.0.2.1 as a proxy;
// the text helpers run on the same pieces.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/security/stir/caller_trust.h"
#include "adapters/security/stir/identity_parts.h"
#include "memfd_file.h"

namespace stir = callgate::stir;

namespace {

// Public half of the test-only key that signed the seeds (fuzz/keys/stir-test-only.key).
constexpr std::string_view kPublicKeyPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5QIKmyYVGHwPQKo+RXEfDHoQLD4f\n"
    "MjgmANnui0Dxm7/0xR4OKiNs6694NPS6TS31ur7+uhNqgNcT+wqwCJNsWQ==\n"
    "-----END PUBLIC KEY-----\n";

constexpr int64_t kNow = 1796083210;  // the seeds' iat (2026-12-01) + 10 s

stir::CallerTrust makeTrust() {
  static callgate::fuzz::MemFile keyFile("callgate-fuzz-stir-key");
  stir::CallerTrustOptions options;
  options.trustedProxies = {"192.0.2.1"};
  options.publicKeyFiles = {keyFile.write(kPublicKeyPem.data(), kPublicKeyPem.size())};
  auto trust = stir::CallerTrust::create(options);
  if (!trust) std::abort();
  return std::move(*trust);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const stir::CallerTrust trust = makeTrust();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> fields;
  while (fields.size() < 6) {
    const size_t nl = rest.find('\n');
    fields.emplace_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  fields.resize(6);

  stir::TrustInput input;
  input.identityHeader = fields[0];
  input.assertedIdentity = fields[1];
  input.fromHeader = fields[2];
  input.sourceAddress = fields[3];
  input.callerUser = fields[4];
  input.dialledUser = fields[5];
  input.nowEpochSeconds = kNow;
  (void)trust.evaluate(input);

  if (auto parts = stir::splitIdentityHeader(fields[0])) {
    if (parts->segments.size() != 3) std::abort();
    for (const std::string& segment : parts->segments) (void)stir::base64UrlDecode(segment);
  }
  for (const std::string& field : fields) {
    (void)stir::telDigits(field);
    (void)stir::findVerstat(field);
  }
  const auto decoded = stir::base64UrlDecode(fields[0]);
  if (decoded && stir::base64UrlDecode(stir::base64UrlEncode(*decoded)) != decoded) std::abort();
  return 0;
}
