// The HTTP server on a real loopback socket: threads, timeouts, connection limits, stop and
// the access log.

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "unit/adapters/net/http/http_test_support.h"

namespace callgate::http {
namespace {

using testing::TestClient;
using namespace std::chrono_literals;

TEST_F(HttpServerTest, BlockingHandlersRunOffTheIoThread) {
  std::mutex mu;
  std::thread::id ioThread, workerThread;
  router_.add(
      "GET", "/inline",
      [&](const Request&) {
        std::lock_guard lock(mu);
        ioThread = std::this_thread::get_id();
        return Response{};
      },
      Lane::kIoThread);
  router_.add(
      "GET", "/blocking",
      [&](const Request&) {
        std::lock_guard lock(mu);
        workerThread = std::this_thread::get_id();
        return Response{};
      },
      Lane::kWorker);
  TestClient c(start());
  ASSERT_TRUE(c.request("GET", "/inline"));
  ASSERT_TRUE(c.request("GET", "/blocking"));
  std::lock_guard lock(mu);
  EXPECT_NE(ioThread, std::thread::id());
  EXPECT_NE(workerThread, std::thread::id());
  EXPECT_NE(ioThread, workerThread);
  EXPECT_NE(ioThread, std::this_thread::get_id());
}

// A burst of slow work (argon2id) holds the slow lane only: the workers keep answering.
TEST_F(HttpServerTest, SlowLaneDoesNotHoldTheWorkers) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> slowRunning{0};
  router_.add(
      "GET", "/hash",
      [&, released](const Request&) {
        ++slowRunning;
        released.wait_for(10s);
        return Response{200, "text/plain", "hashed", {}, {}};
      },
      Lane::kSlow);
  router_.add("GET", "/lookup", [](const Request&) {
    return Response{200, "text/plain", "found", {}, {}};
  });
  ServerOptions o;
  o.workerThreads = 1;
  o.slowThreads = 1;
  o.maxSlowRequests = 8;
  const uint16_t port = start(o);
  std::vector<std::unique_ptr<TestClient>> hashing;
  for (int i = 0; i < 4; ++i) {
    hashing.push_back(std::make_unique<TestClient>(port));
    ASSERT_TRUE(hashing.back()->send("GET /hash HTTP/1.1\r\nHost: t\r\n\r\n"));
  }
  for (int i = 0; i < 200 && slowRunning.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(slowRunning.load(), 1);  // one slow thread: one runs, three wait in its queue
  TestClient lookup(port);
  auto r = lookup.request("GET", "/lookup");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "found");
  release.set_value();
  for (auto& c : hashing) {
    auto h = c->read();
    ASSERT_TRUE(h);
    EXPECT_EQ(h->body, "hashed");
  }
}

// Past maxSlowRequests a slow request is refused at once, not queued behind the others; the
// lane takes requests again once they finish.
TEST_F(HttpServerTest, FullSlowLaneAnswers503WithRetryAfter) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> running{0};
  router_.add(
      "GET", "/hash",
      [&, released](const Request&) {
        ++running;
        released.wait_for(10s);
        return Response{200, "text/plain", "hashed", {}, {}};
      },
      Lane::kSlow);
  ServerOptions o;
  o.slowThreads = 2;
  o.maxSlowRequests = 2;
  const uint16_t port = start(o);
  TestClient a(port), b(port);
  ASSERT_TRUE(a.send("GET /hash HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(b.send("GET /hash HTTP/1.1\r\nHost: t\r\n\r\n"));
  for (int i = 0; i < 400 && running.load() < 2; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(running.load(), 2);
  TestClient c(port);
  auto refused = c.request("GET", "/hash");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->header("retry-after"), "1");
  EXPECT_EQ(running.load(), 2);
  release.set_value();
  ASSERT_TRUE(a.read());
  ASSERT_TRUE(b.read());
  TestClient again(port);
  auto ok = again.request("GET", "/hash");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpServerTest, IoThreadAnswersWhileAWorkerIsBlocked) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  router_.add("GET", "/slow", [released](const Request&) {
    released.wait_for(10s);
    return Response{200, "text/plain", "slow", {}, {}};
  });
  router_.add(
      "GET", "/fast",
      [](const Request&) {
        return Response{200, "text/plain", "fast", {}, {}};
      },
      Lane::kIoThread);
  ServerOptions o;
  o.workerThreads = 1;
  const uint16_t port = start(o);
  TestClient slow(port);
  ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  TestClient fast(port);
  auto f = fast.request("GET", "/fast");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->body, "fast");
  release.set_value();
  auto s = slow.read();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->body, "slow");
}

TEST_F(HttpServerTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions o;
  o.idleTimeout = 1s;
  TestClient c(start(o));
  ASSERT_TRUE(c.request("GET", "/hello"));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.waitClosed(4s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST_F(HttpServerTest, SlowRequestGets408) {
  ServerOptions o;
  o.requestTimeout = 1s;
  TestClient c(start(o));
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: t\r\n"));  // header never finishes
  auto r = c.read(4s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(c.waitClosed(3s));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreClosed) {
  ServerOptions o;
  o.maxConnections = 1;
  const uint16_t port = start(o);
  TestClient first(port);
  ASSERT_TRUE(first.request("GET", "/hello"));
  TestClient second(port);
  EXPECT_TRUE(second.waitClosed(3s));
  ASSERT_TRUE(first.request("GET", "/hello"));
}

// One address cannot hold every connection: beyond its share, its new connections are closed
// at once while other addresses (and its own open connections) are served.
TEST_F(HttpServerTest, ConnectionsBeyondThePerAddressCapAreClosed) {
  ServerOptions o;
  o.maxConnectionsPerAddress = 2;
  const uint16_t port = start(o);
  TestClient first(port);
  auto second = std::make_unique<TestClient>(port);
  ASSERT_TRUE(first.request("GET", "/hello"));
  ASSERT_TRUE(second->request("GET", "/hello"));
  {
    TestClient third(port);
    EXPECT_TRUE(third.waitClosed(3s));
  }
  ASSERT_TRUE(first.request("GET", "/hello"));
  // A connection that ends gives its place back.
  second.reset();
  for (int i = 0; i < 100 && server_->connectionCount() > 1; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  TestClient fourth(port);
  ASSERT_TRUE(fourth.request("GET", "/hello"));
}

TEST_F(HttpServerTest, StopLetsAnInFlightRequestFinishWithConnectionClose) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  router_.add("GET", "/slow", [&entered, released](const Request&) {
    entered.set_value();
    released.wait_for(10s);
    return Response{200, "text/plain", "done", {}, {}};
  });
  const uint16_t port = start();
  TestClient idle(port);
  ASSERT_TRUE(idle.request("GET", "/hello"));
  TestClient busy(port);
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  entered.get_future().wait_for(5s);
  std::thread stopper([this] { server_->stop(); });
  EXPECT_TRUE(idle.waitClosed(3s));  // idle connections go at once
  release.set_value();
  auto r = busy.read();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "done");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(server_->connectionCount(), 0u);
}

TEST_F(HttpServerTest, PortInUseIsAnError) {
  const uint16_t port = start();
  ServerOptions o;
  o.port = port;
  Server other(o, Router{});
  auto r = other.start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
}

TEST_F(HttpServerTest, BadHostIsAnError) {
  ServerOptions o;
  o.host = "not an address";
  Server s(o, Router{});
  auto r = s.start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(HttpServerTest, SeveralIoThreadsServeConcurrentClients) {
  ServerOptions o;
  o.ioThreads = 2;
  const uint16_t port = start(o);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      TestClient c(port);
      for (int j = 0; j < 20; ++j) {
        const std::string body = std::to_string(i * 100 + j);
        auto r = c.request("POST", "/echo", body);
        if (r && r->body == body) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 80);
}

// Each io thread runs its own io_context: a connection stays on the thread it was given at accept
// (its handlers need no strand), and connections are spread over the threads in turn.
TEST_F(HttpServerTest, AConnectionStaysOnOneIoThreadAndConnectionsAreSpread) {
  router_.add(
      "GET", "/thread",
      [](const Request&) {
        Response r;
        r.body = std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
        return r;
      },
      Lane::kIoThread);
  ServerOptions o;
  o.ioThreads = 2;
  const uint16_t port = start(o);
  TestClient first(port);
  TestClient second(port);
  std::set<std::string> firstThreads, secondThreads;
  for (int i = 0; i < 5; ++i) {
    auto a = first.request("GET", "/thread");
    auto b = second.request("GET", "/thread");
    ASSERT_TRUE(a && b);
    firstThreads.insert(a->body);
    secondThreads.insert(b->body);
  }
  EXPECT_EQ(firstThreads.size(), 1u);
  EXPECT_EQ(secondThreads.size(), 1u);
  EXPECT_NE(*firstThreads.begin(), *secondThreads.begin());
}

TEST_F(HttpServerTest, LogsOneLogfmtLinePerRequestWithoutBodiesOrUnknownPaths) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  logger->set_pattern("%v");
  spdlog::set_default_logger(logger);
  const std::string body = R"({"phone":"+14155550100","pin":"9876"})";
  ServerOptions o;
  router_.add(
      "GET", "/quiet", [](const Request&) { return Response{}; }, Lane::kIoThread);
  // start() turns the access log off for the other tests; build this server by hand.
  o.port = 0;
  server_ = std::make_unique<Server>(o, std::move(router_));
  auto port = server_->start();
  ASSERT_TRUE(port.ok());
  {
    TestClient c(*port);
    ASSERT_TRUE(c.request("POST", "/echo?code=123456", body));
    ASSERT_TRUE(c.request("GET", "/quiet"));
    ASSERT_TRUE(c.request("GET", "/secret-token-abc"));
  }
  server_->stop();
  spdlog::set_default_logger(previous);

  const std::string log = captured.str();
  EXPECT_NE(log.find("event=http method=POST path=/echo status=200 latency_us="), std::string::npos)
      << log;
  EXPECT_NE(log.find("event=http method=GET path=/quiet status=200"), std::string::npos) << log;
  EXPECT_NE(log.find("event=http method=GET path=- status=404"), std::string::npos) << log;
  EXPECT_NE(log.find("bytes=" + std::to_string(body.size())), std::string::npos) << log;
  for (const char* secret : {"123456", "+14155550100", "9876", "secret-token"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked into: " << log;
  }
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 3) << log;
}

}  // namespace
}  // namespace callgate::http
