// Streaming responses (stream.h) on a real Server over 127.0.0.1: framing, writes from many
// threads, the cap, a client that leaves or does not read, stop(), and no idle timeout while a
// stream is open. Every wait is bounded.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "http_test_support.h"

namespace callgate::http {
namespace {

using std::chrono::milliseconds;
using testing::TestClient;

// Bytes until `needle` has arrived (or the timeout passed; then whatever came).
std::string readUntil(TestClient& client, std::string_view needle,
                      milliseconds timeout = milliseconds(3000)) {
  std::string got;
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (got.find(needle) == std::string::npos && std::chrono::steady_clock::now() < until) {
    got += client.readRaw(1 << 16, milliseconds(20));
  }
  return got;
}

template <typename Pred>
bool eventually(Pred pred, milliseconds limit = milliseconds(3000)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

// Decodes a chunked body (after the head); sets `ended` when the last chunk was seen.
std::string dechunk(std::string_view wire, bool& ended) {
  std::string out;
  ended = false;
  for (;;) {
    const size_t eol = wire.find("\r\n");
    if (eol == std::string_view::npos) return out;
    const size_t size = std::stoul(std::string(wire.substr(0, eol)), nullptr, 16);
    if (size == 0) {
      ended = true;
      return out;
    }
    if (wire.size() < eol + 2 + size + 2) return out;
    out.append(wire.substr(eol + 2, size));
    wire.remove_prefix(eol + 2 + size + 2);
  }
}

class HttpStreamTest : public HttpServerTest {
 protected:
  // GET /stream opens a stream whose first chunk is "hello\n"; GET /refused answers 403;
  // the sinks opened are kept in sinks_.
  void SetUp() override {
    HttpServerTest::SetUp();
    router_.addStream("GET", "/stream", [this](const Request&) {
      StreamReply reply;
      reply.response.contentType = "text/event-stream";
      reply.response.headers.emplace_back("X-Accel-Buffering", "no");
      reply.response.body = "hello\n";
      reply.onOpen = [this](std::shared_ptr<StreamSink> sink) {
        std::lock_guard lock(mu_);
        sinks_.push_back(std::move(sink));
      };
      return reply;
    });
    router_.addStream("GET", "/refused", [](const Request&) {
      return StreamReply{jsonError(403, "not you"), {}};
    });
  }

  std::shared_ptr<StreamSink> sink(size_t i) {
    std::shared_ptr<StreamSink> out;
    eventually([&] {
      std::lock_guard lock(mu_);
      if (sinks_.size() > i) out = sinks_[i];
      return out != nullptr;
    });
    return out;
  }

  std::mutex mu_;
  std::vector<std::shared_ptr<StreamSink>> sinks_;
};

constexpr std::string_view kGetStream = "GET /stream HTTP/1.1\r\nHost: t\r\n\r\n";

TEST_F(HttpStreamTest, SendsHeadWithoutLengthThenChunksThenTheLastChunk) {
  TestClient client(start());
  ASSERT_TRUE(client.send(kGetStream));
  std::string wire = readUntil(client, "hello\n\r\n");
  ASSERT_NE(wire.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << wire;
  EXPECT_NE(wire.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(wire.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_NE(wire.find("X-Accel-Buffering: no\r\n"), std::string::npos);
  EXPECT_EQ(wire.find("Content-Length"), std::string::npos);
  auto s = sink(0);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->write("data: one\n\n"));
  EXPECT_TRUE(s->write(""));  // ignored: an empty chunk would end the body
  EXPECT_TRUE(s->write("data: two\n\n"));
  s->close();
  EXPECT_FALSE(s->write("late"));
  wire += readUntil(client, "0\r\n\r\n");
  bool ended = false;
  const std::string body = dechunk(wire.substr(wire.find("\r\n\r\n") + 4), ended);
  EXPECT_EQ(body, "hello\ndata: one\n\ndata: two\n\n");
  EXPECT_TRUE(ended);
  EXPECT_TRUE(client.waitClosed());
  EXPECT_TRUE(eventually([&] { return server_->streamCount() == 0; }));
}

TEST_F(HttpStreamTest, AHandlerWithoutOnOpenAnswersAPlainResponse) {
  TestClient client(start());
  auto r = client.request("GET", "/refused");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->header("content-length"), std::to_string(r->body.size()));
  EXPECT_EQ(server_->streamCount(), 0u);
  // The connection is reusable, as after any response.
  auto again = client.request("GET", "/hello");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "hello");
}

TEST_F(HttpStreamTest, WritesFromManyThreadsArriveWholeAndInEachWritersOrder) {
  TestClient client(start());
  ASSERT_TRUE(client.send(kGetStream));
  auto s = sink(0);
  ASSERT_TRUE(s);
  constexpr int kThreads = 4, kEach = 200;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(s->write("[" + std::to_string(t) + ":" + std::to_string(i) + "]"));
      }
    });
  }
  for (auto& w : writers) w.join();
  s->close();
  std::string wire = readUntil(client, "0\r\n\r\n", milliseconds(5000));
  bool ended = false;
  const std::string body = dechunk(wire.substr(wire.find("\r\n\r\n") + 4), ended);
  ASSERT_TRUE(ended);
  for (int t = 0; t < kThreads; ++t) {
    size_t at = 0;
    for (int i = 0; i < kEach; ++i) {
      const size_t next = body.find("[" + std::to_string(t) + ":" + std::to_string(i) + "]", at);
      ASSERT_NE(next, std::string::npos) << "writer " << t << " item " << i;
      at = next;
    }
  }
}

TEST_F(HttpStreamTest, StreamsBeyondTheCapGet503) {
  ServerOptions o;
  o.maxStreams = 1;
  const uint16_t port = start(o);
  TestClient first(port);
  ASSERT_TRUE(first.send(kGetStream));
  ASSERT_TRUE(sink(0));
  TestClient second(port);
  auto r = second.request("GET", "/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("retry-after"), "5");
  EXPECT_EQ(server_->streamCount(), 1u);
}

TEST_F(HttpStreamTest, AClientThatLeavesClosesTheSink) {
  const uint16_t port = start();
  {
    TestClient client(port);
    ASSERT_TRUE(client.send(kGetStream));
    ASSERT_TRUE(sink(0));
  }
  auto s = sink(0);
  EXPECT_TRUE(eventually([&] { return s->closed(); }));
  EXPECT_FALSE(s->write("data: x\n\n"));
  EXPECT_TRUE(eventually([&] { return server_->streamCount() == 0; }));
}

TEST_F(HttpStreamTest, AClientThatDoesNotReadIsDisconnectedNotBufferedFor) {
  ServerOptions o;
  o.maxStreamQueueBytes = 64 * 1024;
  TestClient client(start(o));
  ASSERT_TRUE(client.send(kGetStream));
  auto s = sink(0);
  ASSERT_TRUE(s);
  // The client reads nothing: the socket buffers fill, then our queue, then the stream closes.
  const std::string chunk(16 * 1024, 'x');
  int accepted = 0;
  for (; accepted < 100000 && s->write(chunk); ++accepted) {
    if (accepted % 64 == 63) std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_LT(accepted, 100000);
  EXPECT_TRUE(s->closed());
  EXPECT_TRUE(eventually([&] { return server_->streamCount() == 0; }));
}

TEST_F(HttpStreamTest, NoIdleOrRequestTimeoutWhileStreaming) {
  ServerOptions o;
  o.idleTimeout = std::chrono::seconds(1);
  o.requestTimeout = std::chrono::seconds(1);
  TestClient client(start(o));
  ASSERT_TRUE(client.send(kGetStream));
  auto s = sink(0);
  ASSERT_TRUE(s);
  std::this_thread::sleep_for(milliseconds(2500));
  ASSERT_FALSE(s->closed());
  EXPECT_TRUE(s->write("data: still here\n\n"));
  EXPECT_NE(readUntil(client, "still here").find("still here"), std::string::npos);
}

TEST_F(HttpStreamTest, StopEndsOpenStreamsPromptly) {
  TestClient client(start());
  ASSERT_TRUE(client.send(kGetStream));
  auto s = sink(0);
  ASSERT_TRUE(s);
  const auto before = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, milliseconds(1500));
  EXPECT_TRUE(s->closed());
  EXPECT_FALSE(s->write("data: after stop\n\n"));
  EXPECT_NE(readUntil(client, "0\r\n\r\n").find("0\r\n\r\n"), std::string::npos);
}

TEST_F(HttpStreamTest, HeadGetsTheHeadersAndNeverOpensAStream) {
  TestClient client(start());
  ASSERT_TRUE(client.send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string wire = readUntil(client, "\r\n\r\n");
  EXPECT_NE(wire.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("hello"), std::string::npos);
  EXPECT_EQ(server_->streamCount(), 0u);
  std::lock_guard lock(mu_);
  EXPECT_TRUE(sinks_.empty());
}

TEST_F(HttpStreamTest, Http10StreamIsRawBytesEndedByTheClose) {
  TestClient client(start());
  ASSERT_TRUE(client.send("GET /stream HTTP/1.0\r\n\r\n"));
  auto s = sink(0);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->write("data: raw\n\n"));
  s->close();
  std::string wire = readUntil(client, "data: raw\n\n");
  EXPECT_EQ(wire.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(wire.find("\r\n\r\nhello\ndata: raw\n\n"), std::string::npos) << wire;
  EXPECT_TRUE(client.waitClosed());
}

}  // namespace
}  // namespace callgate::http
