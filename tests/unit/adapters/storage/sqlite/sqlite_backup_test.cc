#include "adapters/storage/sqlite/sqlite_backup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

Customer customer(int n) {
  return Customer{"+1555010" + std::to_string(1000 + n), "Grace", "Hopper", "Gold", "en-US",
                  fromUnixMillis(1'700'000'000'000)};
}

class SqliteBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("live.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    store_ = std::make_unique<SqliteCustomerStore>(*db_);
  }

  // The customer count of a backup file, opened as callgate opens a restored database.
  int64_t countIn(const std::string& path) {
    auto copy = SqliteDatabase::open(path);
    EXPECT_TRUE(copy.ok()) << copy.error().toString();
    if (!copy.ok()) return -1;
    SqliteCustomerStore store(**copy);
    auto n = store.count();
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteCustomerStore> store_;
};

TEST_F(SqliteBackupTest, CopiesEveryRowIntoAPrivateSelfContainedFile) {
  std::vector<Customer> batch;
  for (int i = 0; i < 300; ++i) batch.push_back(customer(i));
  ASSERT_TRUE(store_->addAll(batch).ok());

  const std::string to = dir_.file("backup.db");
  auto info = backupSqliteDatabase(*db_, to);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_GT(info->pages, 0);
  EXPECT_EQ(info->bytes, static_cast<int64_t>(std::filesystem::file_size(to)));
  struct stat st {};
  ASSERT_EQ(::stat(to.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // One file: no -wal beside it, and nothing left under the temporary name.
  EXPECT_FALSE(std::filesystem::exists(to + "-wal"));
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path()))
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
  EXPECT_EQ(countIn(to), 300);
}

TEST_F(SqliteBackupTest, IsConsistentWhileAnotherConnectionWrites) {
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop && i < 5000; ++i) {
      if (store_->add(customer(i)).ok()) ++written;
    }
  });
  while (written < 50) std::this_thread::yield();
  const std::string to = dir_.file("busy.db");
  auto info = backupSqliteDatabase(*db_, to);
  const int atEnd = written;
  stop = true;
  writer.join();
  ASSERT_TRUE(info.ok()) << info.error().toString();
  const int64_t copied = countIn(to);
  EXPECT_GE(copied, 50);
  EXPECT_LE(copied, atEnd);
}

TEST_F(SqliteBackupTest, ReplacesAnOlderBackupAtomically) {
  const std::string to = dir_.file("nightly.db");
  { std::ofstream(to) << "yesterday's backup"; }
  ASSERT_TRUE(store_->add(customer(1)).ok());
  auto info = backupSqliteDatabase(*db_, to);
  ASSERT_TRUE(info.ok()) << info.error().toString();
  EXPECT_EQ(countIn(to), 1);
}

TEST_F(SqliteBackupTest, RefusesToOverwriteTheDatabaseItself) {
  ASSERT_TRUE(store_->add(customer(1)).ok());
  for (const std::string& target : {db_->path(), db_->path() + "-wal"}) {
    auto info = backupSqliteDatabase(*db_, target);
    ASSERT_FALSE(info.ok()) << target;
    EXPECT_EQ(info.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(*store_->count(), 1);
}

TEST_F(SqliteBackupTest, ReportsADestinationItCannotWrite) {
  auto info = backupSqliteDatabase(*db_, dir_.file("no/such/dir/backup.db"));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(info.error().message().find("no/such/dir"), std::string::npos);
}

}  // namespace
}  // namespace callgate
