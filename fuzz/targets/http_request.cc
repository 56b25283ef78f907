// Fuzz target: raw bytes on an HTTP connection (adapters/net/http): RequestParser fed the way
// Connection::parse() feeds it, from a flat buffer that grows as reads arrive, a new parser for
// each pipelined request. The first input byte picks the read size (1..256 bytes per read), so
// requests split at every boundary are explored too.
#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include "adapters/net/http/request_parser.h"
#include "adapters/net/http/router.h"

namespace beasthttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = static_cast<size_t>(data[0]) + 1;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  constexpr size_t kMaxBody = 64 * 1024;  // small limits, so the limit paths are reached
  constexpr uint32_t kMaxHeader = 8 * 1024;
  callgate::http::Request request;
  std::optional<callgate::http::RequestParser> parser;
  parser.emplace(request, kMaxBody, kMaxHeader);
  boost::beast::flat_buffer buffer;
  for (int requests = 0; requests < 16;) {
    bool readMore = buffer.size() == 0;
    if (!readMore) {
      boost::beast::error_code ec;
      const size_t used = parser->put(buffer.data(), ec);
      if (used > buffer.size()) std::abort();
      buffer.consume(used);
      if (ec == beasthttp::error::need_more) {
        readMore = true;
      } else if (ec) {
        break;  // the connection answers 4xx/5xx and closes
      } else if (parser->is_done()) {
        // What the router and a handler read.
        (void)parser->keep_alive();
        (void)parser->version();
        (void)request.header("host");
        (void)request.header("content-type");
        if (request.body.size() > kMaxBody) std::abort();
        ++requests;
        request.clear();
        parser.emplace(request, kMaxBody, kMaxHeader);
      } else if (used == 0) {
        readMore = true;
      }
    }
    if (readMore) {
      if (input.empty()) break;  // the peer closed
      const size_t n = std::min(chunk, input.size());
      auto space = buffer.prepare(n);
      std::memcpy(space.data(), input.data(), n);
      buffer.commit(n);
      input.remove_prefix(n);
    }
  }
  return 0;
}
