// The StaffStore contract (core/staff.h). Factory: staff(), clock() (only to pick times: the
// store takes `now` on every call).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "contracts/contract_support.h"
#include "core/staff.h"

namespace callgate::contracts {

template <class Factory>
class StaffStoreContract : public ::testing::Test {
 protected:
  StaffStore& store() { return factory_.staff(); }
  TimePoint now() { return factory_.clock().now(); }
  void advance(Seconds d) { factory_.clock().advance(d); }

  StaffAccount account(const std::string& username, StaffRole role = StaffRole::kAgent) {
    StaffAccount a;
    a.username = username;
    a.role = role;
    a.passwordHash = "$argon2id$hash-of-" + username;
    a.totpSeedSealed = "sealed-seed-of-" + username;
    a.createdAt = now();
    return a;
  }
  void add(const std::string& username, StaffRole role = StaffRole::kAgent) {
    Status s = store().add(account(username, role));
    ASSERT_TRUE(s.ok()) << s.error().toString();
  }
  StaffAccount get(const std::string& username) {
    auto r = store().find(username);
    EXPECT_TRUE(r.ok() && r->has_value()) << username;
    return r.ok() && r->has_value() ? **r : StaffAccount{};
  }
  bool begin(const std::string& username, int lockAfter = 3) {
    auto r = store().beginSignIn(username, now(), lockAfter, Seconds(900));
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() && *r;
  }
  StaffSession session(const std::string& idHash, const std::string& username) {
    StaffSession s;
    s.idHash = idHash;
    s.username = username;
    s.csrfToken = "csrf-" + idHash;
    s.accountEpoch = get(username).epoch;
    s.createdAt = now();
    s.lastSeen = now();
    s.expiresAt = now() + Seconds(3600);
    return s;
  }
  std::optional<StaffSessionView> findSession(const std::string& idHash,
                                              Seconds idle = Seconds(600)) {
    auto r = store().findSession(idHash, now(), idle);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : std::nullopt;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(StaffStoreContract);

TYPED_TEST_P(StaffStoreContract, AnAccountReadsBackWholeAndUsernamesAreUnique) {
  this->add("ann", StaffRole::kSupervisor);
  const StaffAccount a = this->get("ann");
  EXPECT_EQ(a.role, StaffRole::kSupervisor);
  EXPECT_EQ(a.passwordHash, "$argon2id$hash-of-ann");
  EXPECT_EQ(a.totpSeedSealed, "sealed-seed-of-ann");
  EXPECT_EQ(a.failures, 0);
  EXPECT_EQ(a.lastTotpStep, 0);
  EXPECT_EQ(a.createdAt, this->now());
  EXPECT_EQ(this->store().add(this->account("ann")).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_FALSE(this->store().find("bob")->has_value());
}

TYPED_TEST_P(StaffStoreContract, ListIsOrderedByUsername) {
  this->add("zed");
  this->add("ann", StaffRole::kAdmin);
  this->add("mo");
  auto all = this->store().list();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].username, "ann");
  EXPECT_EQ((*all)[0].role, StaffRole::kAdmin);
  EXPECT_EQ((*all)[2].username, "zed");
}

TYPED_TEST_P(StaffStoreContract, AttemptsAreCountedBeforeTheCheckAndLockAtTheLimit) {
  this->add("ann");
  EXPECT_TRUE(this->begin("ann"));
  EXPECT_TRUE(this->begin("ann"));
  EXPECT_EQ(this->get("ann").failures, 2);
  EXPECT_TRUE(this->begin("ann"));  // the third is still checked, and sets the lock
  EXPECT_GT(this->get("ann").lockedUntil, this->now());
  EXPECT_FALSE(this->begin("ann"));  // locked: nothing counted
  EXPECT_EQ(this->get("ann").failures, 0);
  this->advance(Seconds(900));
  EXPECT_TRUE(this->begin("ann"));  // the lock ends by itself
  EXPECT_EQ(this->get("ann").failures, 1);
  EXPECT_EQ(this->store().beginSignIn("bob", this->now(), 3, Seconds(900)).error().code(),
            ErrorCode::kNotFound);
}

TYPED_TEST_P(StaffStoreContract, ASuccessClearsTheCountAndACodeWorksOnce) {
  this->add("ann");
  EXPECT_TRUE(this->begin("ann"));
  EXPECT_TRUE(this->begin("ann"));
  auto ok = this->store().completeSignIn("ann", 1000, this->now());
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(*ok);
  StaffAccount a = this->get("ann");
  EXPECT_EQ(a.failures, 0);
  EXPECT_EQ(a.lastTotpStep, 1000);
  EXPECT_EQ(a.lastSignIn, this->now());
  EXPECT_FALSE(*this->store().completeSignIn("ann", 1000, this->now()));  // the same step again
  EXPECT_FALSE(*this->store().completeSignIn("ann", 999, this->now()));
  EXPECT_TRUE(*this->store().completeSignIn("ann", 1001, this->now()));
  EXPECT_EQ(this->store().completeSignIn("bob", 5, this->now()).error().code(),
            ErrorCode::kNotFound);
}

TYPED_TEST_P(StaffStoreContract, TheLastAllowedAttemptSucceedingLiftsTheLock) {
  this->add("ann");
  EXPECT_TRUE(this->begin("ann", 1));  // locks at once
  EXPECT_TRUE(*this->store().completeSignIn("ann", 7, this->now()));
  EXPECT_TRUE(this->begin("ann", 5));
}

TYPED_TEST_P(StaffStoreContract, ASessionIsFoundUntilItExpiresOrSitsIdle) {
  this->add("ann", StaffRole::kSupervisor);
  ASSERT_TRUE(this->store().createSession(this->session("h1", "ann")).ok());
  auto found = this->findSession("h1");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->session.username, "ann");
  EXPECT_EQ(found->session.csrfToken, "csrf-h1");
  EXPECT_EQ(found->role, StaffRole::kSupervisor);
  EXPECT_FALSE(this->findSession("h2").has_value());

  this->advance(Seconds(500));
  ASSERT_TRUE(this->store().touchSession("h1", this->now()).ok());
  this->advance(Seconds(500));  // 1000 s since creation, 500 since the last request
  EXPECT_TRUE(this->findSession("h1").has_value());
  this->advance(Seconds(100));  // idle for 600 s
  EXPECT_FALSE(this->findSession("h1").has_value());
  EXPECT_TRUE(this->findSession("h1", Seconds(7200)).has_value());
  this->advance(Seconds(2500));  // past expiresAt, whatever the idle limit
  EXPECT_FALSE(this->findSession("h1", Seconds(7200)).has_value());
}

TYPED_TEST_P(StaffStoreContract, AResetEndsEverySessionAndClearsTheCounters) {
  this->add("ann");
  ASSERT_TRUE(this->store().createSession(this->session("h1", "ann")).ok());
  const StaffSession stale = this->session("h2", "ann");
  EXPECT_TRUE(this->begin("ann"));
  ASSERT_TRUE(*this->store().completeSignIn("ann", 50, this->now()));
  ASSERT_TRUE(
      this->store().resetCredentials("ann", StaffRole::kAdmin, "$argon2id$new", "sealed-new").ok());
  EXPECT_FALSE(this->findSession("h1").has_value());
  // A session whose password was checked before the reset is not created after it.
  EXPECT_EQ(this->store().createSession(stale).error().code(), ErrorCode::kFailedPrecondition);
  StaffAccount a = this->get("ann");
  EXPECT_EQ(a.role, StaffRole::kAdmin);
  EXPECT_EQ(a.passwordHash, "$argon2id$new");
  EXPECT_EQ(a.totpSeedSealed, "sealed-new");
  EXPECT_EQ(a.lastTotpStep, 0);
  ASSERT_TRUE(this->store().createSession(this->session("h3", "ann")).ok());
  EXPECT_EQ(this->findSession("h3")->role, StaffRole::kAdmin);
  EXPECT_EQ(this->store().resetCredentials("bob", StaffRole::kAgent, "x", "y").error().code(),
            ErrorCode::kNotFound);
}

TYPED_TEST_P(StaffStoreContract, RemovingAnAccountEndsItsSessions) {
  this->add("ann");
  this->add("bob");
  ASSERT_TRUE(this->store().createSession(this->session("h1", "ann")).ok());
  ASSERT_TRUE(this->store().createSession(this->session("h2", "bob")).ok());
  ASSERT_TRUE(this->store().remove("ann").ok());
  EXPECT_FALSE(this->findSession("h1").has_value());
  EXPECT_TRUE(this->findSession("h2").has_value());
  EXPECT_FALSE(this->store().find("ann")->has_value());
  EXPECT_EQ(this->store().remove("ann").error().code(), ErrorCode::kNotFound);
}

TYPED_TEST_P(StaffStoreContract, SignOutAndPurgeDeleteSessions) {
  this->add("ann");
  ASSERT_TRUE(this->store().createSession(this->session("h1", "ann")).ok());
  ASSERT_TRUE(this->store().createSession(this->session("h2", "ann")).ok());
  ASSERT_TRUE(this->store().deleteSession("h1").ok());
  EXPECT_FALSE(this->findSession("h1").has_value());
  ASSERT_TRUE(this->store().deleteSession("h1").ok());  // twice is fine
  auto none = this->store().removeExpiredSessions(this->now(), Seconds(600), 10);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
  this->advance(Seconds(601));
  auto one = this->store().removeExpiredSessions(this->now(), Seconds(600), 10);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, 1);
}

REGISTER_TYPED_TEST_SUITE_P(StaffStoreContract, AnAccountReadsBackWholeAndUsernamesAreUnique,
                            ListIsOrderedByUsername,
                            AttemptsAreCountedBeforeTheCheckAndLockAtTheLimit,
                            ASuccessClearsTheCountAndACodeWorksOnce,
                            TheLastAllowedAttemptSucceedingLiftsTheLock,
                            ASessionIsFoundUntilItExpiresOrSitsIdle,
                            AResetEndsEverySessionAndClearsTheCounters,
                            RemovingAnAccountEndsItsSessions, SignOutAndPurgeDeleteSessions);

}  // namespace callgate::contracts
