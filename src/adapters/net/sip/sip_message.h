// Private to src/adapters/sip: an owning, move-only wrapper over osip2's osip_message_t. Parses
// bytes, reads the headers the UAS needs, builds responses (copying Via/From/To/Call-ID/CSeq from
// the request) and in-dialog requests, and serialises. osip2 types stay behind this interface;
// only files in this folder include it. string_view results point into the message and live as
// long as it does. Thread-safety: none (one message, one thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/net/sip/sip_text.h"
#include "common/result.h"

struct osip_message;

namespace callgate::sip {

class SipMessage {
 public:
  SipMessage() = default;
  SipMessage(SipMessage&&) noexcept = default;
  SipMessage& operator=(SipMessage&&) noexcept = default;

  // kInvalidArgument when osip2 cannot parse the start line or a header.
  static Result<SipMessage> parse(std::string_view bytes);
  // A response to `request` with its Via list, From, To, Call-ID and CSeq (no body).
  static SipMessage responseTo(const SipMessage& request, int status, std::string_view reason = {});
  // An empty request: start line only. kInvalidArgument if requestUri is not a SIP URI.
  static Result<SipMessage> request(std::string_view method, std::string_view requestUri);

  bool valid() const { return msg_ != nullptr; }
  bool isRequest() const;
  std::string_view method() const;  // requests; "" for responses
  int status() const;               // responses; 0 for requests
  std::string requestUri() const;
  std::string requestUriUser() const;  // user part of a sip: URI, or the number of a tel: URI
  // Via, From, To, Call-ID and CSeq present and parseable (RFC 3261 8.1.1 minimum).
  bool hasMandatoryHeaders() const;

  std::string callId() const;  // "number@host" or "number"
  std::string_view fromTag() const;
  std::string_view toTag() const;
  uint32_t cseq() const;
  std::string_view cseqMethod() const;
  std::string fromHeader() const;  // serialised values, "" if absent
  std::string toHeader() const;
  std::string contactUri() const;                 // URI of the first Contact, "" if none
  std::vector<std::string> recordRoutes() const;  // serialised, in message order

  // Top Via.
  std::string_view viaBranch() const;
  std::string_view viaHost() const;
  uint16_t viaPort() const;  // 5060 when absent or invalid
  bool viaHasRport() const;
  // RFC 3261 18.2.1 + RFC 3581: add received=<ip> when the Via host differs, fill rport.
  void stampTopVia(std::string_view sourceIp, uint16_t sourcePort);

  // First value of a header by case-insensitive name (e.g. "identity"), "" if none.
  std::string header(std::string_view name) const;
  std::string_view body() const;
  bool bodyIsSdp() const;  // Content-Type application/sdp (or absent with a body)

  void setToTag(std::string_view tag);  // only when To has no tag yet
  void addHeader(std::string_view name, std::string_view value);
  // Parsed headers for requests we originate; kInvalidArgument if osip2 rejects the value.
  Status setParsedHeader(std::string_view name, std::string_view value);
  void setBody(std::string_view contentType, std::string_view body);
  void copyRecordRoutes(const SipMessage& from);

  std::string toString() const;  // "" if osip2 fails to serialise

 private:
  struct Deleter {
    void operator()(osip_message* m) const;
  };
  explicit SipMessage(osip_message* m) : msg_(m) {}
  std::unique_ptr<osip_message, Deleter> msg_;
};

}  // namespace callgate::sip
