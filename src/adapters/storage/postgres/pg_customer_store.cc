#include "adapters/storage/postgres/pg_customer_store.h"

#include <algorithm>

#include "adapters/storage/postgres/pg_rows.h"
#include "core/phone.h"

namespace callgate {
namespace {

constexpr const char* kFindByPhone =
    "SELECT phone, first_name, last_name, level, language, created_at_ms, user_id "
    "FROM customers WHERE phone = $1";
constexpr const char* kFindByUserId =
    "SELECT phone, first_name, last_name, level, language, created_at_ms, user_id "
    "FROM customers WHERE user_id = $1";
constexpr const char* kInsert =
    "INSERT INTO customers (phone, first_name, last_name, level, language, created_at_ms, user_id, "
    "region) VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8)";
constexpr const char* kInsertPin =
    "INSERT INTO pin_credentials (user_id, pin_hash, updated_at_ms) VALUES ($1, $2, $3)";
constexpr const char* kCount = "SELECT COUNT(*) FROM customers";
constexpr const char* kCountUpTo = "SELECT COUNT(*) FROM (SELECT 1 FROM customers LIMIT $1) AS c";
// The distinct regions, one customers_by_region seek each (a loose index scan), not a scan.
constexpr const char* kRegions =
    "WITH RECURSIVE r(region) AS ("
    "SELECT (SELECT region FROM customers WHERE region > '' ORDER BY region LIMIT 1) "
    "UNION ALL SELECT (SELECT region FROM customers WHERE region > r.region ORDER BY region LIMIT "
    "1) "
    "FROM r WHERE r.region IS NOT NULL) "
    "SELECT region FROM r WHERE region IS NOT NULL";
constexpr const char* kMissingRegions = "SELECT phone FROM customers WHERE region IS NULL LIMIT $1";
// Only where still NULL: another node filling the same rows at the same time writes the same.
constexpr const char* kSetRegion =
    "UPDATE customers SET region = $2 WHERE phone = $1 AND region IS NULL";
constexpr int64_t kRegionBatch = 1000;
// customers_by_last4 narrows to the numbers sharing the last four digits (the expression must be
// written exactly as in the index); the full suffix is checked on those rows only.
constexpr const char* kFindBySuffix =
    "SELECT phone, first_name, last_name, level, language, created_at_ms, user_id "
    "FROM customers WHERE right(phone, 4) = $1 AND right(phone, length($2)) = $2 "
    "ORDER BY phone LIMIT $3";

// Inserts one customer (and its PIN hash, if any) inside the caller's transaction (or alone); a
// taken phone or user id becomes kAlreadyExists naming it. The phone in the message is for the
// operator importing a file, who needs to know which line to fix; callers must not log it as is.
Status insertCustomer(PgConnection& c, const Customer& customer, const std::string& pinHash) {
  auto r = c.query(kInsert, {customer.phone, customer.firstName, customer.lastName, customer.level,
                             customer.language, toUnixMillis(customer.createdAt), customer.userId,
                             regionOf(customer.phone)});
  if (!r) {
    if (r.error().code() != ErrorCode::kAlreadyExists) return r.error();
    if (c.lastConstraint() == "customers_user_id_key")
      return Error::alreadyExists("a customer with user id " + customer.userId + " already exists");
    return Error::alreadyExists("a customer with phone " + customer.phone + " already exists");
  }
  if (pinHash.empty()) return okStatus();
  auto pin = c.query(kInsertPin, {customer.userId, pinHash, toUnixMillis(customer.createdAt)});
  if (!pin) return pin.error();
  return okStatus();
}

Result<std::optional<Customer>> findOne(PgDatabase& db, const char* sql, const std::string& key) {
  auto lease = db.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(sql, {key});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<Customer>();
  return std::optional<Customer>(pg_rows::readCustomer(*r, 0));
}

}  // namespace

Result<std::optional<Customer>> PgCustomerStore::findByPhone(const std::string& e164) {
  return findOne(db_, kFindByPhone, e164);
}

Result<std::optional<Customer>> PgCustomerStore::findByUserId(const std::string& userId) {
  if (userId.empty()) return std::optional<Customer>();  // "" is "no user id", never a key
  return findOne(db_, kFindByUserId, userId);
}

Status PgCustomerStore::add(const Customer& customer) {
  // One statement is atomic by itself: no transaction, one round trip.
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  return insertCustomer(**lease, customer, "");
}

Status PgCustomerStore::addAll(const std::vector<Customer>& customers) {
  std::vector<CustomerRecord> records;
  records.reserve(customers.size());
  for (const Customer& c : customers) records.push_back({c, ""});
  return addWithPins(records);
}

Status PgCustomerStore::addWithPins(const std::vector<CustomerRecord>& records) {
  for (const CustomerRecord& r : records) {
    if (!r.pinHash.empty() && r.customer.userId.empty())
      return Error::invalidArgument("a PIN needs a user id");
  }
  if (records.empty()) return okStatus();
  // One transaction: all or nothing, and one commit for the batch instead of one per row.
  return db_.transaction([&](PgConnection& c) -> Status {
    for (const CustomerRecord& r : records) {
      if (Status s = insertCustomer(c, r.customer, r.pinHash); !s.ok()) return s;
    }
    return okStatus();
  });
}

Result<int64_t> PgCustomerStore::count() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kCount);
  if (!r) return r.error();
  return r->integer(0, 0);
}

Result<int64_t> PgCustomerStore::countUpTo(int64_t limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kCountUpTo, {std::max<int64_t>(limit, 0)});
  if (!r) return r.error();
  return r->integer(0, 0);
}

Result<std::vector<std::string>> PgCustomerStore::regionsOnFile() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kRegions);
  if (!r) return r.error();
  std::vector<std::string> regions;
  for (int row = 0; row < r->rows(); ++row) regions.push_back(r->text(row, 0));
  return regions;
}

Result<std::vector<Customer>> PgCustomerStore::findByPhoneSuffix(const std::string& digits,
                                                                 int limit) {
  if (!isPhoneSuffix(digits)) return Error::invalidArgument("search by 4 to 15 digits");
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  const std::string last4 = digits.substr(digits.size() - 4);
  auto r = (*lease)->query(kFindBySuffix, {last4, digits, std::max(limit, 0)});
  if (!r) return r.error();
  std::vector<Customer> out;
  for (int row = 0; row < r->rows(); ++row) out.push_back(pg_rows::readCustomer(*r, row));
  return out;
}

Result<int64_t> PgCustomerStore::fillMissingRegions() {
  int64_t filled = 0;
  for (;;) {
    std::vector<std::string> phones;
    {
      auto lease = db_.acquire();
      if (!lease) return lease.error();
      auto r = (*lease)->query(kMissingRegions, {kRegionBatch});
      if (!r) return r.error();
      for (int row = 0; row < r->rows(); ++row) phones.push_back(r->text(row, 0));
    }
    if (phones.empty()) return filled;
    Status s = db_.transaction([&](PgConnection& c) -> Status {
      for (const std::string& phone : phones) {
        if (auto u = c.query(kSetRegion, {phone, regionOf(phone)}); !u) return u.error();
      }
      return okStatus();
    });
    if (!s.ok()) return s.error();
    filled += static_cast<int64_t>(phones.size());
  }
}

}  // namespace callgate
