#include "core/flow/flow_catalog_source.h"

#include <gtest/gtest.h>

#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using flowtest::flowJson;
using flowtest::hangUp;
using flowtest::message;
using flowtest::mustLoad;

FlowCatalog catalogSaying(const std::string& text) {
  FlowCatalog catalog;
  catalog.defaultFlow = "main.json";
  catalog.byName["main.json"] = mustLoad(flowJson({message("hello", text, "end"), hangUp()}));
  return catalog;
}

TEST(FlowCatalogSourceTest, ACallKeepsTheCatalogItStartedWith) {
  FlowCatalogSource source(catalogSaying("old"));
  std::shared_ptr<const FlowCatalog> started = source.current();
  source.replace(catalogSaying("new"));
  EXPECT_NE(source.current(), started);
  EXPECT_EQ(source.generation(), 1u);
  // The call's catalog and flow are untouched (shared, immutable).
  ASSERT_NE(started->forNumber("+14155550100"), nullptr);
  EXPECT_NE(started->forNumber("+14155550100")->fingerprint(),
            source.current()->forNumber("+14155550100")->fingerprint());
}

TEST(FlowCatalogSourceTest, FindsASupersededFlowByFingerprint) {
  FlowCatalogSource source(catalogSaying("old"));
  const std::string oldPrint = source.current()->byName.at("main.json")->fingerprint();
  source.replace(catalogSaying("new"));
  const std::string newPrint = source.current()->byName.at("main.json")->fingerprint();

  auto old = source.withFlow("main.json", oldPrint);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->byName.at("main.json")->fingerprint(), oldPrint);
  EXPECT_EQ(source.withFlow("main.json", newPrint), source.current());
  EXPECT_EQ(source.withFlow("main.json", "no-such-fingerprint"), nullptr);
  EXPECT_EQ(source.withFlow("other.json", oldPrint), nullptr);
}

TEST(FlowCatalogSourceTest, ForgetsVersionsBeyondTheKeptNumberOfReloads) {
  FlowCatalogSource source(catalogSaying("version 0"));
  const std::string first = source.current()->byName.at("main.json")->fingerprint();
  for (size_t i = 1; i <= FlowCatalogSource::kKeepSuperseded; ++i) {
    source.replace(catalogSaying("version " + std::to_string(i)));
  }
  EXPECT_NE(source.withFlow("main.json", first), nullptr);  // the oldest still kept
  source.replace(catalogSaying("one more"));
  EXPECT_EQ(source.withFlow("main.json", first), nullptr);
}

}  // namespace
}  // namespace callgate::flow
