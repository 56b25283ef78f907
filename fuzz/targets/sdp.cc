// Fuzz target: an SDP offer from a peer's INVITE or re-INVITE (adapters/net/sip/sdp), parsed by
// osip2's sdp_message behind negotiate(). Invariant: the answer buildAnswer() writes for an
// accepted offer is itself an offer negotiate() accepts, with the same codec and DTMF type.
#include "adapters/net/sip/sdp.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/net/sip/osip_init.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialised = (callgate::sip::ensureOsipInitialized(), true);
  (void)initialised;
  const std::string_view offer(reinterpret_cast<const char*>(data), size);
  auto media = callgate::sip::negotiate(offer);
  if (!media) {
    (void)callgate::sip::sdpErrorStatus(media.error());
    return 0;
  }
  const std::string answer = callgate::sip::buildAnswer(*media, "192.0.2.10", 40000, 2);
  auto again = callgate::sip::negotiate(answer);
  if (!again || again->codec != media->codec ||
      again->audioPayloadType != media->audioPayloadType ||
      again->dtmfPayloadType != media->dtmfPayloadType) {
    std::fprintf(stderr, "our answer is not an acceptable offer:\n%s\n", answer.c_str());
    std::abort();
  }
  return 0;
}
