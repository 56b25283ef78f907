// Token mint/verify throughput against raw libsodium on the same bytes.
//
// BM_MintToken / BM_VerifyToken run callgate's TokenService (key ring on a real key file, in-memory
// token-state store, system clock, libsodium CSPRNG); BM_RawSodiumSign / BM_RawSodiumVerify run
// crypto_sign_detached / crypto_sign_verify_detached on the signing input (header.payload) of a
// token minted by that service, with the same key. The four run in alternating rounds (the
// machine is shared and noisy), and the program ends with the median time of each and the
// throughput ratios ours/raw; the goal is >= 0.7 for both.

#include <benchmark/benchmark.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/platform/clock/system_clock.h"
#include "adapters/security/crypto/sodium_random.h"
#include "adapters/security/token/key_ring.h"
#include "adapters/security/token/token_service.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_cluster_state.h"

namespace {

using namespace callgate;

constexpr const char* kScope = "account:add_member";
constexpr int kRounds = 7;

struct Bench {
  std::string dir;
  SystemClock clock;
  SodiumRandom random;
  testing::InMemoryTokenStateStore states;
  testing::InMemorySigningKeyStore keyStore;
  std::unique_ptr<token::KeyRing> ring;
  std::unique_ptr<TokenService> tokens;
  std::string jwt;           // a valid token for the verify benchmarks
  std::string signingInput;  // its header.payload
  unsigned char signature[crypto_sign_BYTES]{};
  std::shared_ptr<const token::KeySet> keys;

  bool init() {
    char pattern[] = "/tmp/callgate-token-bench-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return false;
    dir = pattern;
    token::KeyRingOptions options;
    options.path = dir + "/jwt-keys.json";
    const std::string sealingSecret(32, 'k');  // seals the seeds in the store; any 32 bytes
    auto opened = token::KeyRing::open(options, keyStore, sealingSecret, clock, random);
    if (!opened.ok()) {
      std::fprintf(stderr, "token_bench: %s\n", opened.error().toString().c_str());
      return false;
    }
    ring = std::move(*opened);
    TokenServiceOptions serviceOptions;
    serviceOptions.issuer = "https://callgate.example.com";
    tokens = std::make_unique<TokenService>(*ring, states, random, clock, serviceOptions);
    auto issued = tokens->issue("12345678", kScope, {"pin", "sms"});
    if (!issued.ok()) return false;
    jwt = issued->jwt;
    signingInput = jwt.substr(0, jwt.rfind('.'));
    keys = ring->current();
    crypto_sign_detached(signature, nullptr,
                         reinterpret_cast<const unsigned char*>(signingInput.data()),
                         signingInput.size(), keys->signingKey().secretKey.data());
    return true;
  }
  ~Bench() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

Bench* bench = nullptr;

void BM_MintToken(benchmark::State& state) {
  for (auto _ : state) {
    auto t = bench->tokens->issue("12345678", kScope, {"pin", "sms"});
    if (!t.ok()) state.SkipWithError("issue failed");
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_VerifyToken(benchmark::State& state) {
  const TokenCheck check{kScope, std::string("12345678")};
  for (auto _ : state) {
    auto claims = bench->tokens->verify(bench->jwt, check);
    if (!claims.ok()) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(claims);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RawSodiumSign(benchmark::State& state) {
  const auto& in = bench->signingInput;
  const unsigned char* sk = bench->keys->signingKey().secretKey.data();
  unsigned char sig[crypto_sign_BYTES];
  for (auto _ : state) {
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(in.data()), in.size(),
                         sk);
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RawSodiumVerify(benchmark::State& state) {
  const auto& in = bench->signingInput;
  const unsigned char* pk = bench->keys->signingKey().publicKey.data();
  for (auto _ : state) {
    int rc = crypto_sign_verify_detached(
        bench->signature, reinterpret_cast<const unsigned char*>(in.data()), in.size(), pk);
    if (rc != 0) state.SkipWithError("raw verify failed");
    benchmark::DoNotOptimize(rc);
  }
  state.SetItemsProcessed(state.iterations());
}

// Prints as usual and keeps each run's time per iteration (ns) by benchmark name.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      // "BM_MintToken/min_time:0.300" -> "BM_MintToken"
      const std::string name = r.benchmark_name();
      if (r.error_occurred) continue;
      times[name.substr(0, name.find('/'))].push_back(r.GetAdjustedRealTime());
      cpuTimes[name.substr(0, name.find('/'))].push_back(r.GetAdjustedCPUTime());
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, std::vector<double>> times;     // wall clock, ns per operation
  std::map<std::string, std::vector<double>> cpuTimes;  // CPU time of the thread, ns per operation
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  if (sodium_init() < 0) return 1;
  Bench b;
  if (!b.init()) return 1;
  bench = &b;

  for (int round = 0; round < kRounds; ++round) {
    benchmark::RegisterBenchmark("BM_MintToken", BM_MintToken)->MinTime(0.3);
    benchmark::RegisterBenchmark("BM_RawSodiumSign", BM_RawSodiumSign)->MinTime(0.3);
    benchmark::RegisterBenchmark("BM_VerifyToken", BM_VerifyToken)->MinTime(0.3);
    benchmark::RegisterBenchmark("BM_RawSodiumVerify", BM_RawSodiumVerify)->MinTime(0.3);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const double mint = median(reporter.times["BM_MintToken"]);
  const double sign = median(reporter.times["BM_RawSodiumSign"]);
  const double verify = median(reporter.times["BM_VerifyToken"]);
  const double rawVerify = median(reporter.times["BM_RawSodiumVerify"]);
  if (mint <= 0 || sign <= 0 || verify <= 0 || rawVerify <= 0) {
    std::fprintf(stderr, "token_bench: a benchmark did not run; no ratios\n");
    return 1;
  }
  std::printf(
      "\nmedians of %d alternating rounds (time per operation; ratio = ours/raw throughput, goal "
      ">= 0.70)\n",
      kRounds);
  std::printf("  mint   : ours %8.2f us   raw sign   %8.2f us   ratio %.2f%s\n", mint / 1000,
              sign / 1000, sign / mint, sign / mint >= 0.7 ? "" : "  BELOW GOAL");
  std::printf("  verify : ours %8.2f us   raw verify %8.2f us   ratio %.2f%s\n", verify / 1000,
              rawVerify / 1000, rawVerify / verify,
              rawVerify / verify >= 0.7 ? "" : "  BELOW GOAL");
  // CPU time is less disturbed by other processes on a shared machine; shown for comparison.
  auto cpu = [&](const char* name) { return median(reporter.cpuTimes[name]); };
  std::printf("  (CPU-time ratios: mint %.2f, verify %.2f)\n",
              cpu("BM_RawSodiumSign") / cpu("BM_MintToken"),
              cpu("BM_RawSodiumVerify") / cpu("BM_VerifyToken"));
  std::printf("  token  : %zu bytes, signing input %zu bytes\n", b.jwt.size(),
              b.signingInput.size());
  return 0;
}
