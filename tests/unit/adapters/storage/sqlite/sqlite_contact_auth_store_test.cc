// SQLite specifics of the contact_auth table (the ContactAuthStore contract is in
// tests/contracts): a database made by the previous release upgrades to it keeping its data, and
// the lookup and the bounded purge use their indexes.
#include "adapters/storage/sqlite/sqlite_contact_auth_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "adapters/storage/sqlite/sqlite_schema.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

// Creates `path` as the release before contact_auth left it: every migration but the last.
void createPreviousVersion(const std::string& path) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  const auto migrations = sqliteMigrations();
  const int previous = static_cast<int>(migrations.size()) - 1;
  for (int i = 0; i < previous; ++i) {
    ASSERT_EQ(sqlite3_exec(raw, migrations[i], nullptr, nullptr, nullptr), SQLITE_OK) << i;
  }
  const std::string sql =
      "INSERT INTO customers (phone, first_name, last_name, level, language, created_at_ms) "
      "VALUES ('+14155550100', 'Ada', 'Lovelace', 'Gold', 'en-GB', 1); PRAGMA user_version = " +
      std::to_string(previous);
  ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
}

TEST(SqliteContactAuthStoreTest, ADatabaseOfThePreviousReleaseUpgradesAndKeepsItsData) {
  TempDir dir;
  const std::string path = dir.file("callgate.db");
  createPreviousVersion(path);
  auto db = SqliteDatabase::open(path);
  ASSERT_TRUE(db.ok()) << db.error().toString();
  EXPECT_EQ((*db)->schemaVersion(), SqliteDatabase::latestSchemaVersion());
  SqliteCustomerStore customers(**db);
  auto ada = customers.findByPhone("+14155550100");
  ASSERT_TRUE(ada.ok() && ada->has_value());
  SqliteContactAuthStore store(**db);
  const TimePoint now = fromUnixMillis(1'800'000'000'000);
  ASSERT_TRUE(store.record({"c-1", "otp", "", "+14155550100", now + Seconds(60)}, now).ok());
  auto found = store.find("c-1", now);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
}

TEST(SqliteContactAuthStoreTest, TheLookupAndThePurgeUseTheirIndexes) {
  auto db = SqliteDatabase::open(":memory:");
  ASSERT_TRUE(db.ok());
  auto plan = [&](const std::string& sql) {
    auto lease = (*db)->acquire();
    auto stmt = (*lease)->prepare("EXPLAIN QUERY PLAN " + sql);
    EXPECT_TRUE(stmt.ok()) << stmt.error().toString();
    std::string all;
    while (*stmt->step()) all += stmt->columnText(3) + "\n";
    return all;
  };
  const std::string lookup =
      plan("SELECT * FROM contact_auth WHERE contact_id = ?1 AND expires_at_ms > ?2");
  EXPECT_NE(lookup.find("PRIMARY KEY"), std::string::npos) << lookup;
  const std::string purge = plan(
      "SELECT contact_id, method FROM contact_auth WHERE expires_at_ms <= ?1 "
      "ORDER BY expires_at_ms LIMIT ?2");
  EXPECT_NE(purge.find("contact_auth_by_expiry"), std::string::npos) << purge;
  EXPECT_EQ(purge.find("TEMP B-TREE"), std::string::npos) << purge;
}

}  // namespace
}  // namespace callgate
