// One accepted HTTP connection and the state its Server shares with all connections.
// Internal to the http adapter. A Connection lives in a shared_ptr held by its pending
// operations; all its members are touched only on its executor (a strand, or the io_context
// when there is one io thread). The exception: while the connection waits in kHandling, a
// worker reads `request_` and the fields logAccess() reads, none of which change until the
// response is posted back to the executor.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "adapters/net/http/request_parser.h"
#include "adapters/net/http/router.h"
#include "adapters/net/http/server.h"
#include "common/connection_limits.h"

namespace callgate::http {

class Connection;
class ConnectionStream;

// Owned by Server::Impl; outlives every Connection (see the member order there).
struct ServerShared {
  ServerShared(const ServerOptions& o, const Router& r, boost::asio::thread_pool& w,
               boost::asio::thread_pool& slow)
      : options(o), router(r), workers(w), slowWorkers(slow) {}

  const ServerOptions& options;
  const Router& router;
  boost::asio::thread_pool& workers;
  boost::asio::thread_pool& slowWorkers;
  // Lane::kSlow requests queued or running; admission compares it with options.maxSlowRequests.
  std::atomic<size_t> slowRequests{0};
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};
  std::atomic<size_t> streams{0};  // open streaming responses; compared with options.maxStreams
  PerAddressCount perAddress{options.maxConnectionsPerAddress};
  RefusalLog refusals{std::chrono::seconds(10)};

  // Registry for stop(): touched on accept and on connection destruction only, never per request.
  std::mutex mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `countedAddress`: the peer address counted in shared.perAddress ("" = none), released when
  // the connection is destroyed.
  Connection(ServerShared& shared, boost::asio::ip::tcp::socket socket,
             std::string countedAddress = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Registers the connection and starts reading. Call once, right after construction.
  void start();
  // Server stop: close now if idle, else after the current response. Posted to our executor.
  void onServerStop();
  // Server stop deadline passed: close whatever the state.
  void forceClose();
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }
  // For ConnectionStream, posted to our executor: write what its writers queued; disconnect a
  // client that does not read.
  void flushStream();
  void abortStream();

 private:
  using Clock = std::chrono::steady_clock;
  using error_code = boost::system::error_code;

  enum class State {
    kIdle,       // waiting for the first byte of a request
    kReading,    // a request has started arriving
    kHandling,   // a handler runs (maybe on a worker)
    kWriting,    // the response is being written
    kLingering,  // error response sent; draining input briefly so the peer reads it (no RST)
    kStreaming,  // a streaming response (stream.h) is open; ends with the connection
    kClosed,
  };

  void readMore();
  void onRead(const error_code& ec, size_t n);
  void parse();
  void awaitInput();
  void sendContinue();
  void dispatch();
  Response runHandler(const Router::Route& route);
  StreamReply runStreamHandler(const Router::Route& route);
  void startStream(StreamReply reply, bool logged);
  void onStreamWrite(const error_code& ec);
  void discardInput();
  void writeResponse(Response response, bool logged = false);
  void onWrite(const error_code& ec, bool keepAlive);
  void fail(int status, std::string_view message);
  void beginNextRequest();
  void linger();
  void drain();
  void close();

  void setDeadline(std::chrono::steady_clock::duration d);
  void armTimer();
  void onTimer(const error_code& ec);
  // Reads only fields fixed while a request is handled, so a worker may call it then.
  void logAccess(const Response& response) const;

  ServerShared& shared_;
  const std::string countedAddress_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  Request request_;
  std::optional<RequestParser> parser_;
  std::string out_;  // serialised response; reused so steady-state writes allocate nothing
  std::shared_ptr<ConnectionStream> stream_;  // set in kStreaming
  bool streamWriting_ = false;                // an async_write of stream bytes is in flight
  bool streamEnding_ = false;                 // the bytes in flight end the stream

  State state_ = State::kIdle;
  bool keepAlive_ = true;
  bool http10_ = false;
  bool continueSent_ = false;
  bool stopRequested_ = false;
  bool timedOut_ = false;
  bool lingerAfterWrite_ = false;
  size_t lingered_ = 0;
  unsigned timerGeneration_ = 0;  // a re-armed timer's stale completion must not act
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point requestStart_;
  const std::string* logPath_ = nullptr;  // registered route path; never the raw target
};

}  // namespace callgate::http
