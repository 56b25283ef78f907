// HTTP routes through which SMS providers report delivery, recorded in the SmsMessageStore:
//
//   POST /sms/v1/twilio/status   Twilio StatusCallback (form: MessageSid, MessageStatus,
//                                ErrorCode...). X-Twilio-Signature must validate against the
//                                configured public callback URL + the request's query (403
//                                otherwise). The message is found by our ?id=, else by MessageSid.
//   GET  /sms/v1/kannel/dlr      Kannel dlr-url: ?id=&token=&status=<DLR type>. The token must
//                                match the message id (KannelDlrToken; 403 otherwise).
//
// Answers: 200 {"status":"recorded"|"stale"} (stale: an older report arrived after a newer one and
// changed nothing), 400 for malformed input, 403 for a failed check, 404 for an unknown message,
// 503 if the store is unavailable. Bad input changes nothing.
//
// Routes are registered blocking (they write SQLite) and only for the configured provider.
// Everything borrowed must outlive the Router and the Server. Handlers are thread-safe.
#pragma once

#include <string>

#include "adapters/net/http/router.h"
#include "adapters/sms/kannel/kannel_dlr_token.h"
#include "core/ports.h"
#include "core/sms_message.h"

namespace callgate {

inline constexpr const char* kTwilioStatusPath = "/sms/v1/twilio/status";
inline constexpr const char* kKannelDlrPath = "/sms/v1/kannel/dlr";

struct TwilioStatusOptions {
  std::string authToken;  // validates X-Twilio-Signature
  std::string publicUrl;  // the callback URL exactly as Twilio requests it, without the query
};

http::Response handleTwilioStatus(const http::Request& request, const TwilioStatusOptions& options,
                                  SmsMessageStore& store, const Clock& clock);
http::Response handleKannelDlr(const http::Request& request, const KannelDlrToken& tokens,
                               SmsMessageStore& store, const Clock& clock);

void addTwilioStatusRoute(http::Router& router, TwilioStatusOptions options, SmsMessageStore& store,
                          const Clock& clock);
void addKannelDlrRoute(http::Router& router, const KannelDlrToken& tokens, SmsMessageStore& store,
                       const Clock& clock);

}  // namespace callgate
