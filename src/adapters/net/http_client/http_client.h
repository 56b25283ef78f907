// The outbound HTTP port used by the SMS provider adapters, and a small URL splitter.
//
// HttpClient::send() is BLOCKING: it holds the calling thread for up to the request's timeout
// (and RetryingHttpClient for up to its whole retry budget). Call it only from the HTTP server's
// worker pool or a CLI thread, never from an Asio io thread (DESIGN §2): every caller today is
// send-otp, which the server runs on its worker pool (Connect routes are registered blocking).
//
// Error convention of send(), which the retry policy relies on: a transport failure that may
// succeed on another attempt (refused or reset connection, DNS failure, timeout) is
// kUnavailable; a request that can never work (malformed URL, unsupported scheme) is
// kInvalidArgument; a response over the size cap is kResourceExhausted. Any HTTP status,
// 4xx and 5xx included, is a successful send() returning that status. Error messages name the
// host at most, never the URL's path or query (which may carry credentials) or the body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

// What the transport saw over every attempt of one request (a RetryingHttpClient makes several),
// for a caller that must know whether a failed request may still have reached the server and
// been acted on: SMS failover sends a text through a second provider only when the first
// certainly did not take it. `attempts` counts attempts made; `mayHaveReached` those that ended
// in a transport error after the request may have been sent (a response timeout, a reset, a
// connection closed without an answer) or in a 504 (a gateway gave up waiting on a server that
// may have acted). A refused connection, a DNS failure, a TLS handshake failure or a timeout
// before the request started does not count. A transport that does not fill it leaves
// attempts at 0, which callers must read as "unknown". Written by the one thread running send().
struct HttpSendTrace {
  int attempts = 0;
  int mayHaveReached = 0;
};

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL, query included
  // Sent as given, in order. A "Host" entry replaces the one derived from the URL.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Total time for this one attempt (connect + send + receive); zero = the client's default.
  Millis timeout{0};
  // Optional: filled in by the transport for every attempt (see HttpSendTrace); borrowed.
  HttpSendTrace* trace = nullptr;
};

struct HttpClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;

  // The first header named `lowerName`, or nullopt.
  std::optional<std::string> header(std::string_view lowerName) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // One request and its response (no redirects followed). Thread-safe in every implementation.
  virtual Result<HttpClientResponse> send(const HttpClientRequest& request) = 0;
};

// The parts of an absolute URL that request signing and logging need.
struct UrlParts {
  std::string scheme;       // lower-case, "http" or "https"
  std::string host;         // as written (brackets kept for IPv6 literals)
  std::optional<int> port;  // only when the URL states one
  std::string path;         // "/" when the URL has none; not decoded
  std::string query;        // after '?', without it; not decoded

  // "host" or "host:port" when the port is explicit and not the scheme's default: what an HTTP
  // client sends as the Host header, and so what SigV4 must sign.
  std::string hostHeader() const;
};

// kInvalidArgument unless `url` is http(s)://host[:port][/path][?query] (no user-info, no
// fragment).
Result<UrlParts> splitUrl(std::string_view url);

}  // namespace callgate
