// Fuzz target: a SIP message as it arrives on UDP or TCP (adapters/net/sip): the TCP framer,
// osip2's parser behind SipMessage::parse, every header accessor the UAS reads, and a response
// built from the request and serialised.
#include "adapters/net/sip/sip_message.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/net/sip/osip_init.h"
#include "adapters/net/sip/sip_text.h"
#include "adapters/net/sip/tcp_framer.h"

namespace {

void readEverything(const callgate::sip::SipMessage& m) {
  (void)m.isRequest();
  (void)m.method();
  (void)m.status();
  (void)m.requestUri();
  (void)m.requestUriUser();
  (void)m.hasMandatoryHeaders();
  (void)m.callId();
  (void)m.fromTag();
  (void)m.toTag();
  (void)m.cseq();
  (void)m.cseqMethod();
  const std::string from = m.fromHeader();
  (void)callgate::sip::uriUserOf(from);
  (void)callgate::sip::uriUserOf(m.toHeader());
  std::string host;
  uint16_t port = 0;
  (void)callgate::sip::uriHostPort(m.contactUri(), &host, &port);
  for (const std::string& route : m.recordRoutes()) {
    (void)callgate::sip::uriHostPort(route, &host, &port);
  }
  (void)m.viaBranch();
  (void)m.viaHost();
  (void)m.viaPort();
  (void)m.viaHasRport();
  (void)m.header("identity");
  (void)m.header("p-asserted-identity");
  (void)m.body();
  (void)m.bodyIsSdp();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialised = (callgate::sip::ensureOsipInitialized(), true);
  (void)initialised;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // TCP: frame the stream the way the transport does, then parse each message.
  std::string_view stream = bytes;
  for (int i = 0; i < 8 && !stream.empty(); ++i) {
    const callgate::sip::Frame frame = callgate::sip::nextFrame(stream, 4096);
    if (frame.length > stream.size()) std::abort();  // a frame never runs past the buffer
    if (frame.kind == callgate::sip::Frame::Kind::kMessage) {
      (void)callgate::sip::SipMessage::parse(stream.substr(0, frame.length));
    }
    if (frame.length == 0 || frame.kind == callgate::sip::Frame::Kind::kNeedMore ||
        frame.kind == callgate::sip::Frame::Kind::kGarbage ||
        frame.kind == callgate::sip::Frame::Kind::kTooLarge) {
      break;
    }
    stream.remove_prefix(frame.length);
  }

  // UDP: the whole datagram is one message.
  auto parsed = callgate::sip::SipMessage::parse(bytes);
  if (!parsed) return 0;
  callgate::sip::SipMessage& message = *parsed;
  readEverything(message);

  // A response built from the request (Via, From, To, Call-ID and CSeq cloned by osip2) and
  // serialised, as the UAS answers. No round trip is asserted: osip2 accepts oddities it does
  // not write back as it read them (a Content-Type parameter without a value, a bare LF inside
  // the request line), and callgate never re-sends what a peer sent.
  (void)message.toString();
  if (message.isRequest() && message.hasMandatoryHeaders()) {
    message.stampTopVia("192.0.2.7", 5070);
    callgate::sip::SipMessage response = callgate::sip::SipMessage::responseTo(message, 200, "OK");
    response.setToTag("fuzz");
    readEverything(response);
    (void)callgate::sip::SipMessage::parse(response.toString());
  }
  return 0;
}
