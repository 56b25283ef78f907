#include "adapters/storage/sqlite/sqlite_customer_store.h"

#include <algorithm>

#include "adapters/storage/sqlite/sqlite_rows.h"
#include "core/phone.h"

namespace callgate {
namespace {

constexpr const char* kFindByPhone =
    "SELECT phone, first_name, last_name, level, language, created_at_ms, user_id "
    "FROM customers WHERE phone = ?1";
constexpr const char* kFindByUserId =
    "SELECT phone, first_name, last_name, level, language, created_at_ms, user_id "
    "FROM customers WHERE user_id = ?1";
constexpr const char* kUserIdTaken = "SELECT 1 FROM customers WHERE user_id = ?1";
constexpr const char* kInsertPin =
    "INSERT INTO pin_credentials (user_id, pin_hash, updated_at_ms) VALUES (?1, ?2, ?3)";
constexpr const char* kCount = "SELECT COUNT(*) FROM customers";
constexpr const char* kCountUpTo = "SELECT COUNT(*) FROM (SELECT 1 FROM customers LIMIT ?1)";
// The distinct regions, one customers_by_region seek each (a loose index scan), not a scan.
constexpr const char* kRegions =
    "WITH RECURSIVE r(region) AS ("
    "SELECT (SELECT region FROM customers WHERE region > '' ORDER BY region LIMIT 1) "
    "UNION ALL SELECT (SELECT region FROM customers WHERE region > r.region ORDER BY region LIMIT "
    "1) "
    "FROM r WHERE r.region IS NOT NULL) "
    "SELECT region FROM r WHERE region IS NOT NULL";
constexpr const char* kMissingRegions = "SELECT phone FROM customers WHERE region IS NULL LIMIT ?1";
constexpr const char* kSetRegion = "UPDATE customers SET region = ?2 WHERE phone = ?1";
constexpr int64_t kRegionBatch = 1000;
// customers_by_last4 narrows to the numbers sharing the last four digits (the expression must be
// written exactly as in the index); the full suffix is checked on those rows only.
constexpr const char* kFindBySuffix =
    "SELECT phone, first_name, last_name, level, language, created_at_ms, user_id "
    "FROM customers WHERE substr(phone, -4) = ?1 AND substr(phone, -length(?2)) = ?2 "
    "ORDER BY phone LIMIT ?3";

// The phone in this message is for the operator importing a file, who needs to know which line
// to fix; callers must not log it as is.
Error duplicateError(const std::string& phone) {
  return Error::alreadyExists("a customer with phone " + phone + " already exists");
}

// Inserts one customer (and its PIN hash, if any) on a leased connection inside the caller's
// transaction; a taken phone or user id becomes kAlreadyExists naming it.
Status insertCustomer(SqliteConnection& connection, const Customer& customer,
                      const std::string& pinHash) {
  if (!customer.userId.empty()) {
    // Checked first so the error can say which key collided; inside the caller's IMMEDIATE
    // transaction, so nobody can take the id between the check and the insert.
    auto taken = connection.prepare(kUserIdTaken);
    if (!taken) return taken.error();
    taken->bind(1, customer.userId);
    auto row = taken->step();
    if (!row) return row.error();
    if (*row)
      return Error::alreadyExists("a customer with user id " + customer.userId + " already exists");
  }
  {
    auto stmt = connection.prepare(sqlite_rows::kInsertCustomer);
    if (!stmt) return stmt.error();
    sqlite_rows::bindCustomer(*stmt, customer);
    Status s = stmt->run();
    if (!s.ok() && s.error().code() == ErrorCode::kAlreadyExists)
      return duplicateError(customer.phone);
    if (!s.ok()) return s;
  }
  if (pinHash.empty()) return okStatus();
  if (customer.userId.empty()) return Error::invalidArgument("a PIN needs a user id");
  auto stmt = connection.prepare(kInsertPin);
  if (!stmt) return stmt.error();
  stmt->bind(1, customer.userId).bind(2, pinHash).bind(3, toUnixMillis(customer.createdAt));
  return stmt->run();
}

Result<std::optional<Customer>> findOne(SqliteDatabase& db, const char* sql,
                                        const std::string& key) {
  auto lease = db.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(sql);
  if (!stmt) return stmt.error();
  stmt->bind(1, key);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Customer>();
  return std::optional<Customer>(sqlite_rows::readCustomer(*stmt));
}

}  // namespace

Result<std::optional<Customer>> SqliteCustomerStore::findByPhone(const std::string& e164) {
  return findOne(db_, kFindByPhone, e164);
}

Result<std::optional<Customer>> SqliteCustomerStore::findByUserId(const std::string& userId) {
  if (userId.empty()) return std::optional<Customer>();  // "" is "no user id", never a key
  return findOne(db_, kFindByUserId, userId);
}

Status SqliteCustomerStore::add(const Customer& customer) {
  return addWithPins({CustomerRecord{customer, ""}});
}

Status SqliteCustomerStore::addAll(const std::vector<Customer>& customers) {
  std::vector<CustomerRecord> records;
  records.reserve(customers.size());
  for (const Customer& c : customers) records.push_back({c, ""});
  return addWithPins(records);
}

Status SqliteCustomerStore::addWithPins(const std::vector<CustomerRecord>& records) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  // One transaction: all or nothing, and one commit for the batch instead of one per row.
  SqliteTransaction tx(**lease);
  if (Status s = tx.begin(); !s.ok()) return s;
  for (const CustomerRecord& r : records) {
    if (Status s = insertCustomer(**lease, r.customer, r.pinHash); !s.ok())
      return s;  // tx rolls back
  }
  return tx.commit();
}

Result<int64_t> SqliteCustomerStore::count() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kCount);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Error::internal("sqlite: COUNT(*) returned no row");
  return stmt->columnInt64(0);
}

Result<int64_t> SqliteCustomerStore::countUpTo(int64_t limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kCountUpTo);
  if (!stmt) return stmt.error();
  stmt->bind(1, std::max<int64_t>(limit, 0));
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Error::internal("sqlite: COUNT(*) returned no row");
  return stmt->columnInt64(0);
}

Result<std::vector<std::string>> SqliteCustomerStore::regionsOnFile() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kRegions);
  if (!stmt) return stmt.error();
  std::vector<std::string> regions;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return regions;
    regions.push_back(stmt->columnText(0));
  }
}

Result<std::vector<Customer>> SqliteCustomerStore::findByPhoneSuffix(const std::string& digits,
                                                                     int limit) {
  if (!isPhoneSuffix(digits)) return Error::invalidArgument("search by 4 to 15 digits");
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kFindBySuffix);
  if (!stmt) return stmt.error();
  stmt->bind(1, digits.substr(digits.size() - 4))
      .bind(2, digits)
      .bind(3, static_cast<int64_t>(std::max(limit, 0)));
  std::vector<Customer> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(sqlite_rows::readCustomer(*stmt));
  }
}

Result<int64_t> SqliteCustomerStore::fillMissingRegions() {
  int64_t filled = 0;
  for (;;) {
    auto lease = db_.acquire();
    if (!lease) return lease.error();
    std::vector<std::string> phones;
    {
      auto stmt = (*lease)->prepare(kMissingRegions);
      if (!stmt) return stmt.error();
      stmt->bind(1, kRegionBatch);
      for (;;) {
        auto row = stmt->step();
        if (!row) return row.error();
        if (!*row) break;
        phones.push_back(stmt->columnText(0));
      }
    }
    if (phones.empty()) return filled;
    SqliteTransaction tx(**lease);
    if (Status s = tx.begin(); !s.ok()) return s.error();
    for (const std::string& phone : phones) {
      auto stmt = (*lease)->prepare(kSetRegion);
      if (!stmt) return stmt.error();
      stmt->bind(1, phone).bind(2, regionOf(phone));
      if (Status s = stmt->run(); !s.ok()) return s.error();
    }
    if (Status s = tx.commit(); !s.ok()) return s.error();
    filled += static_cast<int64_t>(phones.size());
  }
}

}  // namespace callgate
