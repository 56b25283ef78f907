// The StreamSink (stream.h) of one streaming response: writers on any thread queue bytes here,
// already framed for the wire (a chunk of the chunked coding, or raw for HTTP/1.0); the
// connection takes them on its executor and writes them out. Internal to the http adapter.
//
// Thread-safe: a mutex guards the queue and the flags. The sink holds its connection weakly and
// posts to it only while the stream is open, so a writer that outlives the connection (or the
// server) just gets false back.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "adapters/net/http/stream.h"

namespace callgate::http {

class Connection;

class ConnectionStream final : public StreamSink {
 public:
  ConnectionStream(std::weak_ptr<Connection> connection, boost::asio::any_io_executor executor,
                   bool chunked, size_t maxQueuedBytes);

  bool write(std::string_view chunk) override;
  void close() override;
  bool closed() const override;

  // The connection's side, on its executor. take() moves every queued byte to the end of `out`
  // and says whether the writers asked to end the stream (and nothing is left after these).
  bool take(std::string& out);
  // The connection is gone: later writes fail without posting.
  void detach();

 private:
  void postLocked(void (Connection::*fn)());

  const std::weak_ptr<Connection> connection_;
  const boost::asio::any_io_executor executor_;
  const bool chunked_;
  const size_t maxQueuedBytes_;
  mutable std::mutex mu_;
  std::string queued_;
  bool closed_ = false;        // no more writes accepted (closed by a writer, or detached)
  bool endRequested_ = false;  // a writer closed it: end after what is queued
  bool flushPosted_ = false;   // a flushStream() is posted and has not taken the queue yet
};

// Appends `data` framed for the wire: "<hex size>\r\n<data>\r\n" when chunked, else as is.
void appendStreamChunk(std::string& out, std::string_view data, bool chunked);
// The chunked coding's last chunk, which ends the response.
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace callgate::http
