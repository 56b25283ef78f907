// Test doubles for the ports in core/ports.h: a settable clock, scripted randomness, a
// transparent hasher, in-memory stores and recording sinks. The in-memory stores are thread-safe
// through their methods, as the ports require, and keep the ports' semantics: tests/contracts runs
// the same suites against them and against SQLite. Their public fields are for tests to arrange
// and inspect state while no other thread uses the store. FakeClock and FakeRandom are
// single-threaded.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/phone.h"
#include "core/ports.h"

namespace callgate::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint t = fromUnixMillis(1'800'000'000'000)) : now_(t) {}
  TimePoint now() const override { return now_; }
  void advance(Millis d) { now_ += d; }

 private:
  TimePoint now_;
};

// Returns scripted values for uniform() (modulo the bound), then zeros.
class FakeRandom : public Random {
 public:
  void script(std::initializer_list<uint32_t> values) { values_.insert(values_.end(), values); }
  void scriptDigits(const std::string& digits) {
    for (char c : digits) values_.push_back(static_cast<uint32_t>(c - '0'));
  }
  // 0x42 bytes, except that the first byte counts the calls (0x42, 0x43, ...), so successive
  // fills (link codes, say) differ while staying predictable.
  void fill(std::span<uint8_t> out) override {
    std::fill(out.begin(), out.end(), uint8_t{0x42});
    if (!out.empty()) out[0] = static_cast<uint8_t>(0x42 + fills_);
    ++fills_;
  }
  uint32_t uniform(uint32_t upperBound) override {
    if (values_.empty()) return 0;
    const uint32_t v = values_.front();
    values_.pop_front();
    return v % upperBound;
  }

 private:
  std::deque<uint32_t> values_;
  int fills_ = 0;
};

class FakeCodeHasher : public CodeHasher {
 public:
  std::string digest(std::string_view message) const override {
    return "h(" + std::string(message) + ")";
  }
  bool matches(std::string_view expected, std::string_view message) const override {
    return expected == digest(message);
  }
};

// Also the "database" of the credential, member and challenge fakes: they take mutex() for
// every operation, so one operation spanning customers and their own rows is atomic, as in SQLite.
class InMemoryCustomerStore : public CustomerStore {
 public:
  Result<std::optional<Customer>> findByPhone(const std::string& e164) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    auto it = rows.find(e164);
    if (it == rows.end()) return std::optional<Customer>{};
    return std::optional<Customer>{it->second};
  }
  Result<std::optional<Customer>> findByUserId(const std::string& userId) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    for (const auto& [phone, c] : rows) {
      if (!userId.empty() && c.userId == userId) return std::optional<Customer>{c};
    }
    return std::optional<Customer>{};
  }
  Status add(const Customer& c) override { return addWithPins({{c, ""}}); }
  Status addAll(const std::vector<Customer>& cs) override {
    std::vector<CustomerRecord> records;
    for (const auto& c : cs) records.push_back({c, ""});
    return addWithPins(records);
  }
  Status addWithPins(const std::vector<CustomerRecord>& records) override {
    std::lock_guard lock(mu_);
    std::set<std::string> phones, userIds;
    for (const auto& r : records) {
      const Customer& c = r.customer;
      if (!r.pinHash.empty() && c.userId.empty())
        return Error::invalidArgument("a PIN needs a user id");
      if (rows.count(c.phone) || !phones.insert(c.phone).second)
        return Error::alreadyExists(c.phone);
      if (!c.userId.empty() &&
          (findByUserId(c.userId)->has_value() || !userIds.insert(c.userId).second)) {
        return Error::alreadyExists("user id " + c.userId);
      }
    }
    for (const auto& r : records) {
      rows[r.customer.phone] = r.customer;
      if (!r.pinHash.empty()) pinHashes[r.customer.userId] = r.pinHash;
    }
    return okStatus();
  }
  Result<int64_t> count() override {
    std::lock_guard lock(mu_);
    return static_cast<int64_t>(rows.size());
  }
  Result<int64_t> countUpTo(int64_t limit) override {
    std::lock_guard lock(mu_);
    return std::min(static_cast<int64_t>(rows.size()), std::max<int64_t>(limit, 0));
  }
  Result<std::vector<std::string>> regionsOnFile() override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    std::set<std::string> regions;
    for (const auto& [phone, c] : rows) {
      if (std::string region = regionOf(phone); !region.empty()) regions.insert(region);
    }
    return std::vector<std::string>(regions.begin(), regions.end());
  }
  bool readsInProcess() const override { return true; }
  Result<std::vector<Customer>> findByPhoneSuffix(const std::string& digits, int limit) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    if (!isPhoneSuffix(digits)) return Error::invalidArgument("search by 4 to 15 digits");
    std::vector<Customer> out;
    for (const auto& [phone, c] : rows) {  // ordered by phone
      if (static_cast<int>(out.size()) >= limit) break;
      if (phone.ends_with(digits)) out.push_back(c);
    }
    return out;
  }

  // Recursive, so a store holding it can call this store's methods.
  std::recursive_mutex& mutex() { return mu_; }

  std::map<std::string, Customer> rows;
  std::map<std::string, std::string> pinHashes;  // by user id
  bool failing = false;

 private:
  std::recursive_mutex mu_;
};

// PIN hashes live in the customer store's pinHashes (as the SQLite adapter keeps them in the
// same database); failure counters here, for any user id.
class InMemoryCredentialStore : public CredentialStore {
 public:
  explicit InMemoryCredentialStore(InMemoryCustomerStore& customers) : customers_(customers) {}

  Result<std::optional<std::string>> pinHash(const std::string& userId) override {
    std::lock_guard lock(customers_.mutex());
    auto found = customers_.findByUserId(userId);
    if (!found.ok()) return found.error();
    if (!found->has_value()) return std::optional<std::string>{};
    auto it = customers_.pinHashes.find(userId);
    return std::optional<std::string>{it == customers_.pinHashes.end() ? "" : it->second};
  }
  Status setPinHash(const std::string& userId, const std::string& hash, TimePoint) override {
    std::lock_guard lock(customers_.mutex());
    if (!customers_.findByUserId(userId)->has_value()) return Error::notFound(userId);
    customers_.pinHashes[userId] = hash;
    return okStatus();
  }
  Result<PinAttempt> beginPinAttempt(const std::string& userId, const PinLockoutPolicy& policy,
                                     TimePoint now) override {
    std::lock_guard lock(customers_.mutex());
    PinFailureState& f = failures[userId];
    const PinAttemptDecision decision = decidePinAttempt(policy, f, now);
    f = decision.next;
    if (decision.attempt.allowed) lastAttempt[userId] = now;
    return decision.attempt;
  }
  Status resetPinFailures(const std::string& userId) override {
    std::lock_guard lock(customers_.mutex());
    if (auto it = failures.find(userId); it != failures.end()) it->second = PinFailureState{};
    return okStatus();
  }
  Result<bool> refundPinAttempt(const std::string& userId, const PinAttempt& attempt) override {
    std::lock_guard lock(customers_.mutex());
    auto it = failures.find(userId);
    if (!attempt.allowed || it == failures.end() || it->second.failures != attempt.failures ||
        lastAttempt[userId] != attempt.at) {
      return false;
    }
    it->second = attempt.before;
    return true;
  }
  Result<PinFailureState> pinFailures(const std::string& userId) override {
    std::lock_guard lock(customers_.mutex());
    auto it = failures.find(userId);
    return it == failures.end() ? PinFailureState{} : it->second;
  }
  Result<bool> unlock(const std::string& userId) override {
    std::lock_guard lock(customers_.mutex());
    return failures.erase(userId) > 0;
  }

  std::map<std::string, PinFailureState> failures;
  std::map<std::string, TimePoint> lastAttempt;  // as the stores' last_attempt_at_ms

 private:
  InMemoryCustomerStore& customers_;
};

// A transparent PinHasher: "pin(<userId>|<pin>)". Counts verify() calls, dummy ones included,
// so tests can see that an unknown id costs a verification too.
class FakePinHasher : public PinHasher {
 public:
  Result<std::string> hash(std::string_view userId, std::string_view pin) const override {
    return "pin(" + std::string(userId) + "|" + std::string(pin) + ")";
  }
  bool verify(std::string_view stored, std::string_view userId,
              std::string_view pin) const override {
    ++verifications;
    return !stored.empty() && stored == *hash(userId, pin);
  }
  bool needsRehash(std::string_view) const override { return false; }
  mutable int verifications = 0;
};

class InMemoryGrantStore : public GrantStore {
 public:
  Result<int64_t> insert(const Grant& g) override {
    std::lock_guard lock(mu_);
    for (const auto& row : rows) {
      if (row.codeHash == g.codeHash) return Error::alreadyExists("code hash");
    }
    rows.push_back(g);
    rows.back().id = static_cast<int64_t>(rows.size());
    return rows.back().id;
  }
  Result<std::optional<Grant>> findByCodeHash(const std::string& codeHash) override {
    std::lock_guard lock(mu_);
    for (const auto& row : rows) {
      if (row.codeHash == codeHash) return std::optional<Grant>{row};
    }
    return std::optional<Grant>{};
  }
  Result<bool> redeem(int64_t id, TimePoint now) override {
    std::lock_guard lock(mu_);
    if (id < 1 || id > static_cast<int64_t>(rows.size())) return false;
    Grant& row = rows[static_cast<size_t>(id - 1)];
    if (row.state != GrantState::kIssued || now >= row.expiresAt) return false;
    row.state = GrantState::kRedeemed;
    row.redeemedAt = now;
    return true;
  }
  Result<int64_t> countIssuedSince(const std::string& userId, TimePoint since) override {
    std::lock_guard lock(mu_);
    return static_cast<int64_t>(std::count_if(rows.begin(), rows.end(), [&](const Grant& g) {
      return g.userId == userId && g.createdAt >= since;
    }));
  }
  std::vector<Grant> rows;

 private:
  std::mutex mu_;
};

class InMemoryMemberStore : public MemberStore {
 public:
  explicit InMemoryMemberStore(InMemoryCustomerStore& customers) : customers_(customers) {}
  Result<int64_t> add(const Member& m) override {
    std::lock_guard lock(customers_.mutex());
    if (!customers_.findByUserId(m.accountUserId)->has_value())
      return Error::notFound(m.accountUserId);
    rows.push_back(m);
    rows.back().id = static_cast<int64_t>(rows.size());
    return rows.back().id;
  }
  Result<std::vector<Member>> listByAccount(const std::string& userId) override {
    std::lock_guard lock(customers_.mutex());
    std::vector<Member> out;
    for (const auto& m : rows) {
      if (m.accountUserId == userId) out.push_back(m);
    }
    return out;
  }
  std::vector<Member> rows;

 private:
  InMemoryCustomerStore& customers_;
};

class InMemoryChallengeStore : public ChallengeStore {
 public:
  explicit InMemoryChallengeStore(InMemoryCustomerStore& customers) : customers_(customers) {}

  Result<int64_t> replace(const Challenge& c) override {
    std::lock_guard lock(customers_.mutex());
    for (auto& row : rows) {
      if (row.phone == c.phone && row.state == ChallengeState::kActive)
        row.state = ChallengeState::kVoided;
    }
    rows.push_back(c);
    rows.back().id = static_cast<int64_t>(rows.size());
    return rows.back().id;
  }
  Result<std::optional<Challenge>> latest(const std::string& e164) override {
    std::lock_guard lock(customers_.mutex());
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      if (it->phone == e164) return std::optional<Challenge>{*it};
    }
    return std::optional<Challenge>{};
  }
  Result<Challenge> recordFailure(int64_t id) override {
    std::lock_guard lock(customers_.mutex());
    if (!exists(id)) return Error::notFound("challenge " + std::to_string(id) + " not found");
    Challenge& row = rows[static_cast<size_t>(id - 1)];
    if (row.state == ChallengeState::kActive) {
      ++row.attempts;
      if (row.attempts >= row.maxAttempts) row.state = ChallengeState::kLocked;
    }
    return row;
  }
  Result<bool> redeem(int64_t id, TimePoint now, const std::optional<Customer>& enroll) override {
    std::lock_guard lock(customers_.mutex());
    if (!exists(id)) return false;
    Challenge& row = rows[static_cast<size_t>(id - 1)];
    if (row.state != ChallengeState::kActive || row.attempts >= row.maxAttempts ||
        now >= row.expiresAt) {
      return false;
    }
    row.state = ChallengeState::kVerified;
    if (enroll && !customers_.rows.count(enroll->phone)) customers_.rows[enroll->phone] = *enroll;
    return true;
  }
  Result<int64_t> countCreatedSince(const std::string& prefix, TimePoint since) override {
    std::lock_guard lock(customers_.mutex());
    return static_cast<int64_t>(std::count_if(rows.begin(), rows.end(), [&](const Challenge& c) {
      return c.phone.rfind(prefix, 0) == 0 && c.createdAt >= since;
    }));
  }
  Result<OtpFailures> countFailures(const std::string& e164, TimePoint since) override {
    std::lock_guard lock(customers_.mutex());
    OtpFailures out;
    for (const Challenge& c : rows) {  // in id order
      if (c.phone != e164) continue;
      if (c.createdAt >= since) out.since += c.attempts;
      out.consecutive = c.state == ChallengeState::kVerified ? 0 : out.consecutive + c.attempts;
    }
    return out;
  }

  std::vector<Challenge> rows;

 private:
  bool exists(int64_t id) const { return id >= 1 && id <= static_cast<int64_t>(rows.size()); }

  InMemoryCustomerStore& customers_;
};

// Token states by jti; thread-safe (a mutex), so it also serves concurrent tests and benchmarks.
class InMemoryTokenStateStore : public TokenStateStore {
 public:
  Status revoke(const std::string& jti, TimePoint expiresAt) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    rows.emplace(jti, Row{"revoked", expiresAt});
    return okStatus();
  }
  Result<bool> consume(const std::string& jti, TimePoint expiresAt) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    return rows.emplace(jti, Row{"used", expiresAt}).second;
  }
  Result<bool> isRevoked(const std::string& jti) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    return rows.count(jti) > 0;
  }

  struct Row {
    std::string state;  // "revoked" | "used"
    TimePoint expiresAt;
  };
  std::map<std::string, Row> rows;
  bool failing = false;

 private:
  std::mutex mu_;
};

class RecordingSmsSender : public SmsSender {
 public:
  Status send(const SmsMessage& m) override {
    if (failing) return Error::unavailable("gateway down");
    sent.push_back(m);
    return okStatus();
  }
  std::vector<SmsMessage> sent;
  bool failing = false;
};

// Mutex-guarded: the voice runtime tests drive it from several threads.
class InMemoryVoiceSessionStore : public VoiceSessionStore {
 public:
  Status insert(const VoiceSessionRecord& r) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    for (const auto& [id, row] : rows) {
      if (id == r.id || row.callSid == r.callSid) return Error::alreadyExists(r.id);
    }
    rows[r.id] = r;
    return okStatus();
  }
  Result<std::optional<VoiceSessionRecord>> find(const std::string& id, TimePoint now) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    auto it = rows.find(id);
    if (it == rows.end() || it->second.expiresAt <= now) return std::optional<VoiceSessionRecord>{};
    return std::optional<VoiceSessionRecord>{it->second};
  }
  Result<std::optional<VoiceSessionRecord>> findByCallSid(const std::string& callSid,
                                                          TimePoint now) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    for (const auto& [id, row] : rows) {
      if (row.callSid == callSid && row.expiresAt > now) {
        return std::optional<VoiceSessionRecord>{row};
      }
    }
    return std::optional<VoiceSessionRecord>{};
  }
  Result<bool> update(const VoiceSessionRecord& r, int64_t expectedVersion) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    auto it = rows.find(r.id);
    if (it == rows.end() || it->second.version != expectedVersion) return false;
    VoiceSessionRecord& row = it->second;
    row.state = r.state;
    row.response = r.response;
    row.version = r.version;
    row.updatedAt = r.updatedAt;
    row.expiresAt = r.expiresAt;
    return true;
  }
  Status remove(const std::string& id) override {
    std::lock_guard lock(mu_);
    rows.erase(id);
    return okStatus();
  }
  Result<int64_t> removeExpired(TimePoint now) override {
    std::lock_guard lock(mu_);
    return static_cast<int64_t>(
        std::erase_if(rows, [&](const auto& kv) { return kv.second.expiresAt <= now; }));
  }

  std::map<std::string, VoiceSessionRecord> rows;
  bool failing = false;

 private:
  std::mutex mu_;
};

class RecordingAuditLog : public AuditLog {
 public:
  void record(std::string_view event,
              const std::vector<std::pair<std::string, std::string>>& fields) override {
    std::lock_guard lock(mu_);
    events.emplace_back(std::string(event), fields);
  }
  bool has(std::string_view event) const {
    return std::any_of(events.begin(), events.end(),
                       [&](const auto& e) { return e.first == event; });
  }
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> events;

 private:
  std::mutex mu_;
};

}  // namespace callgate::testing
