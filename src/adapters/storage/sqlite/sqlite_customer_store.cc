#include "adapters/storage/sqlite/sqlite_customer_store.h"

#include "adapters/storage/sqlite/sqlite_rows.h"

namespace callgate {
namespace {

constexpr const char* kFindByPhone =
    "SELECT phone, first_name, last_name, level, language, created_at_ms "
    "FROM customers WHERE phone = ?1";
constexpr const char* kCount = "SELECT COUNT(*) FROM customers";

// The phone in this message is for the operator importing a file, who needs to know which line
// to fix; callers must not log it as is.
Error duplicateError(const std::string& phone) {
  return Error::alreadyExists("a customer with phone " + phone + " already exists");
}

// Inserts one customer on a leased connection; a taken phone becomes kAlreadyExists naming it.
Status insertCustomer(SqliteConnection& connection, const Customer& customer) {
  auto stmt = connection.prepare(sqlite_rows::kInsertCustomer);
  if (!stmt) return stmt.error();
  sqlite_rows::bindCustomer(*stmt, customer);
  Status s = stmt->run();
  if (!s.ok() && s.error().code() == ErrorCode::kAlreadyExists) {
    return duplicateError(customer.phone);
  }
  return s;
}

}  // namespace

Result<std::optional<Customer>> SqliteCustomerStore::findByPhone(const std::string& e164) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kFindByPhone);
  if (!stmt) return stmt.error();
  stmt->bind(1, e164);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Customer>();
  return std::optional<Customer>(sqlite_rows::readCustomer(*stmt));
}

Status SqliteCustomerStore::add(const Customer& customer) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  return insertCustomer(**lease, customer);
}

Status SqliteCustomerStore::addAll(const std::vector<Customer>& customers) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  // One transaction: all or nothing, and one commit for the batch instead of one per row.
  SqliteTransaction tx(**lease);
  if (Status s = tx.begin(); !s.ok()) return s;
  for (const Customer& customer : customers) {
    if (Status s = insertCustomer(**lease, customer); !s.ok()) return s;  // tx rolls back
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

}  // namespace callgate
