#include "adapters/net/http/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <exception>

#include "adapters/net/http/connection_stream.h"
#include "adapters/net/http/response_writer.h"
#include "common/metrics_catalog.h"

namespace callgate::http {

namespace asio = boost::asio;
namespace beasthttp = boost::beast::http;

namespace {

// One read per small API request; bodies near the limit take a few reads.
constexpr size_t kReadChunk = 4096;
// After an error response we read and discard for a moment before closing, so that the peer's
// unread request bytes do not turn our close into a RST that destroys the response in flight.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr size_t kLingerMaxBytes = 1 << 20;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

Connection::Connection(ServerShared& shared, asio::ip::tcp::socket socket,
                       std::string countedAddress)
    : shared_(shared),
      countedAddress_(std::move(countedAddress)),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()) {
  shared_.connections.fetch_add(1, std::memory_order_relaxed);
  error_code ec;
  const auto ep = socket_.remote_endpoint(ec);
  if (!ec) request_.remote = ep.address().to_string() + ":" + std::to_string(ep.port());
}

Connection::~Connection() {
  {
    std::lock_guard lock(shared_.mu);
    shared_.live.erase(this);
  }
  if (!countedAddress_.empty()) shared_.perAddress.remove(countedAddress_);
  shared_.connections.fetch_sub(1, std::memory_order_relaxed);
}

void Connection::start() {
  {
    std::lock_guard lock(shared_.mu);
    shared_.live.emplace(this, weak_from_this());
  }
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->beginNextRequest();
    self->armTimer();
  });
}

void Connection::onServerStop() {
  stopRequested_ = true;
  if (state_ == State::kIdle) close();
  if (state_ == State::kStreaming) {
    // Streams never end by themselves: end this one now (what is queued, then the last chunk),
    // and give a client that does not read a second, not the shutdown timeout.
    stream_->close();
    flushStream();
    deadline_ = std::min(deadline_, Clock::now() + std::chrono::seconds(1));
    armTimer();
  }
}

void Connection::forceClose() { close(); }

void Connection::beginNextRequest() {
  request_.clear();
  parser_.emplace(request_, shared_.options.maxBodyBytes,
                  static_cast<uint32_t>(shared_.options.maxHeaderBytes));
  continueSent_ = false;
  timedOut_ = false;
  lingerAfterWrite_ = false;
  logPath_ = nullptr;
  if (stopRequested_ || shared_.stopping.load(std::memory_order_relaxed)) {
    close();  // the server is stopping and this connection has nothing in progress
    return;
  }
  if (buffer_.size() > 0) {  // a pipelined request is already here
    state_ = State::kReading;
    requestStart_ = Clock::now();
    deadline_ = requestStart_ + shared_.options.requestTimeout;
    parse();
  } else {
    state_ = State::kIdle;
    setDeadline(shared_.options.idleTimeout);
    readMore();
  }
}

void Connection::readMore() {
  socket_.async_read_some(
      buffer_.prepare(kReadChunk),
      [self = shared_from_this()](const error_code& ec, size_t n) { self->onRead(ec, n); });
}

void Connection::onRead(const error_code& ec, size_t n) {
  if (state_ == State::kClosed) return;
  if (ec) {
    // EOF or reset: the peer is gone, or our timer cancelled the read.
    if (timedOut_ && state_ == State::kReading) {
      fail(408, "request not received within the request timeout");
    } else {
      close();
    }
    return;
  }
  buffer_.commit(n);
  if (state_ == State::kIdle) {
    state_ = State::kReading;
    requestStart_ = Clock::now();
    deadline_ = requestStart_ + shared_.options.requestTimeout;
  }
  parse();
}

void Connection::parse() {
  for (;;) {
    if (buffer_.size() == 0) {
      awaitInput();
      return;
    }
    error_code ec;
    const size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == beasthttp::error::need_more) {
      awaitInput();
      return;
    }
    if (ec == beasthttp::error::body_limit) {
      fail(413, "request body exceeds " + std::to_string(shared_.options.maxBodyBytes) + " bytes");
      return;
    }
    if (ec == beasthttp::error::header_limit) {
      fail(431,
           "request header exceeds " + std::to_string(shared_.options.maxHeaderBytes) + " bytes");
      return;
    }
    // A coding other than "chunked" (ours or beast's verdict) is 501; Transfer-Encoding beside a
    // Content-Length, the request-smuggling shape, stays 400.
    if (ec == beasthttp::error::bad_transfer_encoding &&
        (parser_->unsupportedTransferCoding() || !request_.headers.contains("content-length"))) {
      fail(501, "only the chunked transfer coding is supported");
      return;
    }
    if (ec) {
      fail(400, "malformed HTTP request: " + ec.message());
      return;
    }
    if (parser_->is_done()) {
      dispatch();
      return;
    }
    if (used == 0) {  // no progress without an error: wait for more input
      awaitInput();
      return;
    }
  }
}

void Connection::awaitInput() {
  // A client that sent "Expect: 100-continue" waits for our go-ahead before sending the body.
  if (parser_->is_header_done() && parser_->expectsContinue() && !continueSent_) {
    sendContinue();
  } else {
    readMore();
  }
}

void Connection::sendContinue() {
  continueSent_ = true;
  asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](const error_code& ec, size_t) {
                      if (self->state_ == State::kClosed) return;
                      if (ec) {
                        self->close();
                      } else {
                        self->readMore();
                      }
                    });
}

void Connection::dispatch() {
  keepAlive_ = parser_->keep_alive();
  http10_ = parser_->version() == 10;
  state_ = State::kHandling;
  deadline_ = Clock::time_point::max();  // handlers bound their own work

  const Router::Lookup found =
      shared_.router.find(request_.method, request_.path, &request_.params);
  if (found.match == Router::Match::kNoPath) {
    writeResponse(jsonError(404, "no endpoint at this path"));
    return;
  }
  logPath_ = found.path;
  if (found.match == Router::Match::kNoMethod) {
    Response r =
        jsonError(405, "method " + request_.method + " is not allowed here; use " + *found.allow);
    r.headers.emplace_back("Allow", *found.allow);
    writeResponse(std::move(r));
    return;
  }
  const Router::Route* route = found.route;
  if (route->lane == Lane::kIoThread) {
    if (route->stream) {
      startStream(runStreamHandler(*route), /*logged=*/false);
    } else {
      writeResponse(runHandler(*route));
    }
    return;
  }
  const bool slow = route->lane == Lane::kSlow;
  if (slow && shared_.slowRequests.fetch_add(1) >= shared_.options.maxSlowRequests) {
    shared_.slowRequests.fetch_sub(1);
    Response busy = jsonError(503, "busy; retry later");
    busy.headers.emplace_back("Retry-After", "1");
    writeResponse(std::move(busy));
    return;
  }
  // Blocking work leaves the io thread (DESIGN §2). The worker reads request_ and the fields
  // logAccess() reads; nothing changes them until writeResponse() runs back on our executor.
  metrics::workerQueueDepth().with().add();
  asio::thread_pool& pool = slow ? shared_.slowWorkers : shared_.workers;
  asio::post(pool, [self = shared_from_this(), route, slow]() mutable {
    metrics::workerQueueDepth().with().sub();
    if (route->stream) {
      StreamReply reply = self->runStreamHandler(*route);
      if (slow) self->shared_.slowRequests.fetch_sub(1);
      auto ex = self->socket_.get_executor();
      asio::post(ex, [self = std::move(self), reply = std::move(reply)]() mutable {
        self->startStream(std::move(reply), /*logged=*/false);
      });
      return;
    }
    Response response = self->runHandler(*route);
    if (slow) self->shared_.slowRequests.fetch_sub(1);
    // Logging here keeps its formatting cost off the io thread, the server's serial part.
    self->logAccess(response);
    auto ex = self->socket_.get_executor();
    asio::post(ex, [self = std::move(self), response = std::move(response)]() mutable {
      self->writeResponse(std::move(response), /*logged=*/true);
    });
  });
}

Response Connection::runHandler(const Router::Route& route) {
  try {
    return route.handler(request_);
  } catch (const std::exception& e) {
    spdlog::error("event=http_handler_exception path={} what=\"{}\"", route.path, e.what());
  } catch (...) {
    spdlog::error("event=http_handler_exception path={} what=unknown", route.path);
  }
  return jsonError(500, "internal error");
}

StreamReply Connection::runStreamHandler(const Router::Route& route) {
  try {
    return route.stream(request_);
  } catch (const std::exception& e) {
    spdlog::error("event=http_handler_exception path={} what=\"{}\"", route.path, e.what());
  } catch (...) {
    spdlog::error("event=http_handler_exception path={} what=unknown", route.path);
  }
  return StreamReply{jsonError(500, "internal error"), {}};
}

void Connection::startStream(StreamReply reply, bool logged) {
  if (state_ == State::kClosed) return;
  if (!reply.onOpen || request_.method == "HEAD") {
    writeResponse(std::move(reply.response), logged);
    return;
  }
  if (stopRequested_ || shared_.stopping.load(std::memory_order_relaxed)) {
    writeResponse(jsonError(503, "the server is stopping"), logged);
    return;
  }
  if (shared_.streams.fetch_add(1) >= shared_.options.maxStreams) {
    shared_.streams.fetch_sub(1);
    Response busy = jsonError(503, "too many open streams; retry later");
    busy.headers.emplace_back("Retry-After", "5");
    writeResponse(std::move(busy), logged);
    return;
  }
  if (!logged) logAccess(reply.response);
  const bool chunked = !http10_;
  serializeStreamHead(reply.response, chunked, out_);
  appendStreamChunk(out_, reply.response.body, chunked);
  stream_ = std::make_shared<ConnectionStream>(weak_from_this(), socket_.get_executor(), chunked,
                                               shared_.options.maxStreamQueueBytes);
  state_ = State::kStreaming;
  keepAlive_ = false;
  streamWriting_ = true;
  setDeadline(shared_.options.writeTimeout);
  asio::async_write(
      socket_, asio::buffer(out_),
      [self = shared_from_this()](const error_code& ec, size_t) { self->onStreamWrite(ec); });
  reply.onOpen(stream_);
  discardInput();
}

void Connection::flushStream() {
  if (state_ != State::kStreaming || streamWriting_) return;  // onStreamWrite flushes again
  out_.clear();
  const bool end = stream_->take(out_);
  if (end) {
    if (!http10_) out_.append(kLastChunk);
    streamEnding_ = true;
  }
  if (out_.empty()) {
    if (end) close();  // HTTP/1.0: the close ends the body
    return;
  }
  streamWriting_ = true;
  setDeadline(shared_.options.writeTimeout);
  asio::async_write(
      socket_, asio::buffer(out_),
      [self = shared_from_this()](const error_code& ec, size_t) { self->onStreamWrite(ec); });
}

void Connection::onStreamWrite(const error_code& ec) {
  streamWriting_ = false;
  if (state_ != State::kStreaming) return;
  if (ec || streamEnding_) {
    close();
    return;
  }
  deadline_ = Clock::time_point::max();  // no idle timeout on a stream, only the write timeout
  flushStream();
}

void Connection::abortStream() {
  if (state_ != State::kStreaming) return;
  spdlog::warn("event=http_stream_overflow path={} error=\"the client does not read its stream\"",
               logPath_ != nullptr ? std::string_view(*logPath_) : std::string_view("-"));
  close();
}

void Connection::discardInput() {
  // A streaming client sends nothing more; reading tells us at once when it goes away.
  buffer_.clear();
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](const error_code& ec, size_t) {
                            if (self->state_ != State::kStreaming) return;
                            if (ec) {
                              self->close();
                              return;
                            }
                            self->discardInput();
                          });
}

void Connection::writeResponse(Response response, bool logged) {
  if (state_ == State::kClosed) return;
  const bool keepAlive = keepAlive_ && !stopRequested_ &&
                         !shared_.stopping.load(std::memory_order_relaxed) && !lingerAfterWrite_;
  if (!logged) logAccess(response);
  serializeResponse(response, keepAlive, http10_, out_, request_.method == "HEAD");
  state_ = State::kWriting;
  setDeadline(shared_.options.writeTimeout);
  // The write is posted, not started here: it then runs after the other handlers already ready
  // on this io thread (the rest of the requests one epoll_wait returned), so the responses of a
  // batch go out back to back and the client is woken once for them rather than once per
  // response. That wake-up (an inter-processor interrupt, costly in a VM) was the largest item
  // in the profile: lookup-caller inline on one io thread took 16.3 µs of CPU per request
  // sending at once and 11.7–13.8 posting (docs/PERFORMANCE.md, 2026-12-05).
  asio::post(socket_.get_executor(), [self = shared_from_this(), keepAlive] {
    if (self->state_ != State::kWriting) return;  // closed meanwhile (timeout, server stop)
    asio::async_write(
        self->socket_, asio::buffer(self->out_),
        [self, keepAlive](const error_code& ec, size_t) { self->onWrite(ec, keepAlive); });
  });
}

void Connection::onWrite(const error_code& ec, bool keepAlive) {
  if (state_ == State::kClosed) return;
  if (ec) {
    close();
  } else if (keepAlive) {
    beginNextRequest();
  } else if (lingerAfterWrite_) {
    linger();
  } else {
    close();
  }
}

void Connection::fail(int status, std::string_view message) {
  // The rest of the request is unread, so the connection cannot be reused.
  keepAlive_ = false;
  lingerAfterWrite_ = true;
  writeResponse(jsonError(status, message));
}

void Connection::linger() {
  error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  state_ = State::kLingering;
  deadline_ = Clock::now() + kLingerTime;
  ++timerGeneration_;  // the linger deadline is sooner than the armed expiry: re-arm now
  timer_.expires_at(deadline_);
  timer_.async_wait([self = shared_from_this(), gen = timerGeneration_](const error_code& e) {
    if (gen == self->timerGeneration_) self->onTimer(e);
  });
  buffer_.clear();
  drain();
}

void Connection::drain() {
  socket_.async_read_some(
      buffer_.prepare(kReadChunk), [self = shared_from_this()](const error_code& ec, size_t n) {
        self->lingered_ += n;
        self->buffer_.clear();
        if (ec || self->state_ == State::kClosed || self->lingered_ > kLingerMaxBytes) {
          self->close();
          return;
        }
        self->drain();
      });
}

void Connection::close() {
  if (state_ == State::kClosed) return;
  if (state_ == State::kStreaming) {
    stream_->detach();
    shared_.streams.fetch_sub(1);
  }
  state_ = State::kClosed;
  error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
}

void Connection::setDeadline(Clock::duration d) { deadline_ = Clock::now() + d; }

// One timer per connection, armed lazily: per request we only move deadline_, and the timer,
// when it fires, either acts or re-arms for the remaining time. The armed expiry never exceeds
// now + the shortest timeout, and every deadline we set is at least that far away, so a
// timeout is detected on time without a timer operation per request.
void Connection::armTimer() {
  if (state_ == State::kClosed) return;
  const auto& o = shared_.options;
  const Clock::duration step =
      std::min({Clock::duration(o.idleTimeout), Clock::duration(o.requestTimeout),
                Clock::duration(o.writeTimeout)});
  const Clock::time_point now = Clock::now();
  const Clock::time_point next = deadline_ - now < step ? deadline_ : now + step;
  timer_.expires_at(next);
  timer_.async_wait([self = shared_from_this(), gen = ++timerGeneration_](const error_code& e) {
    if (gen == self->timerGeneration_) self->onTimer(e);
  });
}

void Connection::onTimer(const error_code& ec) {
  if (ec || state_ == State::kClosed) return;
  if (deadline_ == Clock::time_point::max() || Clock::now() < deadline_) {
    armTimer();
    return;
  }
  switch (state_) {
    case State::kReading:
      // Cancel the pending read; its handler answers 408.
      timedOut_ = true;
      {
        error_code ignored;
        socket_.cancel(ignored);
      }
      break;
    case State::kIdle:
    case State::kWriting:
    case State::kLingering:
    case State::kHandling:
    case State::kStreaming:  // a write did not finish within the write timeout
    case State::kClosed:
      close();
      break;
  }
}

void Connection::logAccess(const Response& response) const {
  // Called once per response, so the request's metrics are counted here too (by route pattern,
  // never the raw target); a handful of relaxed atomic adds.
  const auto elapsed = Clock::now() - requestStart_;
  metrics::recordHttpRequest(logPath_, response.status,
                             std::chrono::duration<double>(elapsed).count());
  if (!shared_.options.accessLog) return;
  spdlog::logger* logger = spdlog::default_logger_raw();
  if (logger == nullptr || !logger->should_log(spdlog::level::info)) return;
  const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  // The path is logged only when it matched a route (so it is one of ours): an unknown target
  // could carry anything, including a secret the caller pasted.
  const std::string_view method = request_.method.empty()
                                      ? std::string_view("-")
                                      : std::string_view(request_.method).substr(0, 16);
  logger->info("event=http method={} path={} status={} latency_us={} bytes={}{}{}", method,
               logPath_ != nullptr ? std::string_view(*logPath_) : std::string_view("-"),
               response.status, latency, response.body.size(),
               response.logFields.empty() ? "" : " ", response.logFields);
}

}  // namespace callgate::http
