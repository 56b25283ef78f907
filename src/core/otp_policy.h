// One-time-code policy (DESIGN §4): how codes look, how long they live, how often they may be
// checked and sent. Pure: randomness comes through the Random port, time is passed in.
#pragma once

#include <string>

#include "common/result.h"
#include "core/ports.h"
#include "core/time.h"

namespace callgate {

struct OtpConfig {
  int digits = 6;          // 4..10
  Seconds ttl{300};        // 5 minutes
  int maxAttempts = 5;     // checks per code, then locked
  int perNumberLimit = 3;  // codes sent to one number per window
  Seconds perNumberWindow{600};
  int perPrefixLimit = 50;  // codes sent to one number range per window (SMS pumping)
  int prefixLength = 8;     // E.164 characters that form the range, "+1415555"
  Seconds perPrefixWindow{600};
  // The long run (NIST SP 800-63B: no unbounded guessing of a short code). Over any 24 hours a
  // number gets at most dailySendLimit codes, and none once dailyFailureLimit wrong codes were
  // keyed for it; after maxConsecutiveFailures wrong codes with no right one in between it gets
  // none until a code is verified some other way or an operator acts (see OPERATIONS.md).
  int dailySendLimit = 10;
  int dailyFailureLimit = 20;
  int maxConsecutiveFailures = 100;
  std::string brand = "callgate";  // "Welcome to <brand>, your one-time PIN is 123456"
};

// The window of the daily limits.
inline constexpr Seconds kOtpDay{86400};

// Checks ranges; kInvalidArgument naming the field.
Status validateOtpConfig(const OtpConfig& config);

// A uniformly random code of config.digits decimal digits (leading zeros allowed).
std::string generateOtpCode(Random& random, int digits);

// What is fed to the keyed hash: binds the code to the number so a stored hash cannot be
// replayed for another number.
std::string otpHashInput(const std::string& e164, const std::string& code);

std::string otpMessageBody(const OtpConfig& config, const std::string& code);

// The number range used for the per-prefix send limit.
std::string otpRatePrefix(const OtpConfig& config, const std::string& e164);

// A keyed-in code is only worth hashing if it has the configured shape.
bool isWellFormedOtp(const OtpConfig& config, const std::string& input);

}  // namespace callgate
