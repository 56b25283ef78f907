#include "adapters/security/stir/identity_signer.h"

#include <secsipid.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "adapters/security/crypto/sodium_init.h"
#include "adapters/security/stir/identity_parts.h"
#include "adapters/security/stir/key_files.h"
#include "common/text.h"

namespace callgate::stir {
namespace {

// origid: only needs to be unique, but a CSPRNG costs nothing.
std::string randomUuid() {
  std::array<uint8_t, 16> b{};
  randombytes_buf(b.data(), b.size());
  return formatUuidV4(b);
}

bool isHeaderSafe(std::string_view s) {
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == '>' || c == '<' || c == '"') return false;
  }
  return !s.empty();
}

}  // namespace

Result<std::string> makeIdentityHeader(const std::string& privateKeyPemFile, Attestation attest,
                                       std::string_view origTn, std::string_view destTn,
                                       int64_t iat, std::string_view x5u) {
  if (attest == Attestation::kNone) {
    return Error::invalidArgument("attestation must be A, B or C to sign a PASSporT");
  }
  const std::string orig = telDigits(origTn);
  const std::string dest = telDigits(destTn);
  if (orig.empty()) return Error::invalidArgument("orig must be a telephone number (digits)");
  if (dest.empty()) return Error::invalidArgument("dest must be a telephone number (digits)");
  if (!isHeaderSafe(x5u)) return Error::invalidArgument("x5u must be a URL without spaces or <>\"");
  if (iat < 0) return Error::invalidArgument("iat must be epoch seconds");
  if (Status s = ensureSodiumInitialized(); !s.ok()) return s.error();
  // libsecsipid reports a bad key only as an empty result; check it first for a clear error.
  if (Status s = checkPrivateKeyFile(privateKeyPemFile); !s.ok()) return s.error();

  const nlohmann::json header = {
      {"alg", "ES256"}, {"ppt", "shaken"}, {"typ", "passport"}, {"x5u", std::string(x5u)}};
  const nlohmann::json payload = {{"attest", attestationName(attest)},
                                  {"dest", {{"tn", nlohmann::json::array({dest})}}},
                                  {"iat", iat},
                                  {"orig", {{"tn", orig}}},
                                  {"origid", randomUuid()}};
  std::string headerJson = header.dump();
  std::string payloadJson = payload.dump();
  std::string keyPath = privateKeyPemFile;
  char* out = nullptr;
  const int len = SecSIPIDSignJSONHP(headerJson.data(), payloadJson.data(), keyPath.data(), &out);
  const std::unique_ptr<char, decltype(&std::free)> owned(out, &std::free);
  if (len <= 0 || out == nullptr) {
    return Error::internal("libsecsipid could not sign with " + privateKeyPemFile);
  }
  return std::string(out, static_cast<size_t>(len)) + ";info=<" + std::string(x5u) +
         ">;alg=ES256;ppt=shaken";
}

}  // namespace callgate::stir
