// SQLite-specific behaviour of SqliteCredentialStore: the schema's and the adapter's own checks.
// The CredentialStore port semantics are in tests/contracts/credential_store_contract.h
// (contracts_sqlite_tests).
#include "adapters/storage/sqlite/sqlite_credential_store.h"

#include <gtest/gtest.h>

#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

const TimePoint kNow = fromUnixMillis(1'800'000'000'000);

Customer customer(const std::string& phone, const std::string& userId) {
  Customer c{phone, "Ada", "Lovelace", "Gold", "en-US", kNow};
  c.userId = userId;
  return c;
}

class SqliteCredentialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("credentials.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    customers_ = std::make_unique<SqliteCustomerStore>(*db_);
    store_ = std::make_unique<SqliteCredentialStore>(*db_);
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteCustomerStore> customers_;
  std::unique_ptr<SqliteCredentialStore> store_;
};

TEST_F(SqliteCredentialStoreTest, TheSchemaRefusesAMalformedUserId) {
  Customer bad = customer("+14155550100", "12ab");
  EXPECT_FALSE(customers_->add(bad).ok());
  bad.userId = "123";
  EXPECT_FALSE(customers_->add(bad).ok());
  EXPECT_EQ(*customers_->count(), 0);
}

TEST_F(SqliteCredentialStoreTest, SetPinHashRefusesAnEmptyUserIdOrHash) {
  ASSERT_TRUE(customers_->add(customer("+14155550100", "12345678")).ok());
  Status noHash = store_->setPinHash("12345678", "", kNow);
  ASSERT_FALSE(noHash.ok());
  EXPECT_EQ(noHash.error().code(), ErrorCode::kInvalidArgument);
  Status noUser = store_->setPinHash("", "hash", kNow);
  ASSERT_FALSE(noUser.ok());
  EXPECT_EQ(noUser.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->pinHash("12345678")->value_or("?"), "");
}

}  // namespace
}  // namespace callgate
