#include "core/action_grant.h"

#include <array>
#include <span>

#include "core/ports.h"

namespace callgate {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}
}  // namespace

std::string_view describeAction(std::string_view action) {
  if (action == kActionAddMember) return "add a member to your account";
  return {};
}

const char* grantStateName(GrantState s) {
  switch (s) {
    case GrantState::kIssued:
      return "issued";
    case GrantState::kRedeemed:
      return "redeemed";
  }
  return "issued";
}

bool parseGrantState(const std::string& name, GrantState* out) {
  if (name == "issued")
    *out = GrantState::kIssued;
  else if (name == "redeemed")
    *out = GrantState::kRedeemed;
  else
    return false;
  return true;
}

std::string base64UrlEncode(const uint8_t* data, size_t size) {
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (size - i == 1) {
    const uint32_t v = uint32_t{data[i]} << 16;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
  } else if (size - i == 2) {
    const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::string generateLinkCode(Random& random) {
  std::array<uint8_t, kLinkCodeBytes> bytes{};
  random.fill(std::span<uint8_t>(bytes));
  std::string code = base64UrlEncode(bytes.data(), bytes.size());
  bytes.fill(0);
  return code;
}

bool isWellFormedLinkCode(std::string_view code) {
  if (code.size() != kLinkCodeChars) return false;
  for (char c : code) {
    if (base64UrlValue(c) < 0) return false;
  }
  // 16 bytes = 128 bits in 22 characters of 6 bits: the last character carries 2 bits and 4
  // zero bits, so only 4 of the 64 values can end a code we issued.
  return (base64UrlValue(code.back()) & 0x0F) == 0;
}

std::string linkHashInput(std::string_view code) { return "link:" + std::string(code); }

}  // namespace callgate
