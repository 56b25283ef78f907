#include "adapters/net/http/response_writer.h"

#include <charconv>

namespace callgate::http {

namespace {

bool safeHeaderText(std::string_view s) {
  return s.find_first_of("\r\n") == std::string_view::npos;
}

void appendInt(std::string& out, size_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

namespace {

void appendStatusLine(std::string& out, int status) {
  out.append("HTTP/1.1 ");
  appendInt(out, static_cast<size_t>(status));
  out.push_back(' ');
  out.append(reasonPhrase(status));
  out.append("\r\nServer: callgate\r\n");
}

void appendContentType(std::string& out, const Response& response) {
  if (response.contentType.empty()) return;
  out.append("Content-Type: ");
  out.append(safeHeaderText(response.contentType) ? std::string_view(response.contentType)
                                                  : std::string_view("application/octet-stream"));
  out.append("\r\n");
}

void appendHeaders(std::string& out, const Response& response) {
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !safeHeaderText(name) || !safeHeaderText(value)) continue;
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
}

}  // namespace

void serializeStreamHead(const Response& response, bool chunked, std::string& out) {
  int status = response.status;
  if (status < 200 || status > 999 || status == 204 || status == 304) status = 500;
  out.clear();
  appendStatusLine(out, status);
  appendContentType(out, response);
  if (chunked) out.append("Transfer-Encoding: chunked\r\n");
  appendHeaders(out, response);
  out.append("Connection: close\r\n\r\n");
}

void serializeResponse(const Response& response, bool keepAlive, bool http10, std::string& out,
                       bool headRequest) {
  int status = response.status;
  if (status < 100 || status > 999) status = 500;
  out.clear();
  appendStatusLine(out, status);
  const bool hasBody = !(status == 204 || status == 304 || status < 200);
  if (hasBody) {
    appendContentType(out, response);
    out.append("Content-Length: ");
    appendInt(out, response.body.size());
    out.append("\r\n");
  }
  appendHeaders(out, response);
  if (!keepAlive) {
    out.append("Connection: close\r\n");
  } else if (http10) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  if (hasBody && !headRequest) out.append(response.body);
}

}  // namespace callgate::http
