// Staff sign-in for the console, and the accounts behind it (`callgate staff ...`).
//
// StaffSignIn checks a username, password and TOTP code, and answers with a session: a random
// 256-bit token for the cookie (only its keyed hash is stored, so a database dump signs nobody
// in) and a CSRF token bound to the session. What it guarantees:
// - the attempt is counted before the password is checked (StaffStore::beginSignIn), so guesses
//   in parallel cannot pass the lock (kStaffLockAfter per kStaffLockFor);
// - an unknown username, a wrong password, a wrong or reused code and a locked account all get the
//   same answer (kRefused), and an unknown username costs an argon2id check like a known one, so
//   the answer does not tell which usernames exist; the audit log tells operators which it was;
// - a TOTP code signs in once (the store refuses a step not after the last one used);
// - a session ends after kStaffSessionIdle without a request or kStaffSessionMax after sign-in,
//   at sign-out, and when the account is reset or removed.
//
// StaffAccounts adds, resets, removes and lists accounts: passwords are argon2id (the PinHasher,
// keyed on "staff:" + username), the TOTP seed is new at every add and reset and is returned once
// for the staff member's authenticator app.
//
// Both borrow what they are given, which must outlive them. Thread-safe (the ports are).
// signIn() runs argon2id: call it on the slow lane.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/ports.h"
#include "core/staff.h"

namespace callgate {

struct StaffSessionOptions {
  int lockAfter = kStaffLockAfter;
  Seconds lockFor = kStaffLockFor;
  Seconds idle = kStaffSessionIdle;
  Seconds maxAge = kStaffSessionMax;
};

enum class StaffSignInOutcome { kSignedIn, kRefused, kUnavailable };

struct StaffSignInResult {
  StaffSignInOutcome outcome = StaffSignInOutcome::kRefused;
  std::string sessionToken;  // for the cookie; only when signed in
  std::string username;
  StaffRole role = StaffRole::kAgent;
};

class StaffSignIn {
 public:
  StaffSignIn(StaffStore& store, const PinHasher& hasher, const StaffTotp& totp,
              const CodeHasher& sessionHasher, Random& random, const Clock& clock, AuditLog& audit,
              StaffSessionOptions options = {});

  // `remote` (the peer address) goes to the audit log only.
  StaffSignInResult signIn(std::string_view username, std::string_view password,
                           std::string_view code, std::string_view remote);

  // The live session behind a cookie's token, or nullopt (no such session, ended, or a token
  // that cannot be one). Marks it used (at most one write a minute per session).
  Result<std::optional<StaffSessionView>> session(std::string_view token);

  // Ends the session behind `token` (nothing when there is none).
  void signOut(std::string_view token, std::string_view remote);

  const StaffSessionOptions& options() const { return options_; }

 private:
  std::string idHash(std::string_view token) const;
  std::string randomToken();
  void refuse(std::string_view username, std::string_view reason, std::string_view remote);

  StaffStore& store_;
  const PinHasher& hasher_;
  const StaffTotp& totp_;
  const CodeHasher& sessionHasher_;
  Random& random_;
  const Clock& clock_;
  AuditLog& audit_;
  StaffSessionOptions options_;
};

class StaffAccounts {
 public:
  StaffAccounts(StaffStore& store, const PinHasher& hasher, StaffTotp& totp, const Clock& clock,
                AuditLog& audit);

  // kInvalidArgument for a username or password outside the rules (core/staff.h),
  // kAlreadyExists for a taken username. Returns the TOTP secret to show once.
  Result<TotpEnrollment> add(const std::string& username, StaffRole role,
                             std::string_view password);
  // A new password and TOTP secret (and role): lock cleared, every session ended.
  Result<TotpEnrollment> reset(const std::string& username, StaffRole role,
                               std::string_view password);
  Status remove(const std::string& username);
  Result<std::vector<StaffAccount>> list();

 private:
  Result<std::string> hashPassword(const std::string& username, std::string_view password) const;

  StaffStore& store_;
  const PinHasher& hasher_;
  StaffTotp& totp_;
  const Clock& clock_;
  AuditLog& audit_;
};

}  // namespace callgate
