#include "adapters/stir/identity_signer.h"

#include <secsipid.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "adapters/crypto/sodium_init.h"
#include "adapters/stir/identity_parts.h"
#include "adapters/stir/key_files.h"

namespace callgate::stir {
namespace {

// RFC 4122 version 4, from the CSPRNG (origid only needs to be unique, but it costs nothing).
std::string randomUuid() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
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
