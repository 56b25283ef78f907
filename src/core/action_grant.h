// Action grants: permission for exactly one action on one account, for a few minutes, used at
// most once. A grant is reached through an opaque link code (16 CSPRNG bytes, base64url, 22
// characters) that is texted to the number on file; only a keyed hash of the code is stored.
// Pure: randomness comes through the Random port, time is passed in. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"

namespace callgate {

class Random;  // core/ports.h, which includes this header

// The first (and so far only) action a link can grant.
inline constexpr const char* kActionAddMember = "account:add_member";

// What a link allows, for the caller's eyes ("add a member to your account"); "" for an action
// callgate does not know.
std::string_view describeAction(std::string_view action);
inline bool isKnownAction(std::string_view action) { return !describeAction(action).empty(); }

enum class GrantState {
  kIssued,    // sent, not used yet (it may have expired: see isGrantExpired)
  kRedeemed,  // used; never usable again
};

const char* grantStateName(GrantState s);
bool parseGrantState(const std::string& name, GrantState* out);

struct Grant {
  int64_t id = 0;  // assigned by the store
  std::string
      codeHash;  // keyed hash of the link code (CodeHasher over linkHashInput); never the code
  std::string userId;  // the account the action applies to
  std::string action;  // e.g. kActionAddMember
  std::string phone;   // E.164 the link was texted to (the number on file then)
  TimePoint createdAt{};
  TimePoint expiresAt{};
  GrantState state = GrantState::kIssued;
  TimePoint redeemedAt{};  // epoch until redeemed
};

// Expired at `now` (the last valid instant is expiresAt - 1 ms).
inline bool isGrantExpired(const Grant& grant, TimePoint now) { return now >= grant.expiresAt; }

inline constexpr size_t kLinkCodeBytes = 16;  // 128 bits
inline constexpr size_t kLinkCodeChars = 22;  // base64url without padding

// A fresh link code from the CSPRNG.
std::string generateLinkCode(Random& random);

// Exactly kLinkCodeChars characters of the base64url alphabet ending in a character whose low
// bits are zero; anything else cannot be a code we issued and is not worth a database lookup.
bool isWellFormedLinkCode(std::string_view code);

// What is fed to the keyed hash: a domain prefix so a link hash can never collide with an OTP
// or CSRF digest made with the same key.
std::string linkHashInput(std::string_view code);

// RFC 4648 §5 base64url without padding.
std::string base64UrlEncode(const uint8_t* data, size_t size);

}  // namespace callgate
