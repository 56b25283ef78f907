#include "adapters/net/http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <thread>
#include <vector>

#include "adapters/net/http/connection.h"

namespace callgate::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Member order is destruction order reversed, and it matters: connections still referenced by
// queued handlers die while io_context is destroyed, and they need `shared` and `router` alive;
// sockets and the worker pool must go before the io_context they belong to.
struct Server::Impl {
  Impl(ServerOptions o, Router r)
      : options(std::move(o)),
        router(std::move(r)),
        shared(options, router, workers, slowWorkers),
        iocs(makeContexts(options.ioThreads)),
        workers(static_cast<size_t>(std::max(1, options.workerThreads))),
        slowWorkers(static_cast<size_t>(std::max(1, options.slowThreads))),
        acceptor(iocs.front()->get_executor()),
        acceptRetry(acceptor.get_executor()) {}

  ServerOptions options;
  Router router;
  ServerShared shared;  // binds references to the pools, used only once threads run
  // One io_context per io thread, each run by its own thread. A connection lives on one of them
  // (round robin at accept) for its whole life, so its handlers are serialised without a strand
  // and the io threads never share a scheduler lock or wake each other. Measured with 2 io
  // threads, lookup-caller answered inline (wrk -c50): one shared io_context with strands
  // 47–50k req/s, one context per thread 81–87k (docs/PERFORMANCE.md, 2026-12-05).
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  size_t nextContext = 0;  // touched by the acceptor's handler only
  asio::thread_pool workers;
  asio::thread_pool slowWorkers;
  // The acceptor, its retry timer and stop()'s close all run on the first io thread's context,
  // so an accept completion and the close never touch the acceptor at once.
  tcp::acceptor acceptor;
  asio::steady_timer acceptRetry;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> ioThreads;
  bool started = false;
  bool stopped = false;

  static std::vector<std::unique_ptr<asio::io_context>> makeContexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < std::max(1, threads); ++i) {
      out.push_back(std::make_unique<asio::io_context>(1));  // 1: run by one thread
    }
    return out;
  }

  asio::any_io_executor connectionExecutor() {
    asio::io_context& ioc = *iocs[nextContext];
    nextContext = (nextContext + 1) % iocs.size();
    return ioc.get_executor();
  }

  void doAccept() {
    acceptor.async_accept(connectionExecutor(),
                          [this](const boost::system::error_code& ec, tcp::socket socket) {
                            onAccept(ec, std::move(socket));
                          });
  }

  void onAccept(const boost::system::error_code& ec, tcp::socket socket) {
    if (!acceptor.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {
      // EMFILE and friends: back off briefly instead of spinning on the failing accept.
      spdlog::warn("event=http_accept_error error=\"{}\"", ec.message());
      acceptRetry.expires_after(std::chrono::milliseconds(50));
      acceptRetry.async_wait([this](const boost::system::error_code& e) {
        if (!e && acceptor.is_open()) doAccept();
      });
      return;
    }
    boost::system::error_code ignored;
    const auto remote = socket.remote_endpoint(ignored);
    const std::string address = ignored ? std::string() : remote.address().to_string();
    if (shared.connections.load(std::memory_order_relaxed) >= options.maxConnections) {
      refuse(socket, "total", options.maxConnections, address);
    } else if (!address.empty() && !shared.perAddress.tryAdd(address)) {
      refuse(socket, "per_address", options.maxConnectionsPerAddress, address);
    } else {
      socket.set_option(tcp::no_delay(true), ignored);  // small responses must not wait (Nagle)
      std::make_shared<Connection>(shared, std::move(socket), address)->start();
    }
    doAccept();
  }

  // Closes a connection over a limit. The warning is throttled (one line per 10 s with the
  // number refused meanwhile): a flood of refusals must not become a flood of log lines.
  void refuse(tcp::socket& socket, const char* limit, size_t max, const std::string& address) {
    boost::system::error_code ignored;
    socket.close(ignored);
    if (const size_t n = shared.refusals.count(std::chrono::steady_clock::now()); n > 0) {
      spdlog::warn("event=http_connection_limit limit={} max={} refused={} last_from={}", limit,
                   max, n, address.empty() ? "-" : address);
    }
  }

  void runIo(asio::io_context& ioc) {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("event=http_io_exception what=\"{}\"", e.what());
      }
    }
  }

  // Polls `done` every few milliseconds until it holds or `limit` passes; stop() is rare.
  template <typename Pred>
  static bool waitFor(Pred done, std::chrono::steady_clock::duration limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  template <typename Fn>
  void forEachConnection(Fn fn) {
    std::vector<std::shared_ptr<Connection>> conns;
    {
      std::lock_guard lock(shared.mu);
      conns.reserve(shared.live.size());
      for (auto& [ptr, weak] : shared.live) {
        if (auto c = weak.lock()) conns.push_back(std::move(c));
      }
    }
    for (auto& c : conns) {
      auto ex = c->executor();
      asio::post(ex, [c = std::move(c), fn] { fn(*c); });
    }
  }
};

Server::Server(ServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Server::~Server() { stop(); }

Result<uint16_t> Server::start() {
  Impl& m = *impl_;
  if (m.started) return Error::failedPrecondition("HTTP server already started");
  boost::system::error_code ec;
  const std::string host = m.options.host == "localhost" ? "127.0.0.1" : m.options.host;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Error::invalidArgument("invalid HTTP listen address '" + m.options.host + "'");
  const tcp::endpoint endpoint(address, m.options.port);
  const std::string where = m.options.host + ":" + std::to_string(m.options.port);
  m.acceptor.open(endpoint.protocol(), ec);
  if (!ec) m.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(endpoint, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    m.acceptor.close(ignored);
    return Error::unavailable("cannot listen on " + where + ": " + ec.message());
  }
  const uint16_t port = m.acceptor.local_endpoint(ec).port();
  m.started = true;
  for (auto& ioc : m.iocs) m.guards.emplace_back(ioc->get_executor());
  m.doAccept();
  for (auto& ioc : m.iocs) m.ioThreads.emplace_back([&m, c = ioc.get()] { m.runIo(*c); });
  return port;
}

void Server::stop() {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  m.shared.stopping.store(true);
  asio::post(m.acceptor.get_executor(), [&m] {
    boost::system::error_code ignored;
    m.acceptor.close(ignored);
    m.acceptRetry.cancel();
  });
  m.forEachConnection([](Connection& c) { c.onServerStop(); });
  auto allClosed = [&m] { return m.shared.connections.load() == 0; };
  if (!Impl::waitFor(allClosed, m.options.shutdownTimeout)) {
    spdlog::warn("event=http_stop_timeout open_connections={}", m.shared.connections.load());
    m.forEachConnection([](Connection& c) { c.forceClose(); });
  }
  // Handlers still running finish here; their responses go to closed connections.
  m.workers.join();
  m.slowWorkers.join();
  (void)Impl::waitFor(allClosed, std::chrono::seconds(1));
  m.guards.clear();
  for (auto& ioc : m.iocs) ioc->stop();
  for (auto& t : m.ioThreads) t.join();
  m.ioThreads.clear();
}

size_t Server::connectionCount() const { return impl_->shared.connections.load(); }

size_t Server::streamCount() const { return impl_->shared.streams.load(); }

}  // namespace callgate::http
