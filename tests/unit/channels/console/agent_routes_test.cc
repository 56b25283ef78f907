// The agent screen pop and the calls page (agent_routes.h) with the fake guard, an in-memory
// HandoffStore behind a real HandoffFeed, and, for the stream, a real Server on 127.0.0.1.
#include "channels/console/agent_routes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/net/http/server.h"
#include "channels/console/agent_pop.h"
#include "fakes/fake_console_guard.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_handoff_store.h"
#include "unit/adapters/net/http/http_test_support.h"

namespace callgate::console {
namespace {

using std::chrono::milliseconds;

// Collects what a stream would send.
class RecordingSink : public http::StreamSink {
 public:
  bool write(std::string_view chunk) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    text_.append(chunk);
    return true;
  }
  void close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  bool closed() const override {
    std::lock_guard lock(mu_);
    return closed_;
  }
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }
  // Waits (bounded) until `needle` was written.
  bool waitFor(std::string_view needle, milliseconds limit = milliseconds(2000)) const {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (text().find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return true;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
  bool closed_ = false;
};

class AgentRoutesTest : public ::testing::Test {
 protected:
  AgentRoutesTest()
      : feed_(store_, HandoffFeedOptions{milliseconds(50), milliseconds(15000), 200}) {
    addAgentRoutes(router_, &guard_, AgentRouteDeps{feed_, clock_});
    feed_.start();
  }

  Handoff append(std::string queue, bool authenticated = true, std::string name = "Ada Lovelace") {
    Handoff h;
    h.at = clock_.now();
    h.channel = "sip";
    h.callId = "call@pbx";
    h.contactId = "contact-" + std::to_string(++n_);
    h.queue = std::move(queue);
    h.acr = authenticated ? "urn:callgate:acr:2fa" : "urn:callgate:acr:none";
    if (authenticated) {
      h.amr = {"pin", "callerid"};
      h.userId = "12345678";
      h.displayName = std::move(name);
      h.level = "Gold";
      h.language = "en-GB";
    }
    h.attestation = "A";
    h.callerLast4 = "\u20260100";
    h.jti = "jti-" + std::to_string(n_);
    h.tokenCheck = "valid";
    h.timeToVerdictMs = 12340;
    // The feed writes on its own thread: wait (bounded) until the store has it, and return the
    // stored record (with its id and seq).
    auto seqNow = [this] {
      auto last = store_.lastSeq();
      return last.ok() ? *last : int64_t{0};
    };
    const int64_t before = seqNow();
    EXPECT_TRUE(feed_.append(h, TimePoint{}).ok());
    const auto until = std::chrono::steady_clock::now() + milliseconds(2000);
    while (seqNow() == before && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(milliseconds(2));
    }
    auto stored = store_.since(before, 1, "");
    EXPECT_TRUE(stored.ok() && stored->size() == 1u) << "the feed did not write the handoff";
    return stored.ok() && !stored->empty() ? stored->front() : h;
  }

  static http::Request get(std::string path, std::string staff, std::string query = "") {
    http::Request r;
    r.method = "GET";
    r.path = std::move(path);
    r.query = std::move(query);
    if (!staff.empty()) r.headers["x-test-staff"] = std::move(staff);
    return r;
  }
  http::Response page(const http::Request& r) {
    auto found = router_.find("GET", r.path);
    EXPECT_EQ(found.match, http::Router::Match::kFound) << r.path;
    return found.route->handler(r);
  }
  http::StreamReply stream(const http::Request& r) {
    auto found = router_.find("GET", "/console/agent/events");
    EXPECT_EQ(found.match, http::Router::Match::kFound);
    EXPECT_TRUE(found.route->stream);
    return found.route->stream(r);
  }

  testing::FakeClock clock_;
  testing::FakeConsoleGuard guard_;
  testing::InMemoryHandoffStore store_;
  HandoffFeed feed_;
  http::Router router_;
  int n_ = 0;
};

TEST_F(AgentRoutesTest, NothingIsRegisteredWithoutAGuard) {
  http::Router router;
  addAgentRoutes(router, nullptr, AgentRouteDeps{feed_, clock_});
  EXPECT_TRUE(router.paths().empty());
}

TEST_F(AgentRoutesTest, ThePageListsRecentPopsNewestFirstForAnyStaff) {
  append("general", true, "Ada Lovelace");
  append("general", false);
  const http::Response r = page(get("/console/agent", "ann:agent"));
  EXPECT_EQ(r.status, 200);
  const size_t unverified = r.body.find("Unverified caller");
  const size_t ada = r.body.find("Ada Lovelace");
  ASSERT_NE(unverified, std::string::npos);
  ASSERT_NE(ada, std::string::npos);
  EXPECT_LT(unverified, ada);  // newest first
  EXPECT_NE(r.body.find("PIN + Caller ID (STIR A) (2fa)"), std::string::npos);
  EXPECT_NE(r.body.find("aria-live=\"assertive\""), std::string::npos);
  EXPECT_NE(r.body.find("data-stream=\"/console/agent/events\""), std::string::npos);
  EXPECT_NE(r.body.find("console-agent.js"), std::string::npos);
  EXPECT_NE(r.body.find("\u20260100"), std::string::npos);
}

TEST_F(AgentRoutesTest, OldPopsAreNotOnTheFirstPage) {
  append("general", true, "Old Caller");
  clock_.advance(Seconds(16 * 60));
  append("general", true, "New Caller");
  const http::Response r = page(get("/console/agent", "ann:agent"));
  EXPECT_EQ(r.body.find("Old Caller"), std::string::npos);
  EXPECT_NE(r.body.find("New Caller"), std::string::npos);
}

TEST_F(AgentRoutesTest, AQueueFilterShowsThatQueueOnly) {
  append("gold", true, "Gold Caller");
  append("basic", true, "Basic Caller");
  const http::Response r = page(get("/console/agent", "ann:agent", "queue=gold"));
  EXPECT_NE(r.body.find("Gold Caller"), std::string::npos);
  EXPECT_EQ(r.body.find("Basic Caller"), std::string::npos);
  EXPECT_NE(r.body.find("data-stream=\"/console/agent/events?queue=gold\""), std::string::npos);
  EXPECT_EQ(page(get("/console/agent", "ann:agent", "queue=%01x")).status, 400);
}

TEST_F(AgentRoutesTest, NamesAreEscaped) {
  append("general", true, "<img src=x onerror=alert(1)>");
  const http::Response r = page(get("/console/agent", "ann:agent"));
  EXPECT_EQ(r.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;img src=x"), std::string::npos);
}

TEST_F(AgentRoutesTest, WithoutASessionThePageAndTheStreamAreRefused) {
  EXPECT_EQ(page(get("/console/agent", "")).status, 303);
  http::Request events = get("/console/agent/events", "");
  events.headers["accept"] = "text/event-stream";  // as every EventSource sends
  const http::StreamReply reply = stream(events);
  EXPECT_FALSE(reply.onOpen);
  EXPECT_EQ(reply.response.status, 401);  // not a page: no redirect to the sign-in form
}

TEST_F(AgentRoutesTest, TheCallsPageIsForSupervisors) {
  append("general", true, "Ada Lovelace");
  EXPECT_EQ(page(get("/console/calls", "ann:agent")).status, 403);
  const http::Response r = page(get("/console/calls", "bo:supervisor"));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Ada Lovelace (12345678)"), std::string::npos);
  EXPECT_NE(r.body.find("In progress on this node"), std::string::npos);
  EXPECT_NE(r.body.find(">twilio</th>"), std::string::npos);
}

TEST_F(AgentRoutesTest, AFirstConnectGetsTheRecentPopsThenWhatComesNext) {
  const Handoff before = append("general", true, "Before Connect");
  const http::StreamReply reply = stream(get("/console/agent/events", "ann:agent"));
  ASSERT_TRUE(reply.onOpen);
  EXPECT_EQ(reply.response.status, 200);
  EXPECT_EQ(reply.response.contentType, "text/event-stream; charset=utf-8");
  bool accel = false;
  for (const auto& [k, v] : reply.response.headers) accel |= k == "X-Accel-Buffering" && v == "no";
  EXPECT_TRUE(accel);
  EXPECT_EQ(reply.response.body.rfind("retry: 2000\n\n", 0), 0u);
  EXPECT_NE(reply.response.body.find("id: " + std::to_string(before.seq) + "\nevent: handoff\n"),
            std::string::npos);
  auto sink = std::make_shared<RecordingSink>();
  reply.onOpen(sink);
  const Handoff after = append("general", true, "After Connect");
  ASSERT_TRUE(sink->waitFor("After Connect", milliseconds(1000)));
  EXPECT_NE(sink->text().find("id: " + std::to_string(after.seq) + "\n"), std::string::npos);
  EXPECT_EQ(sink->text().find("Before Connect"), std::string::npos);  // sent once, not twice
}

TEST_F(AgentRoutesTest, AReconnectResumesAfterLastEventIdWithoutLoss) {
  const Handoff seen = append("general", true, "Seen");
  append("general", true, "Missed One");
  append("general", true, "Missed Two");
  http::Request r = get("/console/agent/events", "ann:agent");
  r.headers["last-event-id"] = std::to_string(seen.seq);
  const http::StreamReply reply = stream(r);
  ASSERT_TRUE(reply.onOpen);
  EXPECT_EQ(reply.response.body, "retry: 2000\n\n");
  auto sink = std::make_shared<RecordingSink>();
  reply.onOpen(sink);
  ASSERT_TRUE(sink->waitFor("Missed Two"));
  const std::string text = sink->text();
  EXPECT_NE(text.find("Missed One"), std::string::npos);
  EXPECT_LT(text.find("Missed One"), text.find("Missed Two"));
  EXPECT_EQ(text.find("\"name\":\"Seen\""), std::string::npos);
}

TEST_F(AgentRoutesTest, AStreamOfOneQueueGetsOnlyThatQueue) {
  const http::StreamReply reply = stream(get("/console/agent/events", "ann:agent", "queue=gold"));
  ASSERT_TRUE(reply.onOpen);
  auto sink = std::make_shared<RecordingSink>();
  reply.onOpen(sink);
  append("basic", true, "Basic Caller");
  append("gold", true, "Gold Caller");
  ASSERT_TRUE(sink->waitFor("Gold Caller"));
  EXPECT_EQ(sink->text().find("Basic Caller"), std::string::npos);
}

TEST_F(AgentRoutesTest, LinkActivityComesAgainWithTheSameHandoffId) {
  const http::StreamReply reply = stream(get("/console/agent/events", "ann:agent"));
  auto sink = std::make_shared<RecordingSink>();
  reply.onOpen(sink);
  const Handoff h = append("general", true, "Ada Lovelace");
  ASSERT_TRUE(sink->waitFor("\"link\":\"\""));
  auto noted = feed_.noteLink("12345678", LinkActivity::kMemberAdded, clock_.now(), TimePoint{});
  ASSERT_TRUE(noted.ok());
  ASSERT_TRUE(sink->waitFor("\"link\":\"member_added\""));
  EXPECT_NE(
      sink->text().find("\"id\":" + std::to_string(h.id) + ",\"seq\":" + std::to_string(h.seq + 1)),
      std::string::npos);
}

TEST_F(AgentRoutesTest, AClosedStreamIsDroppedByTheFeed) {
  const http::StreamReply reply = stream(get("/console/agent/events", "ann:agent"));
  auto sink = std::make_shared<RecordingSink>();
  reply.onOpen(sink);
  const auto until = std::chrono::steady_clock::now() + milliseconds(2000);
  while (feed_.subscribers() != 1 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(feed_.subscribers(), 1u);
  sink->close();
  append("general");
  while (feed_.subscribers() != 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(feed_.subscribers(), 0u);
}

// An open stream is ended after maxAge, so the browser's reconnect checks the session again.
TEST(HandoffFeedTest, AStreamIsEndedAfterItsMaximumAge) {
  testing::InMemoryHandoffStore store;
  HandoffFeed feed(
      store, HandoffFeedOptions{milliseconds(20), milliseconds(15000), 200, milliseconds(150)});
  feed.start();
  auto young = std::make_shared<RecordingSink>();
  feed.subscribe(young, "", 0);
  const auto opened = std::chrono::steady_clock::now();
  const auto until = opened + milliseconds(3000);
  while (!young->closed() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_TRUE(young->closed());
  EXPECT_GE(std::chrono::steady_clock::now() - opened, milliseconds(150));
}

// A store whose writes wait until released: a database held by another writer.
class StalledHandoffStore : public testing::InMemoryHandoffStore {
 public:
  Status append(Handoff& handoff, TimePoint purgeBefore) override {
    entered = true;
    std::unique_lock lock(gate_);
    cv_.wait(lock, [this] { return released_; });
    lock.unlock();
    return InMemoryHandoffStore::append(handoff, purgeBefore);
  }
  void release() {
    {
      std::lock_guard lock(gate_);
      released_ = true;
    }
    cv_.notify_all();
  }
  std::atomic<bool> entered{false};

 private:
  std::mutex gate_;
  std::condition_variable cv_;
  bool released_ = false;
};

// The verdict (and the transfer behind it) never waits for the handoff's database write; what is
// queued is written once the database answers, and a full queue refuses rather than grows.
TEST(HandoffFeedTest, AppendsAreWrittenOffTheCallersThreadWithABoundedQueue) {
  StalledHandoffStore store;
  HandoffFeed feed(store, HandoffFeedOptions{milliseconds(20), milliseconds(15000), 200});
  feed.start();
  Handoff h;
  h.channel = "sip";
  h.callId = "call@pbx";
  h.acr = "urn:callgate:acr:none";
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(feed.append(h, TimePoint{}).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  // Once that write is stalled in the store, the queue behind it takes kMaxPendingHandoffs more,
  // then refuses.
  const auto until = start + milliseconds(2000);
  while (!store.entered && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  ASSERT_TRUE(store.entered);
  size_t accepted = 1;
  while (accepted < 2 * kMaxPendingHandoffs && feed.append(h, TimePoint{}).ok()) ++accepted;
  EXPECT_EQ(accepted, kMaxPendingHandoffs + 1);
  store.release();
  feed.stop();  // writes what is still queued
  EXPECT_EQ(store.appends.load(), static_cast<int>(accepted));
}

TEST_F(AgentRoutesTest, ThePopHoldsNothingSecret) {
  Handoff h = append("general");
  const std::string json = popJson(h);
  EXPECT_EQ(json.find("+1415"), std::string::npos);
  EXPECT_EQ(json.find("eyJ"), std::string::npos);  // no JWT
  EXPECT_NE(json.find("\"caller\":\"\u20260100\""), std::string::npos);
}

// End to end over a real socket: the guard, the stream head, a pop within a second.
TEST_F(AgentRoutesTest, OverHttpAPopArrivesWithinASecond) {
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.accessLog = false;
  http::Server server(options, std::move(router_));
  auto port = server.start();
  ASSERT_TRUE(port.ok());
  http::testing::TestClient client(*port);
  ASSERT_TRUE(client.send(
      "GET /console/agent/events HTTP/1.1\r\nHost: t\r\nx-test-staff: ann:agent\r\n\r\n"));
  std::string wire;
  const auto headUntil = std::chrono::steady_clock::now() + milliseconds(2000);
  while (wire.find("retry: 2000") == std::string::npos &&
         std::chrono::steady_clock::now() < headUntil) {
    wire += client.readRaw(1 << 16, milliseconds(20));
  }
  ASSERT_NE(wire.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << wire;
  EXPECT_NE(wire.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(wire.find("X-Accel-Buffering: no"), std::string::npos);
  const auto start = std::chrono::steady_clock::now();
  append("general", true, "Live Caller");
  while (wire.find("Live Caller") == std::string::npos &&
         std::chrono::steady_clock::now() - start < milliseconds(1000)) {
    wire += client.readRaw(1 << 16, milliseconds(20));
  }
  EXPECT_NE(wire.find("Live Caller"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  feed_.stop();  // closes the stream; the server then stops at once
  server.stop();
}

}  // namespace
}  // namespace callgate::console
