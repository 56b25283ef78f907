#include "functions/verdict_issuer.h"

#include <spdlog/spdlog.h>

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
  recordHandoff(request, *evidence, c, *jwt);
  return IssuedVerdict{std::move(*jwt), std::move(c)};
}

void VerdictIssuer::recordHandoff(const VerdictRequest& request, const VerdictEvidence& e,
                                  const VerdictClaims& c, const std::string& jwt) {
  if (deps_.handoffs == nullptr) return;
  const TimePoint now = deps_.clock.now();
  Handoff h;
  h.at = now;
  h.channel = verdictChannelName(c.channel);
  h.callId = c.callId;
  h.contactId = request.contactId;
  h.queue = request.queue;
  h.acr = c.acr;
  h.amr = c.amr;
  h.attestation = c.attestation;
  // Who the caller is only when callgate established it: an unverified caller's claimed
  // identity never reaches the agent as if it were (as with agentAttributes()). A verdict
  // without a subject (a number enrolled by its SMS code, a caller-ID customer without a user
  // id) still rests on a number on file: the one proved by SMS, else the trusted caller ID.
  const std::string& proved = e.smsPhones.empty() ? e.trustedCallerIdPhone : e.smsPhones.front();
  if (c.authenticated() && (!c.subject.empty() || !proved.empty())) {
    h.userId = c.subject;
    auto customer = c.subject.empty() ? deps_.customers.findByPhone(proved)
                                      : deps_.customers.findByUserId(c.subject);
    if (customer.ok() && customer->has_value()) {
      const Customer& found = **customer;
      h.displayName = found.firstName;
      if (!found.lastName.empty()) {
        h.displayName += h.displayName.empty() ? found.lastName : " " + found.lastName;
      }
      h.level = found.level;
      h.language = found.language;
    } else if (!customer.ok()) {
      spdlog::warn("event=handoff_customer_unavailable contact={} error=\"{}\"", request.contactId,
                   customer.error().message());
    }
  }
  h.callerLast4 = lastDigitsOf(request.callerNumber);
  h.jti = c.jti;
  const Status checked =
      deps_.signer.verify(jwt, VerdictCheck{options_.issuer, c.callId, c.target}, now);
  h.tokenCheck = checked.ok() ? "valid" : checked.error().message();
  if (request.callStarted != TimePoint{} && request.callStarted <= now) {
    h.timeToVerdictMs = (now - request.callStarted).count();
  }
  // The node's feed (console::HandoffFeed) writes it off this thread and counts the writes.
  if (Status s = deps_.handoffs->append(h, now - options_.handoffRetention); !s.ok()) {
    spdlog::error("event=handoff_write_failed contact={} error=\"{}\"", request.contactId,
                  s.error().message());
  }
}

Result<StringMap> IssueVerdict::invoke(const FunctionRequest& request) {
  const ContactData& contact = request.contact;
  if (contact.contactId.empty())
    return Error::invalidArgument("issue-verdict needs the contact's ContactId");
  // The queue for the agent console: a "queue" parameter when the flow passes one (it calls
  // this before its transfer block), else the contact's current queue.
  std::string queue = contact.queue;
  if (auto it = request.parameters.find("queue"); it != request.parameters.end()) {
    queue = it->second;
  }
  auto verdict = issuer_.issue(VerdictRequest{
      VerdictChannel::kConnect, contact.contactId, "", contact.contactId, contact.customerAddress,
      contact.systemAddress, contact.attestation, std::move(queue)});
  if (!verdict.ok()) return verdict.error();
  const auto lifetime = verdict->claims.expiresAt - verdict->claims.issuedAt;
  return StringMap{
      {"lambdaResult", "Success"},
      {"verdict", std::move(verdict->jwt)},
      {"verdictAcr", verdict->claims.acr},
      {"verdictExpires", std::to_string(std::chrono::duration_cast<Seconds>(lifetime).count())}};
}

}  // namespace callgate
