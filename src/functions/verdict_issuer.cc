#include "functions/verdict_issuer.h"

#include <algorithm>

#include "common/metrics_catalog.h"
#include "core/action_grant.h"

namespace callgate {

VerdictIssuer::VerdictIssuer(VerdictDeps deps, VerdictOptions options)
    : deps_(deps), options_(std::move(options)) {
  options_.lifetime = std::clamp(options_.lifetime, Seconds(1), kMaxVerdictLifetime);
}

Result<VerdictEvidence> VerdictIssuer::evidence(const VerdictRequest& request) {
  VerdictEvidence e;
  auto records = deps_.ledger.records(request.contactId);
  if (!records.ok()) return records.error();
  for (const ContactAuthRecord& r : *records) {
    if (r.method == kContactAuthPin && e.pinUserId.empty() && !r.userId.empty()) {
      e.pinUserId = r.userId;
      e.pinPhone = r.phone;
    } else if (r.method == kContactAuthOtp && !r.phone.empty()) {
      if (e.smsPhones.empty()) e.smsUserId = r.userId;
      e.smsPhones.push_back(r.phone);
    }
  }
  // Caller ID: what the channel saw, judged by the policy, for a number on file.
  if (isCallerIdTrusted(deps_.trust, request.attestation)) {
    if (auto number = E164::parse(request.callerNumber); number.ok()) {
      auto customer = deps_.customers.findByPhone(number->str());
      if (!customer.ok()) return customer.error();
      if (customer->has_value()) {
        e.trustedCallerIdPhone = (*customer)->phone;
        e.trustedCallerIdUserId = (*customer)->userId;
      }
    }
  }
  return e;
}

Result<IssuedVerdict> VerdictIssuer::issue(const VerdictRequest& request) {
  if (request.callId.empty()) return Error::invalidArgument("a verdict needs the call's id");
  auto evidence = this->evidence(request);
  if (!evidence.ok()) return evidence.error();

  VerdictClaims c;
  c.issuer = options_.issuer;
  applyEvidence(*evidence, c);
  auto caller = E164::parse(request.callerNumber);
  if (caller.ok()) {
    c.caller = options_.fullCallerNumber ? caller->str() : caller->masked();
  } else {
    c.caller = request.callerNumber.empty() ? "" : "unknown";  // never an unchecked text
  }
  if (auto dialled = E164::parse(request.dialled); dialled.ok()) c.dialled = dialled->str();
  c.attestation = attestationName(request.attestation);
  c.channel = request.channel;
  c.callId = request.callId;
  c.target = request.target;
  c.jti = generateLinkCode(deps_.random);
  c.issuedAt = std::chrono::time_point_cast<Seconds>(deps_.clock.now());
  c.expiresAt = c.issuedAt + options_.lifetime;

  auto jwt = deps_.signer.sign(c);
  if (!jwt.ok()) return jwt.error();
  const std::string_view level = std::string_view(c.acr).substr(kAcrNone.rfind(':') + 1);
  metrics::signedVerdicts().with({verdictChannelName(c.channel), std::string(level)}).inc();
  deps_.audit.record("verdict_issued", {{"channel", verdictChannelName(c.channel)},
                                        {"contact", request.contactId},
                                        {"acr", c.acr},
                                        {"jti", c.jti}});
  return IssuedVerdict{std::move(*jwt), std::move(c)};
}

Result<StringMap> IssueVerdict::invoke(const FunctionRequest& request) {
  const ContactData& contact = request.contact;
  if (contact.contactId.empty())
    return Error::invalidArgument("issue-verdict needs the contact's ContactId");
  auto verdict = issuer_.issue(VerdictRequest{VerdictChannel::kConnect, contact.contactId, "",
                                              contact.contactId, contact.customerAddress,
                                              contact.systemAddress, contact.attestation});
  if (!verdict.ok()) return verdict.error();
  const auto lifetime = verdict->claims.expiresAt - verdict->claims.issuedAt;
  return StringMap{
      {"lambdaResult", "Success"},
      {"verdict", std::move(verdict->jwt)},
      {"verdictAcr", verdict->claims.acr},
      {"verdictExpires", std::to_string(std::chrono::duration_cast<Seconds>(lifetime).count())}};
}

}  // namespace callgate
