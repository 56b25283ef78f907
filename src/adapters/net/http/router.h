// HTTP request/response values and the Router that maps (method, exact path) to a handler.
// The Router is filled once before the Server starts and is read-only afterwards, so concurrent
// lookups from io and worker threads need no lock. Handlers must be thread-safe: several may run
// at once on different threads. A handler must not throw; if one does, the server answers 500.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "adapters/net/http/stream.h"

namespace callgate::http {

struct Request {
  std::string method;                          // as sent ("GET", "POST", ...)
  std::string path;                            // target before '?', not percent-decoded
  std::string query;                           // target after '?', without it; "" if none
  std::map<std::string, std::string> headers;  // lower-case names; repeated fields joined by ", "
  std::string body;
  std::string remote;  // "ip:port" of the peer
  // Values of a pattern route's {name} segments, in order (e.g. /l/{code} -> {"code", "..."}).
  std::vector<std::pair<std::string, std::string>> params;

  // Empties every field but keeps string capacity, so a connection can reuse one Request.
  void clear();
  // The header's value, or "" when absent. `lowerName` must be lower-case.
  const std::string& header(const std::string& lowerName) const;
  // A path parameter's value, or "" when the route has no such parameter.
  const std::string& param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  // Extra headers. Server, Content-Type, Content-Length and Connection are set by the server.
  std::vector<std::pair<std::string, std::string>> headers;
  // Extra logfmt fields for the request's access-log line ("contact=... outcome=..."); never
  // a secret or a full phone number.
  std::string logFields;
};

// Builds {"error": message} with the given status; the message is JSON-escaped.
Response jsonError(int status, std::string_view message);

using Handler = std::function<Response(const Request&)>;

// What a streaming handler (stream.h) answers. Without `onOpen` it is a plain response (a
// refusal: 401, 403, 400 ...), sent as any other. With `onOpen`, `response` gives the status,
// content type and headers of the stream and its body is the stream's first chunk; once those
// are queued, `onOpen` is called with the sink, on the connection's strand (keep it short, never
// block). If the stream cannot open (the stream cap is reached, the server is stopping, a HEAD
// request), the client gets a plain answer instead (503, or the headers alone for HEAD) and
// onOpen is never called.
struct StreamReply {
  Response response;
  std::function<void(std::shared_ptr<StreamSink>)> onOpen;
};
using StreamHandler = std::function<StreamReply(const Request&)>;

// Where a route's handler runs (DESIGN §2).
enum class Lane {
  // Inline on the io thread: fast, bounded, never waits on the network (static pages, in-memory
  // reads, a point read from the embedded SQLite store).
  kIoThread,
  kWorker,  // the worker pool: blocking work (database, outbound HTTP, signing)
  // The slow pool: CPU-heavy work (argon2id), on threads of its own with a bounded queue, so a
  // burst of it cannot occupy the workers every other request waits for (a full queue is
  // answered 503 with Retry-After).
  kSlow,
};

class Router {
 public:
  struct Route {
    std::string method;
    std::string path;
    Handler handler;
    Lane lane = Lane::kWorker;
    StreamHandler stream;  // set (and `handler` empty) for a route added with addStream()
  };

  // Registers a handler. A later add() for the same method and path replaces the earlier one.
  // A path with segments written {name} is a pattern: each such segment matches one non-empty
  // segment of the request path, whose value the handler reads with Request::param(name).
  // Exact paths are looked up first; patterns are tried in the order they were added.
  void add(std::string method, std::string path, Handler handler, Lane lane = Lane::kWorker);
  // Registers a streaming handler (stream.h), with the same rules as add().
  void addStream(std::string method, std::string path, StreamHandler handler,
                 Lane lane = Lane::kWorker);

  enum class Match { kFound, kNoPath, kNoMethod };
  struct Lookup {
    Match match = Match::kNoPath;
    const Route* route = nullptr;        // set when kFound
    const std::string* path = nullptr;   // the registered path; set unless kNoPath
    const std::string* allow = nullptr;  // "GET, POST" for the path; set unless kNoPath
  };
  // Exact match on the path, else the first matching pattern (whose values go to `params`
  // when given); the method is compared case-sensitively (RFC 9110 §9.1).
  Lookup find(std::string_view method, const std::string& path,
              std::vector<std::pair<std::string, std::string>>* params = nullptr) const;

  std::vector<std::string> paths() const;

 private:
  struct PathEntry {
    std::vector<Route> routes;  // few per path, so a linear scan beats a map
    std::string allow;
  };
  struct Pattern {
    std::string path;                   // as registered, e.g. /v1/accounts/{id}/members
    std::vector<std::string> segments;  // split on '/', "{id}" kept as is
  };
  PathEntry& entryFor(const std::string& path);
  void addRoute(Route route);
  std::unordered_map<std::string, PathEntry> paths_;
  std::vector<Pattern> patterns_;  // few, so a linear scan
};

}  // namespace callgate::http
