#include "adapters/twilio/request_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <optional>

namespace callgate::twilio {

namespace {

// The URL with its default port added (when it has none) or removed (when it has the default);
// nullopt when neither applies (another port, an unknown scheme, no authority).
std::optional<std::string> alternateUrl(std::string_view url) {
  std::string_view defaultPort;
  size_t authorityStart = 0;
  if (url.starts_with("https://")) {
    defaultPort = "443";
    authorityStart = 8;
  } else if (url.starts_with("http://")) {
    defaultPort = "80";
    authorityStart = 7;
  } else {
    return std::nullopt;
  }
  size_t authorityEnd = url.find_first_of("/?#", authorityStart);
  if (authorityEnd == std::string_view::npos) authorityEnd = url.size();
  const std::string_view authority = url.substr(authorityStart, authorityEnd - authorityStart);
  // The host starts after any user info; a port is a ':' after the host (after ']' for IPv6).
  const size_t at = authority.rfind('@');
  const size_t hostStart = at == std::string_view::npos ? 0 : at + 1;
  const size_t bracket = authority.rfind(']');
  size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos &&
      (colon < hostStart || (bracket != std::string_view::npos && colon < bracket))) {
    colon = std::string_view::npos;
  }
  std::string out(url.substr(0, authorityStart));
  if (colon == std::string_view::npos) {
    out.append(authority).append(":").append(defaultPort);
  } else if (authority.substr(colon + 1) == defaultPort) {
    out.append(authority.substr(0, colon));
  } else {
    return std::nullopt;
  }
  out.append(url.substr(authorityEnd));
  return out;
}

std::string base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

bool sameText(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string computeRequestSignature(
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& formParams,
    std::string_view authToken) {
  std::vector<std::pair<std::string, std::string>> sorted = formParams;
  std::sort(sorted.begin(), sorted.end());  // by name, then value: byte order, as Twilio sorts
  std::string data(url);
  for (const auto& [name, value] : sorted) data.append(name).append(value);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macSize = 0;
  if (HMAC(EVP_sha1(), authToken.data(), static_cast<int>(authToken.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &macSize) == nullptr) {
    return {};
  }
  return base64(mac, macSize);
}

bool validateRequestSignature(std::string_view url,
                              const std::vector<std::pair<std::string, std::string>>& formParams,
                              std::string_view signatureHeader, std::string_view authToken) {
  if (authToken.empty() || signatureHeader.empty()) return false;
  const std::string direct = computeRequestSignature(url, formParams, authToken);
  bool ok = !direct.empty() && sameText(direct, signatureHeader);
  if (std::optional<std::string> other = alternateUrl(url)) {
    const std::string alternate = computeRequestSignature(*other, formParams, authToken);
    // Both are computed and compared whatever the first said, so timing does not tell which
    // form of the URL matched.
    ok = (!alternate.empty() && sameText(alternate, signatureHeader)) || ok;
  }
  return ok;
}

}  // namespace callgate::twilio
