#include "channels/common/readiness.h"

#include <gtest/gtest.h>

#include <chrono>

namespace callgate {
namespace {

using namespace std::chrono_literals;

class ReadinessTest : public ::testing::Test {
 protected:
  ReadinessTest()
      : health_(std::make_shared<HealthCheck>([this]() -> Status { return answer_; }, 0ms)),
        readiness_(health_) {}

  Status answer_;
  std::shared_ptr<HealthCheck> health_;
  Readiness readiness_;
};

TEST_F(ReadinessTest, ReadyWhenEveryListenerIsOpenAndTheDatabaseAnswers) {
  readiness_.expectListener("http");
  readiness_.expectListener("sip");
  readiness_.setListenerOpen("http", true);
  readiness_.setListenerOpen("sip", true);
  readiness_.setFlows(Readiness::Flows::kLoaded);
  HealthReport r = readiness_.report();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ready","not_ready":[],"listeners":{"http":"open","sip":"open"},)"
                    R"("database":"ok","flows":"loaded","last_reload":"none","draining":false})");
  EXPECT_TRUE(readiness_.ready());
}

TEST_F(ReadinessTest, NamesAListenerNotOpenYet) {
  readiness_.expectListener("http");
  readiness_.expectListener("sip");
  readiness_.setListenerOpen("http", true);
  HealthReport r = readiness_.report();
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find(R"("status":"not_ready","not_ready":["listeners.sip"])"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"("sip":"closed")"), std::string::npos) << r.body;
  EXPECT_FALSE(readiness_.ready());
}

TEST_F(ReadinessTest, AnUnreachableDatabaseIsNotReadyAndTheProbeKnowsWithoutIo) {
  readiness_.expectListener("http");
  readiness_.setListenerOpen("http", true);
  readiness_.refresh();
  EXPECT_TRUE(readiness_.ready());
  answer_ = Error::unavailable("connection refused");
  readiness_.refresh();
  EXPECT_FALSE(readiness_.ready());
  HealthReport r = readiness_.report();
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find(R"("not_ready":["database"])"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("database":"unreachable")"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("refused"), std::string::npos) << "the error stays in the log";
  answer_ = okStatus();
  readiness_.refresh();
  EXPECT_TRUE(readiness_.ready());
}

TEST_F(ReadinessTest, FlowsStillLoadingAreNotReady) {
  readiness_.setFlows(Readiness::Flows::kLoading);
  EXPECT_FALSE(readiness_.ready());
  HealthReport r = readiness_.report();
  EXPECT_NE(r.body.find(R"("not_ready":["flows"])"), std::string::npos) << r.body;
  readiness_.setFlows(Readiness::Flows::kLoaded);
  EXPECT_TRUE(readiness_.ready());
}

TEST_F(ReadinessTest, AFailedReloadIsReportedButKeepsTheNodeReady) {
  readiness_.setFlows(Readiness::Flows::kLoaded);
  readiness_.setLastReload(Readiness::Reload::kFailed);
  HealthReport r = readiness_.report();
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("last_reload":"failed")"), std::string::npos) << r.body;
}

TEST_F(ReadinessTest, DrainingIsNeverReadyAgain) {
  readiness_.expectListener("http");
  readiness_.setListenerOpen("http", true);
  readiness_.startDraining();
  EXPECT_FALSE(readiness_.ready());
  HealthReport r = readiness_.report();
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find(R"("not_ready":["draining"])"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("draining":true)"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace callgate
