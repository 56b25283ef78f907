// Private to src/adapters/sip: small text helpers over SIP header values and URIs that need no
// parser state (user part, host and port), and random tokens for tags and branches.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace callgate::sip {

// User part of the URI in a name-addr or addr-spec header value ("\"Bob\" <sip:+1415@x>;tag=1"
// -> "+1415", "<tel:+1415;verstat=...>" -> "+1415"); user parameters after ';' are cut.
std::string uriUserOf(std::string_view headerValue);

// Host and port of a sip:/sips: URI, optionally in <>: "<sip:bob@10.0.0.1:5070;lr>" ->
// {"10.0.0.1", 5070}; port 0 when absent; IPv6 hosts without brackets. False if unparseable.
bool uriHostPort(std::string_view uri, std::string* host, uint16_t* port);

// A random token of `chars` characters [0-9a-z] (libsodium), for tags and branch suffixes.
std::string randomToken(size_t chars);

}  // namespace callgate::sip
