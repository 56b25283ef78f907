// FNV-1a (64 bits): a small, stable hash for cache keys and fingerprints that must not change
// between builds or processes (std::hash may). Not for anything an attacker could exploit by
// choosing collisions. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace callgate {

inline constexpr std::uint64_t kFnv1aOffset = 14695981039346656037ULL;

// Continues hash `h` (start with kFnv1aOffset) over `data`.
inline std::uint64_t fnv1a(std::uint64_t h, std::string_view data) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// The 16 lower-case hex digits of fnv1a over `data`.
inline std::string fnv1aHex(std::string_view data) {
  std::uint64_t h = fnv1a(kFnv1aOffset, data);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[h & 0xf];
    h >>= 4;
  }
  return out;
}

}  // namespace callgate
