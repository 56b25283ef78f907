// Twilio's X-Twilio-Signature check (WIRE.md §3; twilio-python's RequestValidator): Base64 of
// HMAC-SHA1 keyed with the account's auth token over the full URL Twilio requested followed by
// every POST parameter, sorted by name (repeated names sorted by value), as name+value with no
// separators. The URL is accepted with or without its scheme's default port (:443 / :80),
// because Twilio signs what it dialled and proxies differ on whether they show that port.
// Form-encoded requests only (every voice and status webhook); JSON bodies with ?bodySHA256=
// are not handled here. Pure apart from OpenSSL's libcrypto; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callgate::twilio {

// True when `signatureHeader` is the signature of (url, formParams) under `authToken`, compared
// in constant time. False for an empty token or header.
bool validateRequestSignature(std::string_view url,
                              const std::vector<std::pair<std::string, std::string>>& formParams,
                              std::string_view signatureHeader, std::string_view authToken);

// The signature itself (Base64), for tests and for building signed requests.
std::string computeRequestSignature(
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& formParams,
    std::string_view authToken);

}  // namespace callgate::twilio
