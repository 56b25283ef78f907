#include "adapters/security/totp/oath_staff_totp.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <mutex>

#include "common/form.h"

namespace callgate {
namespace {

constexpr unsigned kStepSeconds = 30;
constexpr unsigned kDigits = 6;
constexpr size_t kWindow = 1;  // one step either side
constexpr size_t kSeedBytes = 20;

void initOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) std::abort();  // only fails when out of memory
  });
}

std::string associatedData(std::string_view username) {
  return "callgate-staff-totp-v1|" + std::string(username);
}

time_t unixSeconds(TimePoint now) {
  return static_cast<time_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

std::string base32(std::string_view bytes) {
  char* out = nullptr;
  size_t outLen = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &outLen) != OATH_OK) std::abort();
  std::string text(out, outLen);
  std::free(out);
  while (!text.empty() && text.back() == '=') text.pop_back();  // apps take it unpadded
  return text;
}

int constantTimeCompare(void* handle, const char* candidate) {
  const auto* expected = static_cast<const std::string*>(handle);
  if (std::string_view(candidate).size() != expected->size()) return 1;
  return sodium_memcmp(candidate, expected->data(), expected->size()) == 0 ? 0 : 1;
}

}  // namespace

OathStaffTotp::OathStaffTotp(const StateCipher& cipher, Random& random, std::string issuer)
    : cipher_(cipher), random_(random), issuer_(std::move(issuer)) {
  initOnce();
}

TotpEnrollment OathStaffTotp::enroll(std::string_view username) {
  std::array<uint8_t, kSeedBytes> seed{};
  random_.fill(seed);
  const std::string_view raw(reinterpret_cast<const char*>(seed.data()), seed.size());
  TotpEnrollment e;
  e.sealedSeed = cipher_.seal(raw, associatedData(username));
  e.base32Secret = base32(raw);
  const std::string label = http::percentEncode(issuer_) + ":" + http::percentEncode(username);
  e.uri = "otpauth://totp/" + label + "?secret=" + e.base32Secret +
          "&issuer=" + http::percentEncode(issuer_) + "&algorithm=SHA1&digits=6&period=30";
  sodium_memzero(seed.data(), seed.size());
  return e;
}

std::optional<int64_t> OathStaffTotp::matchStep(std::string_view sealedSeed,
                                                std::string_view username, std::string_view code,
                                                TimePoint now) const {
  if (code.size() != kDigits) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto seed = cipher_.open(sealedSeed, associatedData(username));
  if (!seed.ok()) return std::nullopt;
  const std::string candidate(code);
  int position = 0;
  uint64_t counter = 0;
  const int rc = oath_totp_validate4_callback(
      seed->data(), seed->size(), unixSeconds(now), kStepSeconds, 0, kDigits, kWindow, &position,
      &counter, 0, &constantTimeCompare, const_cast<std::string*>(&candidate));
  sodium_memzero(seed->data(), seed->size());
  if (rc < 0) return std::nullopt;
  return static_cast<int64_t>(counter);
}

std::string OathStaffTotp::codeAt(std::string_view seed, TimePoint now) {
  initOnce();
  std::array<char, kDigits + 1> out{};
  if (oath_totp_generate(seed.data(), seed.size(), unixSeconds(now), kStepSeconds, 0, kDigits,
                         out.data()) != OATH_OK) {
    return "";
  }
  return std::string(out.data(), kDigits);
}

}  // namespace callgate
