#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <set>

#include "adapters/security/crypto/sodium_init.h"
#include "adapters/security/crypto/sodium_random.h"

namespace callgate {
namespace {

TEST(SodiumRandomTest, InitialisesOnce) {
  EXPECT_TRUE(ensureSodiumInitialized().ok());
  EXPECT_TRUE(ensureSodiumInitialized().ok());
}

TEST(SodiumRandomTest, UniformStaysWithinItsBound) {
  SodiumRandom random;
  for (uint32_t bound :
       {1u, 2u, 7u, 10u, 1000u, 0x80000001u, std::numeric_limits<uint32_t>::max()}) {
    for (int i = 0; i < 2000; ++i) ASSERT_LT(random.uniform(bound), bound) << bound;
  }
  EXPECT_EQ(random.uniform(1), 0u);
}

TEST(SodiumRandomTest, UniformReachesEveryValueOfASmallRange) {
  SodiumRandom random;
  std::array<int, 10> seen{};
  for (int i = 0; i < 2000; ++i) ++seen[random.uniform(10)];
  // Each digit expects 200 draws; below 100 would be a wildly biased generator (p << 1e-12).
  for (int n : seen) EXPECT_GT(n, 100);
}

TEST(SodiumRandomTest, FillProducesFreshBytes) {
  SodiumRandom random;
  std::array<uint8_t, 32> a{};
  std::array<uint8_t, 32> b{};
  random.fill(a);
  random.fill(b);
  EXPECT_NE(a, b);
  std::set<uint8_t> distinct(a.begin(), a.end());
  EXPECT_GT(distinct.size(), 8u);
  random.fill(std::span<uint8_t>());  // empty is fine
}

}  // namespace
}  // namespace callgate
