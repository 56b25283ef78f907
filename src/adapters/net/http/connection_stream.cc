#include "adapters/net/http/connection_stream.h"

#include <boost/asio/post.hpp>
#include <charconv>

#include "adapters/net/http/connection.h"

namespace callgate::http {

ConnectionStream::ConnectionStream(std::weak_ptr<Connection> connection,
                                   boost::asio::any_io_executor executor, bool chunked,
                                   size_t maxQueuedBytes)
    : connection_(std::move(connection)),
      executor_(std::move(executor)),
      chunked_(chunked),
      maxQueuedBytes_(maxQueuedBytes) {}

void appendStreamChunk(std::string& out, std::string_view data, bool chunked) {
  if (data.empty()) return;  // an empty chunk would end the chunked body
  if (!chunked) {
    out.append(data);
    return;
  }
  char size[20];
  auto [end, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
  out.append(size, end);
  out.append("\r\n");
  out.append(data);
  out.append("\r\n");
}

void ConnectionStream::postLocked(void (Connection::*fn)()) {
  // Posting never runs the handler inline, so holding mu_ here cannot deadlock with take().
  boost::asio::post(executor_, [weak = connection_, fn] {
    if (auto c = weak.lock()) ((*c).*fn)();
  });
}

bool ConnectionStream::write(std::string_view chunk) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  if (chunk.empty()) return true;
  if (queued_.size() + chunk.size() + 32 > maxQueuedBytes_) {
    // The client is not reading what we send: disconnect it rather than buffer without bound.
    closed_ = true;
    postLocked(&Connection::abortStream);
    return false;
  }
  appendStreamChunk(queued_, chunk, chunked_);
  if (!flushPosted_) {
    flushPosted_ = true;
    postLocked(&Connection::flushStream);
  }
  return true;
}

void ConnectionStream::close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  endRequested_ = true;
  if (!flushPosted_) {
    flushPosted_ = true;
    postLocked(&Connection::flushStream);
  }
}

bool ConnectionStream::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

bool ConnectionStream::take(std::string& out) {
  std::lock_guard lock(mu_);
  flushPosted_ = false;
  out.append(queued_);
  queued_.clear();
  return endRequested_;
}

void ConnectionStream::detach() {
  std::lock_guard lock(mu_);
  closed_ = true;
  queued_.clear();
  queued_.shrink_to_fit();
}

}  // namespace callgate::http
