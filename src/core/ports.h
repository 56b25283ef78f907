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

#include "core/challenge.h"
#include "core/customer.h"
#include "core/result.h"
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

class CustomerStore {
 public:
  virtual ~CustomerStore() = default;
  virtual Result<std::optional<Customer>> findByPhone(const std::string& e164) = 0;
  // kAlreadyExists if the phone is taken.
  virtual Status add(const Customer& customer) = 0;
  // All or nothing, in one transaction; kAlreadyExists names the first duplicate.
  virtual Status addAll(const std::vector<Customer>& customers) = 0;
  virtual Result<int64_t> count() = 0;
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
  // not expired at `now`, and, if that succeeded and `enroll` is set, inserts the customer unless the phone already
  // exists. Returns false (and changes nothing) when the challenge was no longer active — the
  // loser of a race. Both stores share one database in every adapter, so this is atomic.
  virtual Result<bool> redeem(int64_t id, TimePoint now, const std::optional<Customer>& enroll) = 0;
  // Challenges created for numbers starting with `prefix` (a whole number counts as a prefix
  // of itself) since `since`; used for send-rate limits.
  virtual Result<int64_t> countCreatedSince(const std::string& prefix, TimePoint since) = 0;
};

struct SmsMessage {
  std::string to;    // E.164
  std::string body;
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  virtual Status send(const SmsMessage& message) = 0;
};

// Append-only record of security-relevant events (code sent, verified, locked, enrolled).
// Fields never hold codes, PINs, tokens or full phone numbers. Failures to write are the
// adapter's to report in the operational log; they do not fail the call.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(std::string_view event, const std::vector<std::pair<std::string, std::string>>& fields) = 0;
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

}  // namespace callgate
