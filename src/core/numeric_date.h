// JWT NumericDate (RFC 7519 §2): whole seconds since the epoch, bounded to 9999-12-31T23:59:59Z;
// shared by the access tokens and the signed verdict. Pure; thread-safe.
#pragma once

#include <cstdint>

#include "core/time.h"

namespace callgate {

inline constexpr int64_t kMaxNumericDate = 253402300799;

inline int64_t toNumericDate(TimePoint t) {
  return std::chrono::duration_cast<Seconds>(t.time_since_epoch()).count();
}

inline TimePoint fromNumericDate(int64_t seconds) { return TimePoint(Seconds(seconds)); }

}  // namespace callgate
