// Shared by the contract suites (see README.md): the racing helper for the atomicity tests.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

namespace callgate::contracts {

// Threads per race: enough to make a lost update likely if an operation is not atomic, few
// enough for the two cores the tests share.
inline constexpr int kRacers = 8;

// Runs fn(i) for i in [0, kRacers) on kRacers threads released together; returns how many calls
// returned true.
template <class Fn>
int race(Fn fn) {
  std::atomic<bool> go{false};
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  threads.reserve(kRacers);
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      if (fn(i)) ++wins;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return wins.load();
}

}  // namespace callgate::contracts
