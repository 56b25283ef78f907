#include "adapters/net/http/request_parser.h"

#include <boost/beast/http/error.hpp>

namespace callgate::http {

namespace beasthttp = boost::beast::http;

namespace {

char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

}  // namespace

RequestParser::RequestParser(Request& out, size_t maxBodyBytes, uint32_t maxHeaderBytes)
    : out_(out), maxBodyBytes_(maxBodyBytes) {
  body_limit(static_cast<std::uint64_t>(maxBodyBytes));
  header_limit(maxHeaderBytes);
  // Parse the body in the same put() call as the header when it is already buffered, which is
  // the common case for small API requests.
  eager(true);
}

void RequestParser::on_request_impl(beasthttp::verb, string_view methodStr, string_view target,
                                    int version, error_code&) {
  version_ = version;
  out_.method.assign(methodStr.data(), methodStr.size());
  const auto q = target.find('?');
  if (q == string_view::npos) {
    out_.path.assign(target.data(), target.size());
  } else {
    out_.path.assign(target.data(), q);
    out_.query.assign(target.data() + q + 1, target.size() - q - 1);
  }
}

void RequestParser::on_field_impl(beasthttp::field, string_view nameStr, string_view value,
                                  error_code& ec) {
  std::string name(nameStr.size(), '\0');
  for (size_t i = 0; i < nameStr.size(); ++i) name[i] = lowerAscii(nameStr[i]);
  if (name == "expect" && iequals(value, "100-continue")) expectContinue_ = true;
  // Strict framing: whatever reads a request behind or in front of us must see the same one.
  if (name == "transfer-encoding" &&
      (!iequals(value, "chunked") || out_.headers.contains("transfer-encoding"))) {
    // Only "chunked", once. "gzip, chunked" would be read as chunked with the body still
    // gzipped; RFC 9112 6.1: a coding we do not understand is 501.
    unsupportedCoding_ = true;
    ec = beasthttp::error::bad_transfer_encoding;
    return;
  }
  if (name == "host" && out_.headers.contains("host")) {
    ec = beasthttp::error::bad_value;  // RFC 9112 3.2: more than one Host is 400
    return;
  }
  auto [it, inserted] = out_.headers.try_emplace(std::move(name));
  if (inserted) {
    it->second.assign(value.data(), value.size());
  } else {
    // RFC 9110 §5.3: repeated fields combine into one comma-separated list.
    it->second.append(", ");
    it->second.append(value.data(), value.size());
  }
}

void RequestParser::on_header_impl(error_code& ec) {
  // RFC 9112 §3.2: an HTTP/1.1 request without Host must be answered 400.
  if (version_ >= 11 && out_.headers.find("host") == out_.headers.end()) {
    ec = beasthttp::error::bad_value;
  }
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& contentLength,
                                      error_code&) {
  // body_limit() has already rejected a Content-Length above the limit, so this is bounded.
  if (contentLength) out_.body.reserve(static_cast<size_t>(*contentLength));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  out_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) {
  // Beast enforces body_limit on chunked bodies too; this guards our own reservation logic.
  if (out_.body.size() + body.size() > maxBodyBytes_) {
    ec = beasthttp::error::body_limit;
    return 0;
  }
  out_.body.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace callgate::http
