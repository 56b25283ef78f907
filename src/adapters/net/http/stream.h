// Streaming responses (Server-Sent Events and the like): a route added with Router::addStream
// whose handler, instead of one complete body, gets a sink it may write chunks to later, from any
// thread, until it or the client closes it.
//
// The server sends the handler's status line and headers without a Content-Length (chunked
// transfer coding to HTTP/1.1 clients; raw bytes and a close to HTTP/1.0 ones), then the
// response's body as the first chunk, then every chunk as written, in order, serialised on the
// connection's strand. While streaming there is no idle or request timeout, but every write must
// finish within the write timeout; a client that stops reading, so that more than
// ServerOptions::maxStreamQueueBytes wait to be sent, is disconnected rather than buffered for
// (memory stays bounded). A stream ends when the handler closes the sink, the client goes away,
// or the server stops (promptly: stop() does not wait for streams). The server caps how many
// streams are open at once (ServerOptions::maxStreams; beyond it the request gets 503).
#pragma once

#include <string_view>

namespace callgate::http {

// Where a streaming handler writes. Thread-safe: any thread may write or close, at any time.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues `chunk` (empty chunks are ignored). False once the stream is closed, by anyone, for
  // any reason: the writer should then drop the sink. A write that would queue more than the
  // bound closes the stream and returns false.
  virtual bool write(std::string_view chunk) = 0;
  // Ends the stream after what is queued has been sent. Idempotent.
  virtual void close() = 0;
  virtual bool closed() const = 0;
};

}  // namespace callgate::http
