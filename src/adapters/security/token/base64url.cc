#include "adapters/security/token/base64url.h"

#include <sodium.h>

namespace callgate::token {

namespace {
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
}  // namespace

void appendBase64Url(std::string& out, const void* data, size_t size) {
  const size_t start = out.size();
  const size_t encodedWithNul = sodium_base64_ENCODED_LEN(size, kVariant);
  out.resize(start + encodedWithNul);
  sodium_bin2base64(out.data() + start, encodedWithNul, static_cast<const unsigned char*>(data),
                    size, kVariant);
  out.resize(start + encodedWithNul - 1);  // drop the terminator
}

bool base64UrlDecode(std::string_view text, std::string& out) {
  out.resize(text.size() / 4 * 3 + 3);
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end, kVariant) != 0 ||
      end != text.data() + text.size()) {
    return false;
  }
  out.resize(length);
  return true;
}

bool base64UrlDecodeExact(std::string_view text, void* out, size_t size) {
  // Reject by length first: a longer text would overflow the buffer (libsodium refuses that
  // too, but this keeps the contract obvious).
  if (text.size() != sodium_base64_ENCODED_LEN(size, kVariant) - 1) return false;
  size_t length = 0;
  const char* end = nullptr;
  return sodium_base642bin(static_cast<unsigned char*>(out), size, text.data(), text.size(),
                           nullptr, &length, &end, kVariant) == 0 &&
         end == text.data() + text.size() && length == size;
}

}  // namespace callgate::token
