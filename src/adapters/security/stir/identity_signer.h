// Making STIR/SHAKEN Identity header values (RFC 8224 + RFC 8588 PASSporT, ES256) with a local
// EC P-256 private key, through libsecsipid. callgate verifies and never signs calls in
// production; this exists for tests and for the hidden `callgate sip identity` CLI that black-box
// tests use to play a carrier. Thread-safe (no shared state); blocking (reads the key file).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "core/trust_policy.h"

namespace callgate::stir {

// Used as x5u/info when none is given. It is only a label: verifiers in callgate never fetch it.
inline constexpr std::string_view kDefaultX5u = "https://127.0.0.1/callgate-stir-cert.pem";

// "<header>.<payload>.<signature>;info=<x5u>;alg=ES256;ppt=shaken" where the PASSporT header is
// {"alg":"ES256","ppt":"shaken","typ":"passport","x5u":x5u} and the payload
// {"attest":A|B|C,"dest":{"tn":[destTn]},"iat":iat,"orig":{"tn":origTn},"origid":<random UUID>}.
// Numbers are written as digits ("+" and separators removed). kInvalidArgument for a key file
// that is not a readable PEM EC P-256 private key (naming it), attest none, numbers that are not
// digits, or an x5u with characters that cannot appear in the header; kInternal if signing fails.
Result<std::string> makeIdentityHeader(const std::string& privateKeyPemFile, Attestation attest,
                                       std::string_view origTn, std::string_view destTn,
                                       int64_t iat, std::string_view x5u = kDefaultX5u);

}  // namespace callgate::stir
