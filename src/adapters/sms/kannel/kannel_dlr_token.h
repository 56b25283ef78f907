// KannelDlrToken: authenticates Kannel's delivery-report callbacks without sharing a secret
// with Kannel. Each message's dlr-url carries token = hex(HMAC-SHA-256(key, "callgate-kannel-dlr-
// v1|" + messageId)); the route recomputes it and compares in constant time. A leaked URL (they
// sit in Kannel's logs and store) lets its holder report on that one message only.
//
// The key is derived from the OTP secret (HMAC with a distinct label, so the two uses cannot be
// confused) and so survives restarts with it. Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace callgate {

class KannelDlrToken {
 public:
  // `secret`: any length; the OTP key in production.
  explicit KannelDlrToken(std::string_view secret);
  ~KannelDlrToken();
  KannelDlrToken(const KannelDlrToken&) = delete;
  KannelDlrToken& operator=(const KannelDlrToken&) = delete;

  std::string tokenFor(std::string_view messageId) const;  // 64 lower-case hex
  bool verify(std::string_view messageId, std::string_view token) const;

 private:
  unsigned char key_[32];
};

}  // namespace callgate
