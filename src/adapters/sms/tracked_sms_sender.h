// TrackedSmsSender: the common half of the HTTP SMS providers (Twilio, SNS, Kannel). send() gives
// each message our own id, records it as "submitting" in the SmsMessageStore, lets the provider
// subclass submit() it, then records the provider's id and answer (or "failed" and the error
// code). Delivery reports later update the same row. A store failure is logged and does not stop
// the text going out: the caller waiting for a PIN matters more than the bookkeeping.
//
// Also here: how a provider's HTTP answer becomes a callgate error. Messages name the provider,
// the HTTP status and the provider's error code; never a secret, the text or a full number.
//
// Borrows the store (optional), Random and Clock; they must outlive the sender. send() blocks on
// the network (see http_client.h): call it from worker threads only. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "adapters/net/http_client/http_client.h"
#include "core/ports.h"
#include "core/sms_message.h"

namespace callgate {

struct SmsTracking {
  SmsMessageStore* store = nullptr;  // nullptr: nothing recorded
  Random& random;                    // message ids
  const Clock& clock;
};

// One provider's answer to one message.
struct SmsSubmission {
  Status outcome;                 // ok, or the error send() returns
  std::string providerMessageId;  // when accepted
  std::string status = "accepted";
  std::string errorCode;  // when refused: the provider's code, or "http_<status>"
  // When refused: false only when the provider certainly did not take the message (every attempt
  // was answered with a refusal, or never reached it); the safe default is "it may have".
  bool mayHaveBeenAccepted = true;
};

// What send() did, for a sender that must decide whether another provider may try.
struct SmsSendResult {
  Status outcome;
  bool mayHaveBeenAccepted = true;  // when !outcome.ok(): see SmsSubmission
};

class TrackedSmsSender : public SmsSender {
 public:
  Status send(const SmsMessage& message) final { return sendTracked(message).outcome; }
  // send(), also telling whether a refused message may still have been taken by the provider.
  SmsSendResult sendTracked(const SmsMessage& message);
  const std::string& provider() const { return provider_; }

 protected:
  TrackedSmsSender(std::string provider, SmsTracking tracking);
  // Hands `message` to the provider. `messageId` is ours, for callback URLs.
  virtual SmsSubmission submit(const SmsMessage& message, const std::string& messageId) = 0;

 private:
  const std::string provider_;
  SmsTracking tracking_;
};

// The error for a send whose final HTTP exchange failed: transport errors keep their code
// (kUnavailable for refused/timeout); 429 and 5xx (after the retries) are kUnavailable; 401/403
// are kFailedPrecondition (our credentials or account are refused: permanent until fixed);
// other 4xx are kInvalidArgument (this message or number is refused: permanent); 3xx (never
// followed) kFailedPrecondition.
Error providerError(std::string_view provider, const Result<HttpClientResponse>& outcome,
                    std::string_view providerCode);

// The SmsSubmission for that failure, with errorCode = providerCode or "http_<status>" or
// "transport". mayHaveBeenAccepted is false only when `trace` (the request's, see HttpSendTrace)
// shows attempts were made and none may have reached the provider, and the final outcome is a
// refusal that says nothing was taken: a transport error, 429, 5xx, 401/403 or 3xx.
SmsSubmission failedSubmission(std::string_view provider, const Result<HttpClientResponse>& outcome,
                               std::string_view providerCode = "",
                               const HttpSendTrace& trace = HttpSendTrace{});

// True for a 2xx response.
bool isSuccess(const Result<HttpClientResponse>& outcome);

// A provider-supplied token (code, status, id) reduced to [A-Za-z0-9_.-], at most `maxLength`
// characters, so it is safe in logs, errors and the store.
std::string safeToken(std::string_view text, size_t maxLength = 64);

}  // namespace callgate
