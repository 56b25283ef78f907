// Ports: the small interfaces through which the core and the functions reach the outside world.
// Adapters (src/adapters) implement them; src/app wires concrete ones; tests use the fakes in
// tests/fakes. Unless stated otherwise, every implementation must be safe to call from several
// threads at once (the HTTP server calls functions from a worker pool).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "core/action_grant.h"
#include "core/challenge.h"
#include "core/customer.h"
#include "core/member.h"
#include "core/pin_policy.h"
#include "core/time.h"
#include "core/voice_session.h"

namespace callgate {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// Cryptographically secure randomness (libsodium in production).
class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<uint8_t> out) = 0;
  // Uniform in [0, upperBound), without modulo bias. upperBound > 0.
  virtual uint32_t uniform(uint32_t upperBound) = 0;
};

// Keyed hash for one-time codes (HMAC with a server secret in production), so a database leak
// does not reveal live codes, and a constant-time comparison.
class CodeHasher {
 public:
  virtual ~CodeHasher() = default;
  // Deterministic keyed digest of `message`, as text safe to store.
  virtual std::string digest(std::string_view message) const = 0;
  // Constant-time: does digest(message) equal `expected`?
  virtual bool matches(std::string_view expected, std::string_view message) const = 0;
};

// A customer to add, with the PinHasher hash of their PIN ("" for none; needs a userId).
struct CustomerRecord {
  Customer customer;
  std::string pinHash;
};

class CustomerStore {
 public:
  virtual ~CustomerStore() = default;
  virtual Result<std::optional<Customer>> findByPhone(const std::string& e164) = 0;
  // The customer whose userId is `userId` (exact match), or nullopt.
  virtual Result<std::optional<Customer>> findByUserId(const std::string& userId) = 0;
  // kAlreadyExists if the phone or the (non-empty) user id is taken.
  virtual Status add(const Customer& customer) = 0;
  // All or nothing, in one transaction; kAlreadyExists names the first duplicate.
  virtual Status addAll(const std::vector<Customer>& customers) = 0;
  // As addAll, storing each record's PIN hash with its customer in the same transaction.
  virtual Status addWithPins(const std::vector<CustomerRecord>& records) = 0;
  virtual Result<int64_t> count() = 0;
  // min(count(), limit), reading at most `limit` rows: for the start-up summary, which must not
  // scan a large table (count() reads every row on SQLite and PostgreSQL alike).
  virtual Result<int64_t> countUpTo(int64_t limit) = 0;
  // The regions (ISO 3166-1 alpha-2, as regionOf gives them: "US", "CA", "GB") of the numbers on
  // file, each once, in ascending order; numbers of no region (+800, +882 ...) are left out. For
  // the SMS guard's default country allow-list, on every send: one index probe per region, not a
  // scan of the customers.
  virtual Result<std::vector<std::string>> regionsOnFile() = 0;
  // The customers whose number ends with `digits` (kMinPhoneSuffixDigits to 15 ASCII digits;
  // kInvalidArgument otherwise), ordered by phone, at most `limit`: the console's search by the
  // last digits a caller reads out. Served by an index on the last four digits of the number,
  // so it reads the few rows sharing them, never the whole table.
  virtual Result<std::vector<Customer>> findByPhoneSuffix(const std::string& digits, int limit) = 0;
  // True when findByPhone/findByUserId are bounded in-process reads (the embedded store, in
  // memory): no network round trip, so a caller may run them where it must not wait long.
  virtual bool readsInProcess() const { return false; }
};

inline constexpr size_t kMinPhoneSuffixDigits = 4;
// Whether `digits` may be searched with findByPhoneSuffix().
inline bool isPhoneSuffix(std::string_view digits) {
  if (digits.size() < kMinPhoneSuffixDigits || digits.size() > 15) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Hashes PINs for storage (argon2id with a server-side pepper in production) and checks them.
// Slow by design: call from a worker thread, never an I/O thread.
class PinHasher {
 public:
  virtual ~PinHasher() = default;
  // A self-describing hash of `pin` bound to `userId` (the hash of one user's PIN does not
  // verify for another). kUnavailable if the hash cannot be computed (out of memory).
  virtual Result<std::string> hash(std::string_view userId, std::string_view pin) const = 0;
  // Does `pin` match `storedHash` for `userId`? An empty storedHash (unknown user id, or no PIN
  // set) is checked against a fixed dummy hash and never matches, so that the time taken does
  // not reveal whether the id exists. A malformed storedHash never matches.
  virtual bool verify(std::string_view storedHash, std::string_view userId,
                      std::string_view pin) const = 0;
  // True when `storedHash` was made with other parameters than hash() uses now.
  virtual bool needsRehash(std::string_view storedHash) const = 0;
};

// PIN hashes and per-user-id failure counters. The counters are kept for any user id, existing
// or not (see core/pin_policy.h).
class CredentialStore {
 public:
  virtual ~CredentialStore() = default;
  // The stored PIN hash of `userId`: "" when the user id exists without a PIN, nullopt when no
  // customer has that user id.
  virtual Result<std::optional<std::string>> pinHash(const std::string& userId) = 0;
  // Sets (or replaces) the PIN hash of an existing user id; kNotFound otherwise.
  virtual Status setPinHash(const std::string& userId, const std::string& pinHash,
                            TimePoint now) = 0;
  // Atomically (one read-modify-write that concurrent attempts, from any thread or node, wait
  // for): applies decidePinAttempt(policy, stored record, now) to `userId`'s record and stores
  // its `next`. So an attempt while a lock is in force is refused and not counted; any other is
  // counted, and the one that reaches a step or policy.lockAfter starts that lock.
  virtual Result<PinAttempt> beginPinAttempt(const std::string& userId,
                                             const PinLockoutPolicy& policy, TimePoint now) = 0;
  // A correct PIN: the counter starts over and every lock is lifted.
  virtual Status resetPinFailures(const std::string& userId) = 0;
  // An allowed attempt whose PIN could not be checked (a directory that did not answer): if the
  // record still holds what `attempt` stored (its failures count and attempt time), puts
  // `attempt.before` back, count and locks alike, atomically; true if it did. When another
  // attempt, a reset or an unlock came in between it changes nothing (false), so it never takes
  // back more than this attempt added.
  virtual Result<bool> refundPinAttempt(const std::string& userId, const PinAttempt& attempt) = 0;
  virtual Result<PinFailureState> pinFailures(const std::string& userId) = 0;
  // Clears the counter and the locks (an operator, or a code texted to the number on file); true
  // if there was a record to clear.
  virtual Result<bool> unlock(const std::string& userId) = 0;
};

// Action grants (core/action_grant.h), found by the keyed hash of their link code.
class GrantStore {
 public:
  virtual ~GrantStore() = default;
  // Inserts a new grant; returns its id. kAlreadyExists if the code hash is taken.
  virtual Result<int64_t> insert(const Grant& grant) = 0;
  virtual Result<std::optional<Grant>> findByCodeHash(const std::string& codeHash) = 0;
  // Atomically marks the grant redeemed at `now` if it is still issued and not expired at `now`.
  // True for exactly one caller; false (changing nothing) for everyone else.
  virtual Result<bool> redeem(int64_t id, TimePoint now) = 0;
  // Grants created for `userId` since `since` (the per-account issue limit).
  virtual Result<int64_t> countIssuedSince(const std::string& userId, TimePoint since) = 0;
};

class MemberStore {
 public:
  virtual ~MemberStore() = default;
  // Inserts the member (its id is ignored); returns the new id.
  // kNotFound if no customer has member.accountUserId.
  virtual Result<int64_t> add(const Member& member) = 0;
  // The members of one account, oldest first.
  virtual Result<std::vector<Member>> listByAccount(const std::string& accountUserId) = 0;
};

struct OtpFailures {
  int64_t since = 0;        // in challenges created at or after the time asked for
  int64_t consecutive = 0;  // since the number's last verified code (or ever)
};

class ChallengeStore {
 public:
  virtual ~ChallengeStore() = default;
  // Voids every active challenge of the same phone and inserts `challenge`, atomically.
  // Returns the new challenge's id.
  virtual Result<int64_t> replace(const Challenge& challenge) = 0;
  // The newest challenge for `phone` in any state, or nullopt.
  virtual Result<std::optional<Challenge>> latest(const std::string& e164) = 0;
  // Atomically counts one wrong code against an active challenge; locks it when the count
  // reaches maxAttempts. Returns the challenge as it is afterwards.
  virtual Result<Challenge> recordFailure(int64_t id) = 0;
  // In one transaction: marks the challenge verified if it is still active, not exhausted and
  // not expired at `now`, and, if that succeeded and `enroll` is set, inserts the customer unless
  // the phone already exists. Returns false (and changes nothing) when the challenge was no longer
  // active — the loser of a race. Both stores share one database in every adapter, so this is
  // atomic.
  virtual Result<bool> redeem(int64_t id, TimePoint now, const std::optional<Customer>& enroll) = 0;
  // Challenges created for numbers starting with `prefix` (a whole number counts as a prefix
  // of itself) since `since`; used for send-rate limits.
  virtual Result<int64_t> countCreatedSince(const std::string& prefix, TimePoint since) = 0;
  // Wrong codes keyed for `e164`: over the challenges created at or after `since`, and over
  // every challenge after its newest verified one (the consecutive failures).
  virtual Result<OtpFailures> countFailures(const std::string& e164, TimePoint since) = 0;
};

struct SmsMessage {
  std::string to;  // E.164
  std::string body;
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual Status send(const SmsMessage& message) = 0;
};

// What has happened to individual access tokens, by jti: revoked (RFC 7009) or used up (a
// single-use token was consumed). Either state makes the token unusable. Rows are needed only
// until `expiresAt` (after which the token fails its time check anyway), so implementations may
// delete them from then on.
class TokenStateStore {
 public:
  virtual ~TokenStateStore() = default;
  // Marks the token revoked; idempotent (revoking a used or revoked token changes nothing).
  virtual Status revoke(const std::string& jti, TimePoint expiresAt) = 0;
  // Marks the token used, atomically: true for the first caller only, false if it was already
  // used or revoked (so two concurrent uses cannot both win).
  virtual Result<bool> consume(const std::string& jti, TimePoint expiresAt) = 0;
  // True if the token was revoked or consumed.
  virtual Result<bool> isRevoked(const std::string& jti) = 0;
};

// Append-only record of security-relevant events (code sent, verified, locked, enrolled).
// Fields never hold codes, PINs, tokens or full phone numbers. Failures to write are the
// adapter's to report in the operational log; they do not fail the call.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(std::string_view event,
                      const std::vector<std::pair<std::string, std::string>>& fields) = 0;
};

// Parked webhook calls (Twilio voice). Every write is a compare-and-set on `version`, so two
// nodes (or two deliveries of one webhook) cannot both advance a call; expired rows are invisible
// to find() and findByCallSid() and are removed by removeExpired().
class VoiceSessionStore {
 public:
  virtual ~VoiceSessionStore() = default;
  // kAlreadyExists if the id or the call sid is taken.
  virtual Status insert(const VoiceSessionRecord& record) = 0;
  // The record unless it does not exist or expired at `now`.
  virtual Result<std::optional<VoiceSessionRecord>> find(const std::string& id, TimePoint now) = 0;
  virtual Result<std::optional<VoiceSessionRecord>> findByCallSid(const std::string& callSid,
                                                                  TimePoint now) = 0;
  // Replaces state, response, version, updatedAt and expiresAt of record.id if its stored
  // version is `expectedVersion`; false (and no change) if it is not, or the row is gone.
  virtual Result<bool> update(const VoiceSessionRecord& record, int64_t expectedVersion) = 0;
  // Deleting a missing id is not an error.
  virtual Status remove(const std::string& id) = 0;
  // Deletes every record expired at `now`; returns how many.
  virtual Result<int64_t> removeExpired(TimePoint now) = 0;
};

// What callgate itself verified about one contact (a call, by its contact id): within it, the
// caller passed a PIN check or an SMS code. verify-pin and verify-otp write these;
// issue-action-link reads them instead of trusting the contact's `authenticated` attribute, which
// the request (or a misconfigured flow) can forge. Trusted caller ID is not recorded: it is the
// carrier's word rather than something the caller proved, on the Connect endpoints it arrives as
// a request parameter, and recording it would put a write on every lookup-caller.
struct ContactAuthRecord {
  std::string contactId;
  std::string method;  // "pin" | "otp"
  std::string userId;  // "" when the method does not name one (a customer without a user id)
  std::string phone;   // the customer's number, E.164
  TimePoint expiresAt{};
};

// At most this many expired records are deleted by one record() call: enough to outpace the
// writes that create them, small enough that no single call pays for a backlog.
inline constexpr int kContactAuthPurgeBatch = 64;

class ContactAuthStore {
 public:
  virtual ~ContactAuthStore() = default;
  // Inserts the record, or replaces the one of the same (contactId, method); then deletes at most
  // kContactAuthPurgeBatch records (of any contact) expired at `now`, so the table cannot grow
  // without bound. A failed purge does not fail the call: the record is what matters.
  virtual Status record(const ContactAuthRecord& record, TimePoint now) = 0;
  // The records of `contactId` (exact match) not expired at `now` (expiresAt > now), ordered by
  // method.
  virtual Result<std::vector<ContactAuthRecord>> find(const std::string& contactId,
                                                      TimePoint now) = 0;
  // Deletes at most `limit` records expired at `now`; returns how many.
  virtual Result<int64_t> removeExpired(TimePoint now, int limit) = 0;
};

}  // namespace callgate
