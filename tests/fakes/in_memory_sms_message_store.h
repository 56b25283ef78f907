// InMemorySmsMessageStore: the SmsMessageStore port (core/sms_message.h) in memory, with the real
// status rules (mayReplaceStatus), for tests of senders and report routes. tests/contracts runs
// the SmsMessageStore suite against it and against SQLite, so the two keep one meaning.
// Thread-safe through its methods; `rows` is for tests to arrange and inspect state while no other
// thread uses the store.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sms_message.h"

namespace callgate::testing {

class InMemorySmsMessageStore : public SmsMessageStore {
 public:
  Status insert(const SmsMessageRecord& r) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    if (!rows.emplace(r.id, r).second) return Error::alreadyExists("sms message " + r.id);
    return okStatus();
  }
  Result<SmsReportOutcome> updateById(std::string_view provider, std::string_view id,
                                      std::string_view providerMessageId, std::string_view status,
                                      std::string_view errorCode, TimePoint at) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    auto it = rows.find(std::string(id));
    if (it == rows.end() || it->second.provider != provider) {
      return SmsReportOutcome::kUnknownMessage;
    }
    return apply(it->second, providerMessageId, status, errorCode, at);
  }
  Result<SmsReportOutcome> updateByProviderId(std::string_view provider,
                                              std::string_view providerMessageId,
                                              std::string_view status, std::string_view errorCode,
                                              TimePoint at) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    if (providerMessageId.empty()) return SmsReportOutcome::kUnknownMessage;
    for (auto& [id, r] : rows) {
      if (r.provider == provider && r.providerMessageId == providerMessageId) {
        return apply(r, providerMessageId, status, errorCode, at);
      }
    }
    return SmsReportOutcome::kUnknownMessage;
  }
  Result<std::optional<SmsMessageRecord>> find(std::string_view id) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    auto it = rows.find(std::string(id));
    if (it == rows.end()) return std::optional<SmsMessageRecord>();
    return std::optional<SmsMessageRecord>(it->second);
  }
  Result<std::vector<SmsMessageRecord>> recent(int limit) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    std::vector<SmsMessageRecord> out;
    for (const auto& [id, r] : rows) out.push_back(r);
    std::sort(out.begin(), out.end(), [](const SmsMessageRecord& a, const SmsMessageRecord& b) {
      return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
    });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(std::max(limit, 0)));
    return out;
  }

  std::map<std::string, SmsMessageRecord> rows;  // by our id
  bool failing = false;

 private:
  // A stale report changes nothing at all, not even a missing provider id.
  static SmsReportOutcome apply(SmsMessageRecord& r, std::string_view providerMessageId,
                                std::string_view status, std::string_view errorCode, TimePoint at) {
    if (!mayReplaceStatus(r.status, status)) return SmsReportOutcome::kStale;
    r.status = status;
    r.errorCode = errorCode;
    r.updatedAt = at;
    if (r.providerMessageId.empty()) r.providerMessageId = providerMessageId;
    return SmsReportOutcome::kRecorded;
  }

  std::mutex mu_;
};

}  // namespace callgate::testing
