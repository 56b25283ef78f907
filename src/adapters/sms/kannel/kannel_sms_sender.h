// KannelSmsSender: sends through Kannel's smsbox HTTP interface (WIRE.md §6):
//   GET {url}?username=&password=&from=&to=&text=&dlr-mask=&dlr-url=
// every value RFC 3986-encoded (so "+" in a number survives as %2B). The dlr-url, when
// configured, is that URL plus "?id=<our id>&token=<DlrToken>&status=%d": Kannel substitutes %d
// with the DLR type and fetches it, and the delivery-report route checks the token. Kannel has no
// message id of its own to give back, so our id is the provider id.
// Kannel answers 202 "0: Accepted for delivery" / "3: Queued for later delivery"; 4xx ("Not
// routable", "Authorization failed") and 5xx ("Temporal failure") are errors (providerError()).
//
// Owns its config (holding the sendsms password, never logged: note the password travels in the
// query string, as Kannel requires, so keep smsbox on a private network); borrows the
// HttpClient, the token and the tracking deps. Blocking; thread-safe.
#pragma once

#include <string>

#include "adapters/net/http_client/http_client.h"
#include "adapters/sms/kannel/kannel_dlr_token.h"
#include "adapters/sms/tracked_sms_sender.h"

namespace callgate {

struct KannelSmsConfig {
  std::string url = "http://127.0.0.1:13013/cgi-bin/sendsms";
  std::string username;
  std::string password;  // secret; config or CALLGATE_KANNEL_PASSWORD
  std::string from;      // sender number or name; "" = smsbox's global-sender
  std::string dlrUrl;    // public URL of GET /sms/v1/kannel/dlr; "" = no delivery reports
  int dlrMask = 31;      // 1 delivered, 2 undelivered, 4 queued, 8 at SMSC, 16 SMSC refused
};

class KannelSmsSender final : public TrackedSmsSender {
 public:
  KannelSmsSender(KannelSmsConfig config, const KannelDlrToken& tokens, HttpClient& http,
                  SmsTracking tracking);

  // The request submit() sends, for tests.
  HttpClientRequest buildRequest(const SmsMessage& message, const std::string& messageId) const;

 protected:
  SmsSubmission submit(const SmsMessage& message, const std::string& messageId) override;

 private:
  const KannelSmsConfig config_;
  const KannelDlrToken& tokens_;
  HttpClient& http_;
};

// Kannel's DLR type (the %d of dlr-url) as a store status: 1 delivered, 2 undelivered,
// 4 queued, 8 sent (reached the SMSC), 16 failed (SMSC refused); "" for anything else.
std::string kannelDlrStatus(int type);

}  // namespace callgate
