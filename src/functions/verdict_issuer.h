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
// Borrows everything it is given, which must outlive it. Thread-safe (the ports are). issue()
// reads the database: call it from worker threads.
#pragma once

#include <string>

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
};

class VerdictIssuer {
 public:
  VerdictIssuer(VerdictDeps deps, VerdictOptions options);
  // kInvalidArgument for an empty callId; otherwise errors of the store or signer.
  Result<IssuedVerdict> issue(const VerdictRequest& request);

 private:
  Result<VerdictEvidence> evidence(const VerdictRequest& request);

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
