// RequestParser: a Beast HTTP/1.1 request parser that writes straight into a callgate
// http::Request (lower-cased header map, path/query split, body string). Parsing into our own
// type avoids Beast's header container, i.e. one allocation per header field fewer on the hot
// path. A parser parses one message, then is re-created (construction allocates nothing).
// Internal to the http adapter. Not thread-safe; owned by one connection.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>

#include "adapters/net/http/router.h"

namespace callgate::http {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // `out` must outlive the parser; it is cleared by the caller beforehand.
  RequestParser(Request& out, size_t maxBodyBytes, uint32_t maxHeaderBytes);

  int version() const { return version_; }
  bool expectsContinue() const { return expectContinue_; }
  // The request named a transfer coding other than exactly "chunked" (answered 501); put() then
  // fails with beast's bad_transfer_encoding, which beast also gives for codings it refuses itself.
  bool unsupportedTransferCoding() const { return unsupportedCoding_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb method, string_view methodStr, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, string_view nameStr, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& contentLength,
                         error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  Request& out_;
  size_t maxBodyBytes_;
  int version_ = 11;
  bool expectContinue_ = false;
  bool unsupportedCoding_ = false;
};

}  // namespace callgate::http
