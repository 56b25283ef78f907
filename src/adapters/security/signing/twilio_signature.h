// Twilio request validation (X-Twilio-Signature), for every webhook Twilio calls: SMS status
// callbacks today, voice webhooks later. Algorithm (Twilio's published one, WIRE.md §3): take the
// full URL Twilio requested, query string included; for a form POST append each parameter, sorted
// by name (and by value for repeated names), as name+value with no separators; HMAC-SHA1 with the
// account's auth token; Base64. validate() accepts the URL with or without the scheme's default
// port (Twilio signs whichever form it used) and compares in constant time.
//
// HMAC-SHA1 comes from OpenSSL's libcrypto: libsodium, our crypto library elsewhere, has no SHA-1.
// SHA-256 for JSON bodies (bodySHA256) is libsodium's.
//
// Behind a proxy or TLS terminator the URL the server sees is not the one Twilio requested: pass
// the configured public URL (e.g. sms.twilio.status_callback_url) plus the request's query.
// Pure functions; thread-safe. The token is only read; results never contain it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callgate::twilio {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Base64(HMAC-SHA1(authToken, url + sorted params)), exactly as Twilio computes it.
std::string computeSignature(std::string_view url, const FormParams& params,
                             std::string_view authToken);

// True when `signature` is Twilio's signature for a form (or GET, with empty `params`) request to
// `url`, trying the URL as given and with its default port added or removed.
bool validate(std::string_view url, const FormParams& params, std::string_view signature,
              std::string_view authToken);

// For application/json webhooks: Twilio puts bodySHA256=<hex sha256 of the body> in the URL's
// query and signs the URL alone. True when the signature matches and the hash matches `body`.
bool validateJsonBody(std::string_view url, std::string_view body, std::string_view signature,
                      std::string_view authToken);

}  // namespace callgate::twilio
