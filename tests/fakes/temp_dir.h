// TempDir: a fresh directory under GoogleTest's temp dir, removed with everything in it when the
// object goes away. For tests that need real files (SQLite, outbox, key files).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace callgate::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "callgate-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace callgate::testing
