// SnsSmsSender: sends through Amazon SNS Publish to a phone number (WIRE.md §5):
//   POST {endpoint}   (default https://sns.{region}.amazonaws.com/)
//   Content-Type: application/x-www-form-urlencoded; charset=utf-8
//   Action=Publish&Version=2010-03-31&PhoneNumber=%2B1...&Message=...
//   &MessageAttributes.entry.1.Name=AWS.SNS.SMS.SMSType&...Value.DataType=String
//   &...Value.StringValue=Transactional  [&entry.2 = AWS.SNS.SMS.SenderID]
// signed with AWS Signature Version 4 (adapters/aws/sigv4.h) over content-type, host and
// x-amz-date (and x-amz-security-token with temporary credentials). The signing time comes from
// the Clock. A 200 answer's <MessageId> is recorded as the provider id; an error's <Code>
// (InvalidParameter, AuthorizationError, ...) is kept, its <Message> is not.
// SNS has no delivery callback of its own (delivery status goes to CloudWatch Logs), so SNS
// messages stay at "accepted" in the store.
//
// Owns its config (holding the secret key, never logged); borrows the HttpClient, Clock and the
// tracking deps. Blocking; thread-safe.
#pragma once

#include <string>

#include "adapters/net/http_client/http_client.h"
#include "adapters/security/signing/aws_sigv4.h"
#include "adapters/sms/tracked_sms_sender.h"

namespace callgate {

// The AWS.SNS.SMS.SMSType attribute: how SNS routes and prices the message.
enum class SnsSmsType { kTransactional, kPromotional };

// "Transactional" or "Promotional", as SNS spells the attribute value.
inline const char* snsSmsTypeName(SnsSmsType type) {
  return type == SnsSmsType::kPromotional ? "Promotional" : "Transactional";
}

struct SnsSmsConfig {
  std::string region = "us-east-1";
  aws::Credentials
      credentials;  // config, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
  std::string endpoint;  // "" = https://sns.{region}.amazonaws.com/
  std::string senderId;  // optional AWS.SNS.SMS.SenderID, 3-11 alphanumerics
  SnsSmsType smsType = SnsSmsType::kTransactional;

  std::string effectiveEndpoint() const;
};

// SNS allows at most this many characters in one Publish to a phone number.
inline constexpr size_t kSnsMaxMessageLength = 1600;

class SnsSmsSender final : public TrackedSmsSender {
 public:
  SnsSmsSender(SnsSmsConfig config, HttpClient& http, SmsTracking tracking);

  // The signed request submit() sends at `unixMillis`, for tests.
  Result<HttpClientRequest> buildRequest(const SmsMessage& message, int64_t unixMillis) const;

 protected:
  SmsSubmission submit(const SmsMessage& message, const std::string& messageId) override;

 private:
  const SnsSmsConfig config_;
  HttpClient& http_;
  const Clock& clock_;
};

// The text between <tag> and </tag> in an SNS XML answer, or "" (SNS answers are flat enough
// that a search is exact; no XML parser needed).
std::string xmlElementText(const std::string& xml, const std::string& tag);

}  // namespace callgate
