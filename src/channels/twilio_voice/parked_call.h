// ParkedCall: what the Twilio voice channel keeps in a voice_sessions row between two webhooks of
// one call, and how the row's two secret-bearing columns are sealed at rest.
//
// `state` holds the flow Session snapshot, which while the caller is asked for something can carry
// what they keyed before (a user id; after a failed check, the wrong PIN) and customer attributes;
// `response` holds the TwiML last answered, which can speak attributes or digits back and carries
// the verdict in a <Sip> URI. Both are sealed with a StateCipher (XChaCha20-Poly1305) keyed from
// the server's OTP secret (CALLGATE_OTP_SECRET / security.otp_secret_file) through
// crypto_kdf_derive_from_key("cgvoice1", 1): every node sharing the database already shares that
// secret, and the key never touches the database. The associated data is the column name, the
// row's session id and CallSid, so a sealed value opens only in the column and row it was written
// for. A row that does not open (altered, moved, written under another secret, or from a version
// that stored plain JSON) is treated like a lost session. Rotating the OTP secret therefore ends
// the calls in progress.
//
// Plain values and free functions; thread-safe as far as the StateCipher passed in is (it is).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "adapters/security/crypto/state_cipher.h"
#include "channels/twilio_voice/transfer.h"
#include "common/result.h"
#include "core/flow/session.h"
#include "core/trust_policy.h"
#include "core/voice_session.h"

namespace callgate::twilio_voice {

// crypto_kdf context and subkey id of the voice_sessions key; changing either ends every call in
// progress, like rotating the secret.
inline constexpr std::string_view kVoiceStateKeyContext = "cgvoice1";
inline constexpr uint64_t kVoiceStateKeyId = 1;

// The voice_sessions cipher from the server's 32-byte OTP secret.
Result<std::unique_ptr<StateCipher>> voiceStateCipher(std::string_view otpSecret);

struct ParkedCall {
  Attestation attestation = Attestation::kNone;
  nlohmann::json session;  // Session::snapshot() while waiting; null once transferred
  Attributes agent;        // once transferred: what the agent was told (for the whisper)
  bool transferred = false;
  TimePoint startedAt{};  // when the call came in (epoch: parked by an older release)

  // JSON text; parse() reads it back as untrusted input (every field type-checked, no throw).
  std::string dump() const;
  static Result<ParkedCall> parse(const std::string& text);
};

// The snapshot of a session that waits for the caller, without the caller's previous entry
// ($.StoredCustomerInput) when no block can read it any more: the session waits at a
// GetParticipantInput that stores its input, and every answer to such a block (digits, invalid
// digits, a timeout) overwrites or clears the stored input before another block runs, while a
// hang-up reads only the attributes. A block that does not store its input (a one-key menu)
// leaves the old value readable by later blocks, so it is kept then.
nlohmann::json snapshotForParking(const flow::Session& session);

// record.state: sealed for `row` (its id and CallSid), and opened again.
std::string sealState(const StateCipher& cipher, const VoiceSessionRecord& row,
                      const ParkedCall& parked);
Result<ParkedCall> openState(const StateCipher& cipher, const VoiceSessionRecord& row);

// record.response: the TwiML sealed for `row`. "" (a step being worked on) stays "".
std::string sealResponse(const StateCipher& cipher, const VoiceSessionRecord& row,
                         const std::string& twiml);
Result<std::string> openResponse(const StateCipher& cipher, const VoiceSessionRecord& row);

}  // namespace callgate::twilio_voice
