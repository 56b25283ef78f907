#include "adapters/security/crypto/state_cipher.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "adapters/security/crypto/sodium_init.h"

namespace callgate {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

static_assert(crypto_kdf_KEYBYTES == 32);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES >= crypto_kdf_BYTES_MIN &&
              crypto_aead_xchacha20poly1305_ietf_KEYBYTES <= crypto_kdf_BYTES_MAX);

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<std::unique_ptr<StateCipher>> StateCipher::derive(std::string_view masterKey,
                                                         std::string_view context,
                                                         uint64_t subkeyId) {
  if (Status s = ensureSodiumInitialized(); !s.ok()) {
    std::fprintf(stderr, "callgate: %s\n", s.error().toString().c_str());
    std::abort();
  }
  if (masterKey.size() != crypto_kdf_KEYBYTES) {
    return Error::invalidArgument("state cipher: the master key must be " +
                                  std::to_string(crypto_kdf_KEYBYTES) + " bytes");
  }
  if (context.size() != crypto_kdf_CONTEXTBYTES) {
    return Error::invalidArgument("state cipher: the key context must be " +
                                  std::to_string(crypto_kdf_CONTEXTBYTES) + " bytes");
  }
  std::unique_ptr<StateCipher> cipher(new StateCipher());
  crypto_kdf_derive_from_key(cipher->key_.data(), cipher->key_.size(), subkeyId, context.data(),
                             bytes(masterKey));
  return cipher;
}

StateCipher::~StateCipher() { sodium_memzero(key_.data(), key_.size()); }

std::string StateCipher::seal(std::string_view plaintext, std::string_view associatedData) const {
  std::vector<unsigned char> box(kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* nonce = box.data();
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(box.data() + kNonceBytes, &written, bytes(plaintext),
                                             plaintext.size(), bytes(associatedData),
                                             associatedData.size(), nullptr, nonce, key_.data());
  box.resize(kNonceBytes + static_cast<size_t>(written));
  std::string out(kPrefix);
  const size_t textBytes = sodium_base64_ENCODED_LEN(box.size(), kBase64);
  const size_t start = out.size();
  out.resize(start + textBytes);
  sodium_bin2base64(out.data() + start, textBytes, box.data(), box.size(), kBase64);
  out.resize(out.size() - 1);  // the encoder's terminating NUL
  return out;
}

Result<std::string> StateCipher::open(std::string_view sealed,
                                      std::string_view associatedData) const {
  if (!sealed.starts_with(kPrefix)) {
    return Error::invalidArgument("sealed state: not in the v1 sealed format");
  }
  const std::string_view text = sealed.substr(kPrefix.size());
  std::vector<unsigned char> box(text.size() / 4 * 3 + 3);
  size_t boxBytes = 0;
  // A NULL end pointer makes any character outside the alphabet (and any non-canonical last
  // character) an error rather than the end of the input.
  if (sodium_base642bin(box.data(), box.size(), text.data(), text.size(), nullptr, &boxBytes,
                        nullptr, kBase64) != 0) {
    return Error::invalidArgument("sealed state: not valid base64url");
  }
  if (boxBytes < kNonceBytes + kTagBytes) {
    return Error::invalidArgument("sealed state: too short");
  }
  std::string plain(boxBytes - kNonceBytes - kTagBytes, '\0');
  unsigned long long plainBytes = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plainBytes, nullptr,
          box.data() + kNonceBytes, boxBytes - kNonceBytes, bytes(associatedData),
          associatedData.size(), box.data(), key_.data()) != 0) {
    return Error::invalidArgument(
        "sealed state does not authenticate (altered, moved from another row, or sealed with "
        "another key)");
  }
  plain.resize(static_cast<size_t>(plainBytes));
  return plain;
}

}  // namespace callgate
