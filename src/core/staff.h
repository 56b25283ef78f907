// Staff of the contact center who use the console: agents (see the calls handed to them),
// supervisors (also look after customers, calls, SMS and flows) and admins (also change customers
// and manage nothing less than everything). Roles are ordered: a higher role may do what a lower
// one may. Pure values; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

enum class StaffRole { kAgent = 0, kSupervisor = 1, kAdmin = 2 };

// "agent" | "supervisor" | "admin".
std::string_view staffRoleName(StaffRole role);
// The role named `name` (exactly as staffRoleName spells it), or nullopt.
std::optional<StaffRole> parseStaffRole(std::string_view name);
// Whether `role` may do what `required` may.
inline bool roleAtLeast(StaffRole role, StaffRole required) {
  return static_cast<int>(role) >= static_cast<int>(required);
}

// Sign-in rules. A staff account locks for kStaffLockFor after kStaffLockAfter wrong attempts in a
// row, then unlocks by itself: a lock that lasts until an admin acts would let anyone who knows a
// username keep that person out. At 5 tries per 15 minutes a password of kStaffPasswordMinChars
// with a second factor is out of reach of guessing.
inline constexpr int kStaffLockAfter = 5;
inline constexpr Seconds kStaffLockFor{15 * 60};
// A session ends after kStaffSessionIdle without a request, and kStaffSessionMax after sign-in
// whatever happens (a shift, not a week).
inline constexpr Seconds kStaffSessionIdle{30 * 60};
inline constexpr Seconds kStaffSessionMax{12 * 3600};
// NIST SP 800-63B 5.1.1: at least 8 characters chosen by a person; staff passwords guard
// customers' data, so 12. At most 128, so a hash request cannot be made arbitrarily long.
inline constexpr size_t kStaffPasswordMinChars = 12;
inline constexpr size_t kStaffPasswordMaxChars = 128;

// 1-64 characters of a-z 0-9 . _ - (lower-case, so "Ann" and "ann" cannot be two accounts).
bool isValidStaffUsername(std::string_view username);
// Length within the bounds above; any characters.
bool isAcceptableStaffPassword(std::string_view password);

struct StaffAccount {
  std::string username;
  StaffRole role = StaffRole::kAgent;
  std::string passwordHash;    // PinHasher's string, for "staff:" + username
  std::string totpSeedSealed;  // the TOTP seed, sealed (StaffTotp); never stored in the clear
  int failures = 0;            // wrong attempts in a row, counted before each check
  TimePoint lockedUntil{};     // no attempt is checked before this
  int64_t lastTotpStep = 0;    // the TOTP time step last used: a code works once
  TimePoint lastSignIn{};      // zero when never
  TimePoint createdAt{};
  // Bumped by resetCredentials(): a session lives only while its epoch is its account's, so a
  // reset ends every session at once (and removing the account ends them too).
  int64_t epoch = 1;
};

struct StaffSession {
  std::string idHash;  // the keyed hash of the cookie's token; the token itself is never stored
  std::string username;
  std::string csrfToken;
  int64_t accountEpoch = 0;  // the account's epoch when the password was checked
  TimePoint createdAt{};
  TimePoint lastSeen{};
  TimePoint expiresAt{};  // createdAt + kStaffSessionMax
};

// A live session with its account's role now (a role changed or an account removed takes
// effect at the next request).
struct StaffSessionView {
  StaffSession session;
  StaffRole role = StaffRole::kAgent;
};

// Staff accounts and their sessions. Shared by every node (sessions live in the database, so a
// load balancer may send a staff member's requests anywhere). Thread-safe.
class StaffStore {
 public:
  virtual ~StaffStore() = default;
  // kAlreadyExists when the username is taken.
  virtual Status add(const StaffAccount& account) = 0;
  virtual Result<std::optional<StaffAccount>> find(const std::string& username) = 0;
  // Every account, by username.
  virtual Result<std::vector<StaffAccount>> list() = 0;
  // A new password hash and TOTP seed (and role): failures, lock and last TOTP step cleared, and
  // the epoch bumped, which ends every session of the account. kNotFound when there is no such
  // account.
  virtual Status resetCredentials(const std::string& username, StaffRole role,
                                  const std::string& passwordHash,
                                  const std::string& totpSeedSealed) = 0;
  // The account and its sessions. kNotFound when there is no such account.
  virtual Status remove(const std::string& username) = 0;
  // Counts an attempt before its password is checked, atomically, so concurrent guesses cannot
  // slip past the lock: false (nothing counted) while the account is locked at `now`; otherwise
  // failures + 1, and the attempt that reaches `lockAfter` locks the account until now + lockFor
  // (failures back to 0). kNotFound when there is no such account.
  virtual Result<bool> beginSignIn(const std::string& username, TimePoint now, int lockAfter,
                                   Seconds lockFor) = 0;
  // The attempt begun was right and its code was for TOTP step `step`: true with failures and
  // lock cleared, lastTotpStep = step and lastSignIn = now; false, changing nothing, when `step`
  // is not after lastTotpStep (a code used twice). kNotFound when there is no such account.
  virtual Result<bool> completeSignIn(const std::string& username, int64_t step, TimePoint now) = 0;
  // kFailedPrecondition (nothing stored) when the account's epoch is no longer
  // session.accountEpoch, or the account is gone: a reset between the check and here wins.
  virtual Status createSession(const StaffSession& session) = 0;
  // The session with its account's role, unless it expired (expiresAt <= now), sat idle
  // (lastSeen + idle <= now), or its account is gone or was reset since.
  virtual Result<std::optional<StaffSessionView>> findSession(const std::string& idHash,
                                                              TimePoint now, Seconds idle) = 0;
  // lastSeen = now.
  virtual Status touchSession(const std::string& idHash, TimePoint now) = 0;
  virtual Status deleteSession(const std::string& idHash) = 0;
  // Deletes at most `limit` sessions expired or idle at `now`; returns how many.
  virtual Result<int64_t> removeExpiredSessions(TimePoint now, Seconds idle, int limit) = 0;
};

// The second factor: RFC 6238 TOTP (SHA-1, 6 digits, 30 s, as every authenticator app reads an
// otpauth:// URI). The seed is sealed for storage, bound to the username. Thread-safe.
struct TotpEnrollment {
  std::string sealedSeed;    // for StaffAccount::totpSeedSealed
  std::string base32Secret;  // shown once to the staff member, for their authenticator app
  std::string uri;           // otpauth://totp/... with the same secret
};
class StaffTotp {
 public:
  virtual ~StaffTotp() = default;
  // A new random seed for `username`.
  virtual TotpEnrollment enroll(std::string_view username) = 0;
  // The time step `code` is valid for at `now` (the current step or one either side, for clock
  // drift), or nullopt when it is not a valid code or the seed does not open for `username`.
  virtual std::optional<int64_t> matchStep(std::string_view sealedSeed, std::string_view username,
                                           std::string_view code, TimePoint now) const = 0;
};

}  // namespace callgate
