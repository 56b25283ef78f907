// The user id side of SqliteCustomerStore (schema kCredentials): lookups, uniqueness, and
// customers added together with their PIN hashes.
#include <gtest/gtest.h>

#include "adapters/storage/sqlite/sqlite_credential_store.h"
#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

Customer customer(const std::string& phone, const std::string& userId) {
  Customer c{phone, "Grace", "Hopper", "Gold", "en-US", fromUnixMillis(1'700'000'000'123)};
  c.userId = userId;
  return c;
}

class SqliteCustomerUserIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("customers.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    store_ = std::make_unique<SqliteCustomerStore>(*db_);
    credentials_ = std::make_unique<SqliteCredentialStore>(*db_);
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteCustomerStore> store_;
  std::unique_ptr<SqliteCredentialStore> credentials_;
};

TEST_F(SqliteCustomerUserIdTest, FindsByUserIdAndReadsItBackByPhone) {
  const Customer c = customer("+14155550100", "12345678");
  ASSERT_TRUE(store_->add(c).ok());
  auto byId = store_->findByUserId("12345678");
  ASSERT_TRUE(byId.ok());
  ASSERT_TRUE(byId->has_value());
  EXPECT_EQ(**byId, c);
  EXPECT_EQ((*store_->findByPhone("+14155550100"))->userId, "12345678");
  EXPECT_FALSE(store_->findByUserId("1234567")->has_value());  // exact, not prefix
  EXPECT_FALSE(store_->findByUserId("")->has_value());
}

TEST_F(SqliteCustomerUserIdTest, CustomersWithoutAUserIdDoNotCollide) {
  ASSERT_TRUE(store_->add(customer("+14155550100", "")).ok());
  ASSERT_TRUE(store_->add(customer("+14155550101", "")).ok());
  EXPECT_EQ((*store_->findByPhone("+14155550101"))->userId, "");
  EXPECT_FALSE(store_->findByUserId("")->has_value());
}

TEST_F(SqliteCustomerUserIdTest, ATakenUserIdIsRefusedByName) {
  ASSERT_TRUE(store_->add(customer("+14155550100", "12345678")).ok());
  Status s = store_->add(customer("+14155550101", "12345678"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(s.error().message().find("user id 12345678"), std::string::npos) << s.error().message();
  EXPECT_FALSE(store_->findByPhone("+14155550101")->has_value());
}

TEST_F(SqliteCustomerUserIdTest, AddWithPinsIsAllOrNothing) {
  Status s =
      store_->addWithPins({{customer("+14155550100", "12345678"), "hash-a"},
                           {customer("+14155550101", "87654321"), "hash-b"},
                           {customer("+14155550100", "11112222"), "hash-c"}});  // phone taken
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(*store_->count(), 0);
  EXPECT_FALSE(credentials_->pinHash("12345678")->has_value());

  ASSERT_TRUE(store_
                  ->addWithPins({{customer("+14155550100", "12345678"), "hash-a"},
                                 {customer("+14155550101", "87654321"), ""}})
                  .ok());
  EXPECT_EQ(credentials_->pinHash("12345678")->value_or(""), "hash-a");
  EXPECT_EQ(credentials_->pinHash("87654321")->value_or("?"), "");
}

TEST_F(SqliteCustomerUserIdTest, APinNeedsAUserId) {
  Status s = store_->addWithPins({{customer("+14155550100", ""), "hash-a"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(*store_->count(), 0);
}

}  // namespace
}  // namespace callgate
