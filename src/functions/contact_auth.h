// ContactAuthLedger: callgate's own record of which contacts it saw authenticate, over the
// ContactAuthStore port. verify-pin and verify-otp write to it when they answer authenticated;
// issue-action-link and the signed verdict (verdict_issuer.h) ask it instead of trusting the
// contact's `authenticated` attribute, which a request body or a misconfigured flow can set to
// anything.
//
// A record lives `ttl` from the moment it is written (the length of a call, not of a session).
// An empty contact id is never recorded: nothing could later ask about it, since
// issue-action-link refuses an empty contact id.
//
// Borrows the store, the customer store and the clock, which must outlive it. Thread-safe: the
// ports are, and the ledger holds no mutable state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "core/ports.h"

namespace callgate {

inline constexpr const char* kContactAuthPin = "pin";
inline constexpr const char* kContactAuthOtp = "otp";

inline constexpr Seconds kDefaultContactAuthTtl{900};

class ContactAuthLedger {
 public:
  ContactAuthLedger(ContactAuthStore& store, CustomerStore& customers, const Clock& clock,
                    Seconds ttl = kDefaultContactAuthTtl)
      : store_(store), customers_(customers), clock_(clock), ttl_(ttl) {}

  // Records that `contactId` authenticated by `method` as the customer (userId may be "").
  // A store failure is returned: the caller must not answer authenticated without the record.
  Status record(const std::string& contactId, const char* method, const std::string& userId,
                const std::string& phone);

  // Does `contactId` (non-empty) have an unexpired record for `userId`: one naming that user id,
  // or one whose phone is the number on file for it? A Result error only for a failing store.
  Result<bool> vouchesFor(const std::string& contactId, const std::string& userId);
  // The record that vouches (as vouchesFor decides), or nullopt. Its phone is the number on file
  // as the sign-in established it: a directory's number for a directory user.
  Result<std::optional<ContactAuthRecord>> vouchingRecord(const std::string& contactId,
                                                          const std::string& userId);

  // The unexpired records of `contactId` (none for an empty id). A Result error only for a
  // failing store.
  Result<std::vector<ContactAuthRecord>> records(const std::string& contactId);

  Seconds ttl() const { return ttl_; }

 private:
  ContactAuthStore& store_;
  CustomerStore& customers_;
  const Clock& clock_;
  const Seconds ttl_;
};

}  // namespace callgate
