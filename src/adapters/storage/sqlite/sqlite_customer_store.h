// SqliteCustomerStore: the CustomerStore port over the customers table of a SqliteDatabase
// (and pin_credentials, for addWithPins: a customer and their PIN hash land together or not).
// Borrows the database, which must outlive it. Thread-safe: every call leases its own pooled
// connection, so lookups from several threads run in parallel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/ports.h"

namespace callgate {

class SqliteCustomerStore final : public CustomerStore {
 public:
  explicit SqliteCustomerStore(SqliteDatabase& db) : db_(db) {}

  Result<std::optional<Customer>> findByPhone(const std::string& e164) override;
  Result<std::optional<Customer>> findByUserId(const std::string& userId) override;
  Status add(const Customer& customer) override;
  Status addAll(const std::vector<Customer>& customers) override;
  Status addWithPins(const std::vector<CustomerRecord>& records) override;
  Result<int64_t> count() override;
  Result<int64_t> countUpTo(int64_t limit) override;
  Result<std::vector<std::string>> regionsOnFile() override;
  Result<std::vector<Customer>> findByPhoneSuffix(const std::string& digits, int limit) override;
  // A point read is an index probe in this process (pages mapped, WAL readers never wait for
  // the writer); it can wait only for a pooled connection, and the pool is sized for every
  // thread that reads (app/config), or on the busy timeout while another process recovers the
  // WAL after a crash.
  bool readsInProcess() const override { return true; }

  // Works out the region of every customer stored without one (by a release before the region
  // column): run once when the store opens; the number of rows filled. Batches of 1,000, one
  // transaction each.
  Result<int64_t> fillMissingRegions();

 private:
  SqliteDatabase& db_;
};

}  // namespace callgate
