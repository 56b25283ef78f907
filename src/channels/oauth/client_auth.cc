#include "channels/oauth/client_auth.h"

#include <sodium.h>

#include "adapters/security/crypto/sodium_init.h"
#include "common/form.h"

namespace callgate::oauth {

namespace {

constexpr size_t kMaxCredentialBytes = 1024;

bool startsWithBasic(std::string_view header) {
  constexpr std::string_view kScheme = "basic ";
  if (header.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return false;
  }
  return true;
}

}  // namespace

ClientAuthenticator::ClientAuthenticator(const std::map<std::string, std::string>& clients) {
  (void)ensureSodiumInitialized();
  randombytes_buf(key_.data(), key_.size());
  for (const auto& [id, secret] : clients) digests_.emplace(id, digest(secret));
  dummy_ = digest("callgate-no-such-client");
}

ClientAuthenticator::Digest ClientAuthenticator::digest(std::string_view secret) const {
  Digest d{};
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), key_.data(), key_.size());
  return d;
}

std::optional<std::string> ClientAuthenticator::authenticate(std::string_view header) const {
  if (!startsWithBasic(header)) return std::nullopt;
  std::string_view encoded = header.substr(6);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  if (encoded.empty() || encoded.size() > kMaxCredentialBytes) return std::nullopt;

  std::string decoded(encoded.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        encoded.data(), encoded.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != encoded.data() + encoded.size()) {
    return std::nullopt;
  }
  decoded.resize(length);
  const size_t colon = decoded.find(':');
  std::string id, secret;
  const bool ok = colon != std::string::npos &&
                  http::formDecode(std::string_view(decoded).substr(0, colon), id) &&
                  http::formDecode(std::string_view(decoded).substr(colon + 1), secret);
  sodium_memzero(decoded.data(), decoded.size());
  if (!ok) {
    sodium_memzero(secret.data(), secret.size());
    return std::nullopt;
  }
  const Digest presented = digest(secret);
  sodium_memzero(secret.data(), secret.size());
  auto it = digests_.find(id);
  const Digest& expected = it == digests_.end() ? dummy_ : it->second;
  const bool match = sodium_memcmp(presented.data(), expected.data(), expected.size()) == 0;
  if (!match || it == digests_.end()) return std::nullopt;
  return id;
}

}  // namespace callgate::oauth
