// RTP media load: N calls on one media thread, each sending and receiving 50 packets/s (PCMU,
// half of them playing a prompt with barge-in), against a loopback peer in this process.
// Prints the media thread's CPU, the packet rates and the operator new calls made while it ran
// (they must not grow with the packet count: the tick and receive paths do not allocate).
//   rtp_media_load [calls=1000] [seconds=5] [inband]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iterator>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "adapters/net/rtp/media_engine.h"
#include "adapters/net/rtp/rtp_packet.h"

namespace {
std::atomic<long> g_news{0};
}

void* operator new(size_t n) {
  g_news.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

using namespace callgate::rtp;
using namespace std::chrono;

// utime + stime of one thread, in clock ticks (/proc/self/task/TID/stat fields 14 and 15).
long threadCpuTicks(int tid) {
  std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/stat");
  const std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::string> fields;
  std::string cur;
  for (size_t i = s.rfind(')') + 2; i < s.size(); ++i) {
    if (s[i] == ' ') {
      fields.push_back(cur);
      cur.clear();
    } else {
      cur += s[i];
    }
  }
  return fields.size() > 12 ? std::stol(fields[11]) + std::stol(fields[12]) : 0;
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 5;
  const bool inband = argc > 3 && std::string(argv[3]) == "inband";
  MediaEngine engine(MediaEngineOptions{"127.0.0.1", 30000, 40000, 1});
  if (!engine.start()) return 1;

  // The peer: one socket sends every call's stream and receives every answer (the sessions
  // latch onto it).
  const int peer = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a = loopback(0);
  ::bind(peer, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(peer, reinterpret_cast<sockaddr*>(&a), &len);
  const int big = 8 << 20;
  ::setsockopt(peer, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  std::atomic<bool> stop{false};
  std::atomic<long> received{0};
  std::thread reader([&] {
    char buf[2048];
    timeval tv{0, 100000};
    ::setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (!stop) {
      if (::recv(peer, buf, sizeof buf, 0) > 0) ++received;
    }
  });

  auto prompt = std::make_shared<callgate::audio::Audio>();
  prompt->samples.assign(8000 * 600, 1000);
  std::vector<std::shared_ptr<MediaSession>> sessions;
  for (int i = 0; i < calls; ++i) {
    auto s = engine.open();
    if (!s) {
      std::fprintf(stderr, "open failed after %d calls: %s\n", i, s.error().toString().c_str());
      return 1;
    }
    MediaParams p;
    p.remoteAddress = "127.0.0.1";
    p.remotePort = ntohs(a.sin_port);
    p.dtmfPayloadType = inband ? -1 : 101;
    (*s)->start(p);
    if (i % 2 == 0) (*s)->play({prompt}, true, [](bool) {});
    sessions.push_back(*s);
  }
  std::promise<int> tidPromise;
  boost::asio::post(sessions[0]->executor(),
                    [&] { tidPromise.set_value(static_cast<int>(::syscall(SYS_gettid))); });
  const int tid = tidPromise.get_future().get();

  std::atomic<long> sent{0};
  std::thread sender([&] {
    std::vector<uint8_t> packet(kRtpHeaderBytes + 160, 0xFF);
    std::vector<sockaddr_in> targets;
    for (auto& s : sessions) targets.push_back(loopback(s->localPort()));
    uint16_t seq = 0;
    uint32_t ts = 0;
    auto next = steady_clock::now();
    while (!stop) {
      writeRtpHeader({false, 0, seq, ts, 42}, packet.data());
      for (const auto& t : targets) {
        ::sendto(peer, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&t),
                 sizeof t);
      }
      sent += static_cast<long>(targets.size());
      ++seq;
      ts += 160;
      next += milliseconds(20);
      std::this_thread::sleep_until(next);
    }
  });

  std::this_thread::sleep_for(std::chrono::seconds(2));  // warm up
  const long cpu0 = threadCpuTicks(tid), news0 = g_news.load(), rx0 = received.load(),
             tx0 = sent.load();
  const auto t0 = steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const long cpu1 = threadCpuTicks(tid), news1 = g_news.load(), rx1 = received.load(),
             tx1 = sent.load();
  const double secs = duration<double>(steady_clock::now() - t0).count();
  const double cpu =
      100.0 * static_cast<double>(cpu1 - cpu0) / static_cast<double>(::sysconf(_SC_CLK_TCK)) / secs;
  std::printf(
      "calls=%d dtmf=%s media_thread_cpu=%.1f%% rtp_out_per_s=%.0f (target %d) "
      "rtp_in_per_s=%.0f operator_new_during_run=%ld\n",
      calls, inband ? "inband" : "rfc4733", cpu, static_cast<double>(rx1 - rx0) / secs, calls * 50,
      static_cast<double>(tx1 - tx0) / secs, news1 - news0);
  stop = true;
  sender.join();
  reader.join();
  for (auto& s : sessions) s->close();
  engine.stop();
  ::close(peer);
  return 0;
}
