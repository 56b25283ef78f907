// AWS Signature Version 4 (header form), as used by SNS and every other AWS query API:
// canonical request -> string to sign -> HMAC-SHA-256 key chain -> Authorization header.
// Hashing and HMAC are libsodium's (crypto_hash_sha256, crypto_auth_hmacsha256). Checked against
// AWS's published test vectors (tests/unit/adapters/aws_sigv4_test.cc).
//
// Scope: what callgate sends, i.e. a request whose path needs no normalisation beyond
// per-segment encoding and whose headers are single-valued. Pure functions; thread-safe.
// Secrets are only read, never copied into the results (the Authorization value carries the
// access key id, which is not secret, and the signature).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callgate::aws {

struct Credentials {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string sessionToken;  // temporary credentials only; sent as X-Amz-Security-Token
};

struct SigV4Request {
  std::string method;  // "POST"
  std::string path;    // "/" ; segments are URI-encoded for the canonical form
  std::string query;   // raw query without '?', "" if none; re-encoded and sorted
  // Every header to sign, Host and X-Amz-Date included; names any case, values as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct SigV4Scope {
  std::string amzDate;  // "20150830T123600Z"
  std::string region;   // "us-east-1"
  std::string service;  // "sns"
  std::string date() const { return amzDate.substr(0, 8); }
  std::string toString() const { return date() + "/" + region + "/" + service + "/aws4_request"; }
};

std::string sha256Hex(std::string_view data);
std::string hmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string toHex(std::string_view bytes);

// "content-type;host;x-amz-date": lower-cased names, sorted.
std::string signedHeaders(const SigV4Request& request);
std::string canonicalRequest(const SigV4Request& request);
std::string stringToSign(const SigV4Request& request, const SigV4Scope& scope);
// HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request" (raw 32 bytes).
std::string signingKey(std::string_view secretAccessKey, const SigV4Scope& scope);
// Lower-case hex signature of `request`.
std::string signature(const SigV4Request& request, const SigV4Scope& scope,
                      std::string_view secretAccessKey);
// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sns/aws4_request,
//  SignedHeaders=content-type;host;x-amz-date, Signature=<hex>"
std::string authorizationHeader(const SigV4Request& request, const SigV4Scope& scope,
                                const Credentials& credentials);

// "YYYYMMDDTHHMMSSZ" for a Unix time in milliseconds (UTC).
std::string amzDate(int64_t unixMillis);

}  // namespace callgate::aws
