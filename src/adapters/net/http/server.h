// A small asynchronous HTTP/1.1 server (Boost.Beast parser, Asio sockets) for callgate's
// endpoints: keep-alive, one request at a time per connection (pipelined requests wait in the
// read buffer), idle/request/write timeouts, body and header limits answered with 413/431 and a
// JSON error, malformed requests answered 400 and closed.
//
// Threads (DESIGN §2): `ioThreads` each run an io_context of their own and never wait on the
// network or a lock held across I/O. Routes added with Lane::kWorker run on a fixed pool of
// `workerThreads` (blocking work: PostgreSQL, outbound HTTP), routes added with Lane::kSlow on a
// pool of `slowThreads` of their own (argon2id), Lane::kIoThread routes inline on the io thread
// (bounded in-process work only, e.g. a point read from the embedded store: docs/ARCHITECTURE.md
// "Threads"). A connection is given to one io thread at accept and stays there, so its socket
// work is serialised without a strand, and the response is written back there. A streaming route's
// sink (stream.h) may be written from any thread; its chunks are written out on the connection's
// executor too. The Server owns its threads; start() and stop() must be called from a thread that
// is not one of them (e.g. main). The Router is moved in and read-only afterwards.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/net/http/router.h"
#include "common/result.h"

namespace callgate::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = an ephemeral port, reported by start()
  int ioThreads = 1;
  int workerThreads = 2;
  // Lane::kSlow: its threads, and how many of its requests may be queued or running at once;
  // beyond that a request is answered 503 with Retry-After at once (queueing it would only make
  // its caller wait past its own time limit). One thread on a 2-core machine: 16 concurrent
  // argon2id checks on the shared workers took lookup-caller from 1 ms to ~380 ms.
  int slowThreads = 1;
  size_t maxSlowRequests = 16;
  size_t maxBodyBytes = 64 * 1024;          // larger bodies get 413 without being read into memory
  size_t maxHeaderBytes = 8 * 1024;         // request line + headers; larger gets 431
  std::chrono::seconds idleTimeout{30};     // keep-alive wait for the next request
  std::chrono::seconds requestTimeout{10};  // from a request's first byte to its last
  std::chrono::seconds writeTimeout{10};    // to write a response
  std::chrono::seconds shutdownTimeout{5};  // stop() waits this long for in-flight requests
  size_t maxConnections = 10000;            // beyond it new connections are closed at once
  // Open connections one peer address may hold; beyond it its new connections are closed at once
  // (one address must not shut everyone out). 0 = no cap. Behind a reverse proxy every
  // connection comes from the proxy's address: raise it there.
  size_t maxConnectionsPerAddress = 256;
  bool accessLog = true;  // one logfmt line per request at info level
  // Streaming responses (stream.h): how many may be open at once (beyond it: 503), and how many
  // bytes one may have waiting to be sent before its client counts as not reading and is
  // disconnected.
  size_t maxStreams = 1000;
  size_t maxStreamQueueBytes = 256 * 1024;
};

class Server {
 public:
  Server(ServerOptions options, Router router);
  ~Server();  // stops the server if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, then starts the threads. Returns the bound port (useful with port 0),
  // or kUnavailable if the address cannot be bound, kInvalidArgument for a bad host.
  Result<uint16_t> start();

  // Graceful: stops accepting, closes idle connections, lets in-flight requests finish and
  // answer with "Connection: close" (up to shutdownTimeout), then joins all threads. Idempotent.
  void stop();

  // Connections open right now (for tests and metrics). Thread-safe.
  size_t connectionCount() const;
  // Streams (stream.h) open right now. Thread-safe.
  size_t streamCount() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace callgate::http
