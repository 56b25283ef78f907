#include "functions/lookup_caller.h"

#include "core/phone.h"
#include "core/verdict.h"

namespace callgate {

void addCustomerAttributes(const Customer& customer, StringMap& out) {
  out["firstName"] = customer.firstName;
  out["lastName"] = customer.lastName;
  out["custLevel"] = customer.level;
  out["language"] = customer.language;
}

Result<E164> callerNumber(const ContactData& contact) {
  auto e164 = E164::parse(contact.customerAddress);
  if (!e164.ok()) {
    return Error::invalidArgument("CustomerEndpoint.Address: " + e164.error().message());
  }
  return e164;
}

Result<StringMap> LookupCaller::invoke(const FunctionRequest& request) {
  StringMap out{{"lambdaResult", "Success"},
                {std::string(kRecordFoundKey), std::string(kFalse)},
                {std::string(kCallerIdTrustedKey), std::string(kFalse)},
                {std::string(kAuthenticatedKey), std::string(kFalse)}};
  const std::string& address = request.contact.customerAddress;
  if (address.empty()) return out;  // withheld caller ID

  // Every stored number was normalised on the way in, so an exact match of a number already in
  // E.164 form needs no validation: libphonenumber's costs ~25 µs, most of a lookup. Anything
  // else (not found, or not canonical) is validated and normalised, so bad numbers still fail.
  Result<std::optional<Customer>> found = std::optional<Customer>{};
  if (looksLikeE164(address)) {
    found = customers_.findByPhone(address);
    if (!found.ok()) return found.error();
  }
  if (!found->has_value()) {
    auto phone = callerNumber(request.contact);
    if (!phone.ok()) return phone.error();
    if (phone->str() != address) found = customers_.findByPhone(phone->str());
    if (!found.ok()) return found.error();
  }
  const bool trusted = isCallerIdTrusted(trust_, request.contact.attestation);
  out[std::string(kCallerIdTrustedKey)] = trusted ? kTrue : kFalse;
  if (!found->has_value()) return out;

  out[std::string(kRecordFoundKey)] = kTrue;
  if (trusted) {
    out[std::string(kAuthenticatedKey)] = kTrue;
    addCustomerAttributes(**found, out);
  }
  return out;
}

}  // namespace callgate
