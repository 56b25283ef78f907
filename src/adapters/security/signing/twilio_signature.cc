#include "adapters/security/signing/twilio_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <optional>

#include "common/form.h"

namespace callgate::twilio {

namespace {

std::string base64(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // Lengths are public (a Base64 SHA-1 is always 28 characters); the contents are compared in
  // constant time.
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The URL with its default port added (if absent) or removed (if present); nullopt if the URL
// is not http(s) or has another port.
std::optional<std::string> alternateUrl(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = url.substr(0, sep);
  const char* port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : nullptr;
  if (port == nullptr) return std::nullopt;
  const size_t hostStart = sep + 3;
  size_t hostEnd = url.find_first_of("/?#", hostStart);
  if (hostEnd == std::string_view::npos) hostEnd = url.size();
  std::string_view authority = url.substr(hostStart, hostEnd - hostStart);
  const size_t at = authority.rfind('@');
  const std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  const size_t colon = host.rfind(':');
  const size_t bracket = host.rfind(']');
  const bool hasPort =
      colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  std::string out(url.substr(0, hostEnd));
  if (hasPort) {
    if (host.substr(colon) != port) return std::nullopt;
    out.resize(out.size() - std::string_view(port).size());
  } else {
    out += port;
  }
  out += url.substr(hostEnd);
  return out;
}

std::optional<std::string> queryParam(std::string_view url, std::string_view name) {
  const size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  auto params = http::parseFormPairs(url.substr(q + 1));
  if (!params.ok()) return std::nullopt;
  return http::findParam(*params, name);
}

}  // namespace

std::string computeSignature(std::string_view url, const FormParams& params,
                             std::string_view authToken) {
  FormParams sorted = params;
  std::sort(sorted.begin(), sorted.end());
  std::string data(url);
  for (const auto& [name, value] : sorted) data += name + value;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLen = 0;
  HMAC(EVP_sha1(), authToken.data(), static_cast<int>(authToken.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &macLen);
  return base64(mac, macLen);
}

bool validate(std::string_view url, const FormParams& params, std::string_view signature,
              std::string_view authToken) {
  if (signature.empty() || authToken.empty()) return false;
  bool ok = constantTimeEquals(computeSignature(url, params, authToken), signature);
  if (auto other = alternateUrl(url)) {
    ok |= constantTimeEquals(computeSignature(*other, params, authToken), signature);
  }
  return ok;
}

bool validateJsonBody(std::string_view url, std::string_view body, std::string_view signature,
                      std::string_view authToken) {
  const auto expectedHash = queryParam(url, "bodySHA256");
  if (!expectedHash) return false;
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  const bool bodyOk = constantTimeEquals(std::string_view(hex, sizeof hex - 1), *expectedHash);
  const bool signatureOk = validate(url, {}, signature, authToken);
  return bodyOk && signatureOk;
}

}  // namespace callgate::twilio
