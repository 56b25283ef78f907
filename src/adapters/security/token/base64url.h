// base64url without padding (RFC 4648 §5, as JOSE uses it), over libsodium's constant-time
// codec. Decoding is strict: no padding, no whitespace, no characters outside the URL-safe
// alphabet, and no non-zero leftover bits (so every byte string has exactly one encoding).
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace callgate::token {

// Appends the encoding of `size` bytes at `data` to `out`.
void appendBase64Url(std::string& out, const void* data, size_t size);

inline std::string base64UrlEncode(std::string_view bytes) {
  std::string out;
  appendBase64Url(out, bytes.data(), bytes.size());
  return out;
}

// Decodes `text` into `out` (replacing its contents); false if `text` is not canonical
// unpadded base64url. `out` is unspecified after a failure.
bool base64UrlDecode(std::string_view text, std::string& out);

// Decodes into a fixed buffer: true only if `text` decodes to exactly `size` bytes.
bool base64UrlDecodeExact(std::string_view text, void* out, size_t size);

}  // namespace callgate::token
