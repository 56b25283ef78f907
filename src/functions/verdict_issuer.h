// VerdictIssuer: mints the signed, call-bound verdict (core/verdict_token.h) a channel hands to
// the agent side with a transfer, from callgate's own records of the contact: the methods the
// contact-auth ledger holds for it (verify-pin, verify-otp) and caller ID the channel itself saw,
// judged by the caller-ID trust policy against the customer store. Attributes a flow set
// (`authenticated`, `authMethod`) play no part: a flow that says "True" without a proof in the
// ledger gets a verdict at urn:callgate:acr:none.
//
// issue-verdict is the same as a function, for Amazon Connect flows (which transfer inside
// Connect, where callgate does not see it): call it just before the transfer and set the contact
// attribute `callgateVerdict` from $.External.verdict. Bound to the ContactId.
//
// Every verdict is audited (verdict_issued: channel, contact, acr, jti), never the token itself.
// With a HandoffStore, every verdict also leaves a handoff record (core/handoff.h) for the agent
// console's screen pop: the claims, the customer's name, level and language when authenticated,
// the last digits of the caller's number, callgate's own check of the token just minted, and
// the time from the call's start. A failed write is logged and counted
// (callgate_handoff_writes_total{outcome="failed"}); it never fails the verdict.
// Borrows everything it is given, which must outlive it. Thread-safe (the ports are). issue()
// reads the database: call it from worker threads.
#pragma once

#include <string>

#include "core/handoff.h"
#include "core/phone.h"
#include "core/ports.h"
#include "core/token_ports.h"
#include "core/trust_policy.h"
#include "core/verdict_token.h"
#include "functions/contact_auth.h"
#include "functions/function.h"

namespace callgate {

struct VerdictOptions {
  std::string issuer;                          // iss: the tokens' issuer
  Seconds lifetime = kDefaultVerdictLifetime;  // clamped to 1..kMaxVerdictLifetime
  bool fullCallerNumber = false;               // the caller's number unmasked in the token
  Seconds handoffRetention{7 * 24 * 3600};     // handoff records older than this are purged
};

// One call, as the channel knows it.
struct VerdictRequest {
  VerdictChannel channel = VerdictChannel::kSip;
  std::string callId;        // the binding: SIP Call-ID, Twilio CallSid, Connect ContactId
  std::string target;        // the REFER / <Sip> target, "" otherwise
  std::string contactId;     // the ledger's key for this call
  std::string callerNumber;  // as the channel gave it
  std::string dialled;
  Attestation attestation = Attestation::kNone;
  std::string queue;        // the queue the flow transferred to ("" unknown), for the handoff
  TimePoint callStarted{};  // when the call reached callgate (epoch = unknown)
};

struct IssuedVerdict {
  std::string jwt;
  VerdictClaims claims;
};

struct VerdictDeps {
  ContactAuthLedger& ledger;
  CustomerStore& customers;
  VerdictSigner& signer;
  Random& random;
  const Clock& clock;
  AuditLog& audit;
  CallerIdTrust trust = CallerIdTrust::kAttested;
  HandoffStore* handoffs = nullptr;  // nullptr = no handoff records
};

class VerdictIssuer {
 public:
  VerdictIssuer(VerdictDeps deps, VerdictOptions options);
  // kInvalidArgument for an empty callId; otherwise errors of the store or signer.
  Result<IssuedVerdict> issue(const VerdictRequest& request);

 private:
  Result<VerdictEvidence> evidence(const VerdictRequest& request);
  void recordHandoff(const VerdictRequest& request, const VerdictEvidence& evidence,
                     const VerdictClaims& claims, const std::string& jwt);

  VerdictDeps deps_;
  VerdictOptions options_;
};

// issue-verdict: answers lambdaResult "Success", verdict (the JWT), verdictAcr, verdictExpires
// (seconds). Bound to the request's ContactId (required: kInvalidArgument without one).
class IssueVerdict : public Function {
 public:
  explicit IssueVerdict(VerdictIssuer& issuer) : issuer_(issuer) {}
  std::string_view name() const override { return "issue-verdict"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  VerdictIssuer& issuer_;
};

}  // namespace callgate
