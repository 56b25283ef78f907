#include "adapters/net/http_client/curl_http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace callgate {

namespace {

void globalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Not thread-safe in itself, hence call_once; the handles' own use is per thread.
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      std::fprintf(stderr, "callgate: libcurl global initialisation failed\n");
      std::abort();
    }
  });
}

struct Transfer {
  HttpClientResponse response;
  size_t maxBytes = 0;
  bool overflow = false;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->response.body.size() + n > t->maxBytes) {
    t->overflow = true;
    return 0;  // aborts with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) {
    --e;
  }
  return std::string(s.substr(b, e - b));
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (e.g. after "100 Continue") starts afresh
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->response.headers.emplace_back(std::move(name), trim(line.substr(colon + 1)));
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

Error transportError(CURLcode code, const std::string& host) {
  const std::string what = std::string(curl_easy_strerror(code)) + " (" + host + ")";
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return Error::unavailable(what);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error::invalidArgument(what);
    default:
      return Error::internal(what);
  }
}

// Whether the attempt that ended with `rc` may have reached the server (see HttpSendTrace):
// every outcome but those that provably end before the request is sent. A timeout counts as
// unsent only when the transfer never got to the pre-transfer stage (it was still connecting).
bool mayHaveReached(CURL* h, CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return false;
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t pretransfer = 0;
      curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
      return pretransfer > 0;
    }
    case CURLE_OK: {
      long status = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
      return status == 504;
    }
    default:
      return true;
  }
}

}  // namespace

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options) : options_(std::move(options)) {
  globalInitOnce();
}

Result<HttpClientResponse> CurlHttpClient::send(const HttpClientRequest& request) {
  auto url = splitUrl(request.url);
  if (!url.ok()) return url.error();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Error::internal("libcurl: cannot create a handle");
  CURL* h = curl.get();

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  bool hasContentType = false;
  for (const auto& [name, value] : request.headers) {
    const std::string line = name + ": " + value;
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    if (next == nullptr) return Error::internal("libcurl: out of memory for headers");
    headers.release();
    headers.reset(next);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    hasContentType |= lower == "content-type";
  }
  // No "Expect: 100-continue" round trip; and no default form Content-Type we did not ask for.
  for (const char* extra : {"Expect:", hasContentType ? nullptr : "Content-Type:"}) {
    if (extra == nullptr) continue;
    curl_slist* next = curl_slist_append(headers.get(), extra);
    if (next == nullptr) return Error::internal("libcurl: out of memory for headers");
    headers.release();
    headers.reset(next);
  }

  Transfer transfer;
  transfer.maxBytes = options_.maxResponseBytes;
  const long timeoutMs = static_cast<long>(
      (request.timeout.count() > 0 ? request.timeout : options_.requestTimeout).count());
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connectTimeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeoutMs);
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.userAgent.c_str());
  if (!options_.caFile.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.caFile.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  }

  const CURLcode rc = curl_easy_perform(h);
  if (request.trace != nullptr) {
    ++request.trace->attempts;
    if (mayHaveReached(h, rc)) ++request.trace->mayHaveReached;
  }
  if (transfer.overflow) {
    return Error::resourceExhausted("response from " + url->host + " is larger than " +
                                    std::to_string(options_.maxResponseBytes) + " bytes");
  }
  if (rc != CURLE_OK) return transportError(rc, url->host);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  transfer.response.status = static_cast<int>(status);
  return std::move(transfer.response);
}

}  // namespace callgate
