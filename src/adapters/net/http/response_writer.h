// Serialises a Response into wire bytes. Written by hand rather than with Beast's serializer
// because the response is always a small complete body: one append into a reused buffer is the
// cheapest way to produce it. Internal to the http adapter; pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "adapters/net/http/router.h"

namespace callgate::http {

// "OK", "Not Found", ...; "Unknown" for codes we do not name.
std::string_view reasonPhrase(int status);

// Replaces `out` with the status line, headers (Server, Content-Type, Content-Length, the
// response's own headers, and Connection when needed) and body. `http10` selects how
// keep-alive is signalled; `headRequest` omits the body but keeps its Content-Length
// (RFC 9110 §9.3.2). Header names or values containing CR or LF are dropped: a handler must
// never be able to split the response.
void serializeResponse(const Response& response, bool keepAlive, bool http10, std::string& out,
                       bool headRequest = false);

// Replaces `out` with the head of a streaming response (stream.h): status line, Server,
// Content-Type, "Transfer-Encoding: chunked" when `chunked` (never a Content-Length), the
// response's own headers (CR/LF-bearing ones dropped, as above) and "Connection: close" (the
// connection ends with the stream). The body is not included.
void serializeStreamHead(const Response& response, bool chunked, std::string& out);

}  // namespace callgate::http
