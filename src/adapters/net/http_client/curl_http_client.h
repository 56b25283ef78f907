// CurlHttpClient: the production HttpClient, one libcurl easy handle per request.
//
// - Timeouts: connectTimeout for the TCP/TLS handshake, requestTimeout for the whole attempt
//   (a request's own `timeout`, when set, wins); CURLOPT_NOSIGNAL so timeouts are safe in
//   threads.
// - Redirects are never followed (a 3xx comes back as a response); only http and https.
// - Bodies larger than maxResponseBytes abort the transfer with kResourceExhausted, so a broken
//   or hostile provider cannot make us buffer without bound.
// - TLS peer and host verification stay on (libcurl's defaults): the system CA store, or
//   caFile when set (a company's own CA, e.g. for an in-house identity provider).
//
// Blocking: see http_client.h; never call it from an Asio io thread. Thread-safe: handles are
// not shared between calls, and libcurl's global init runs once, in the first constructor.
#pragma once

#include <cstddef>
#include <string>

#include "adapters/net/http_client/http_client.h"

namespace callgate {

struct CurlHttpClientOptions {
  Millis connectTimeout{2000};
  Millis requestTimeout{5000};
  size_t maxResponseBytes = 64 * 1024;
  std::string userAgent = "callgate";
  std::string caFile;  // PEM bundle of trusted CAs; "" = the system store
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options = {});
  Result<HttpClientResponse> send(const HttpClientRequest& request) override;

 private:
  const CurlHttpClientOptions options_;
};

}  // namespace callgate
