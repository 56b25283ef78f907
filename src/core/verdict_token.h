// The signed verdict: what callgate proved about a caller, bound to one call, as claims that the
// agent side can check offline (a PBX, agent desktop or CRM holding callgate's JWKS). The plain
// X-Callgate-* headers and contact attributes stay for display; this is the part nobody on the
// way can forge or move to another call.
//
// What the claims say comes from callgate's own records of the call, never from attributes a
// flow or a request set: the methods proved in this contact (the contact-auth ledger: PIN, SMS
// code) and caller ID the channel itself saw and the trust policy accepts.
//
// Assurance levels (acr), lowest first:
//   urn:callgate:acr:none      nothing proved
//   urn:callgate:acr:callerid  only the network's word: a calling number on file that the
//                              caller-ID trust policy accepts (STIR/SHAKEN attestation A by
//                              default)
//   urn:callgate:acr:1fa       one authenticator proved in this call: a PIN (knowledge) or a
//                              one-time code texted to the number on file (possession)
//   urn:callgate:acr:2fa       a PIN and possession of the number on file (a code texted to it,
//                              or trusted caller ID from it), all for the same customer
//
// Pure values and functions of an explicit `now`; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

// Verdicts live at most a minute: long enough to cross a transfer, too short to be collected.
inline constexpr Seconds kMaxVerdictLifetime{60};
inline constexpr Seconds kDefaultVerdictLifetime{60};

// The JWT header's typ: a verdict is never an access token (those are at+jwt), nor the reverse.
inline constexpr std::string_view kVerdictTokenType = "callgate-verdict+jwt";
// The audience every verdict carries: whoever receives the transferred call.
inline constexpr std::string_view kVerdictAudience = "callgate-agent";

// amr values (RFC 8176 where one fits).
inline constexpr std::string_view kAmrPin = "pin";            // RFC 8176 "pin"
inline constexpr std::string_view kAmrSms = "sms";            // RFC 8176 "sms"
inline constexpr std::string_view kAmrCallerId = "callerid";  // callgate's: trusted caller ID
inline constexpr std::string_view kAmrMfa = "mfa";            // RFC 8176 "mfa"

inline constexpr std::string_view kAcrNone = "urn:callgate:acr:none";
inline constexpr std::string_view kAcrCallerId = "urn:callgate:acr:callerid";
inline constexpr std::string_view kAcr1fa = "urn:callgate:acr:1fa";
inline constexpr std::string_view kAcr2fa = "urn:callgate:acr:2fa";

// The channel a call arrived on, and so what its binding id is.
enum class VerdictChannel { kSip, kTwilio, kConnect };
const char* verdictChannelName(VerdictChannel channel);  // "sip" | "twilio" | "connect"
Result<VerdictChannel> parseVerdictChannel(std::string_view text);

struct VerdictClaims {
  std::string issuer;                             // iss
  std::string audience{kVerdictAudience};         // aud
  std::string subject;                            // sub: the customer's user id ("" when none)
  std::vector<std::string> amr;                   // methods proved (kAmr*), in that order
  std::string acr{kAcrNone};                      // one of kAcr*
  std::string caller;                             // the calling number, masked unless configured
  std::string dialled;                            // the number the caller dialled ("" unknown)
  std::string attestation;                        // "A" | "B" | "C" | "none": what the channel saw
  VerdictChannel channel = VerdictChannel::kSip;  // chn
  std::string callId;  // cid: SIP Call-ID of the caller's call, Twilio CallSid, Connect ContactId
  std::string target;  // tgt: the REFER / <Dial><Sip> target ("" when not a SIP hand-off)
  std::string jti;
  TimePoint issuedAt{};   // iat (whole seconds)
  TimePoint expiresAt{};  // exp (whole seconds)

  bool authenticated() const { return acr != kAcrNone; }
};

// What callgate established for one contact, from its own records.
struct VerdictEvidence {
  std::string pinUserId;               // user id whose PIN was verified in this contact ("" none)
  std::string pinPhone;                // that customer's number on file
  std::vector<std::string> smsPhones;  // numbers on file proved by an SMS code in this contact
  std::string smsUserId;               // the user id of the first SMS proof's customer ("" none)
  std::string trustedCallerIdPhone;    // caller's number, when on file and trusted by policy
  std::string trustedCallerIdUserId;   // its customer's user id ("" none)
};

// amr, acr and sub from the evidence (see the levels above). A PIN decides the subject; SMS and
// caller ID count towards 2fa only for the number on file of that same customer.
void applyEvidence(const VerdictEvidence& evidence, VerdictClaims& claims);

// What a verifier expects of a verdict.
struct VerdictCheck {
  std::string issuer;
  std::string callId;  // required: the call the verdict must be bound to
  std::string target;  // when not empty, the hand-off target must equal it
  Seconds leeway{5};   // clamped to kMaxClockLeeway
};

// Issuer, audience, binding, lifetime (≤ kMaxVerdictLifetime) and clock, then an acr this
// version knows. kUnauthenticated naming the first rule broken ("verdict is bound to another
// call", ...); never echoes claim values.
Status checkVerdictClaims(const VerdictClaims& claims, const VerdictCheck& check, TimePoint now);

// The payload JSON of a verdict (sub and tgt omitted when empty; times as NumericDate).
std::string verdictClaimsJson(const VerdictClaims& claims);

// Parses a payload JSON; kUnauthenticated for one that is not a verdict's (missing or mistyped
// claims). Unknown claims are ignored (RFC 7519 §4).
Result<VerdictClaims> parseVerdictClaimsJson(std::string_view json);

}  // namespace callgate
