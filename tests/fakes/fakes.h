// Test doubles for the ports in core/ports.h: a settable clock, scripted randomness, a
// transparent hasher, in-memory stores and recording sinks. Single-threaded use only, except
// where a mutex says otherwise.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

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
  void fill(std::span<uint8_t> out) override { std::fill(out.begin(), out.end(), uint8_t{0x42}); }
  uint32_t uniform(uint32_t upperBound) override {
    if (values_.empty()) return 0;
    const uint32_t v = values_.front();
    values_.pop_front();
    return v % upperBound;
  }

 private:
  std::deque<uint32_t> values_;
};

class FakeCodeHasher : public CodeHasher {
 public:
  std::string digest(std::string_view message) const override { return "h(" + std::string(message) + ")"; }
  bool matches(std::string_view expected, std::string_view message) const override {
    return expected == digest(message);
  }
};

class InMemoryCustomerStore : public CustomerStore {
 public:
  Result<std::optional<Customer>> findByPhone(const std::string& e164) override {
    if (failing) return Error::unavailable("store down");
    auto it = rows.find(e164);
    if (it == rows.end()) return std::optional<Customer>{};
    return std::optional<Customer>{it->second};
  }
  Status add(const Customer& c) override {
    if (rows.count(c.phone)) return Error::alreadyExists(c.phone);
    rows[c.phone] = c;
    return okStatus();
  }
  Status addAll(const std::vector<Customer>& cs) override {
    std::set<std::string> batch;
    for (const auto& c : cs) {
      if (rows.count(c.phone) || !batch.insert(c.phone).second) return Error::alreadyExists(c.phone);
    }
    for (const auto& c : cs) rows[c.phone] = c;
    return okStatus();
  }
  Result<int64_t> count() override { return static_cast<int64_t>(rows.size()); }

  std::map<std::string, Customer> rows;
  bool failing = false;
};

class InMemoryChallengeStore : public ChallengeStore {
 public:
  explicit InMemoryChallengeStore(InMemoryCustomerStore& customers) : customers_(customers) {}

  Result<int64_t> replace(const Challenge& c) override {
    for (auto& row : rows) {
      if (row.phone == c.phone && row.state == ChallengeState::kActive) row.state = ChallengeState::kVoided;
    }
    rows.push_back(c);
    rows.back().id = static_cast<int64_t>(rows.size());
    return rows.back().id;
  }
  Result<std::optional<Challenge>> latest(const std::string& e164) override {
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      if (it->phone == e164) return std::optional<Challenge>{*it};
    }
    return std::optional<Challenge>{};
  }
  Result<Challenge> recordFailure(int64_t id) override {
    Challenge& row = rows.at(static_cast<size_t>(id - 1));
    if (row.state == ChallengeState::kActive) {
      ++row.attempts;
      if (row.attempts >= row.maxAttempts) row.state = ChallengeState::kLocked;
    }
    return row;
  }
  Result<bool> redeem(int64_t id, TimePoint now, const std::optional<Customer>& enroll) override {
    Challenge& row = rows.at(static_cast<size_t>(id - 1));
    if (row.state != ChallengeState::kActive || row.attempts >= row.maxAttempts ||
        now >= row.expiresAt) {
      return false;
    }
    row.state = ChallengeState::kVerified;
    if (enroll && !customers_.rows.count(enroll->phone)) customers_.rows[enroll->phone] = *enroll;
    return true;
  }
  Result<int64_t> countCreatedSince(const std::string& prefix, TimePoint since) override {
    return static_cast<int64_t>(std::count_if(rows.begin(), rows.end(), [&](const Challenge& c) {
      return c.phone.rfind(prefix, 0) == 0 && c.createdAt >= since;
    }));
  }

  std::vector<Challenge> rows;

 private:
  InMemoryCustomerStore& customers_;
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
  void record(std::string_view event, const std::vector<std::pair<std::string, std::string>>& fields) override {
    std::lock_guard lock(mu_);
    events.emplace_back(std::string(event), fields);
  }
  bool has(std::string_view event) const {
    return std::any_of(events.begin(), events.end(), [&](const auto& e) { return e.first == event; });
  }
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> events;

 private:
  std::mutex mu_;
};

}  // namespace callgate::testing
