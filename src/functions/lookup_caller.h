// lookup-caller: who is calling? Looks the caller's number up and applies the caller-ID trust
// policy. Customer attributes are disclosed only when the caller is authenticated, so a spoofed
// number does not learn whose number it is. Thread-safe (stateless over thread-safe ports).
#pragma once

#include "core/phone.h"
#include "core/ports.h"
#include "core/trust_policy.h"
#include "functions/function.h"

namespace callgate {

class LookupCaller : public Function {
 public:
  LookupCaller(CustomerStore& customers, CallerIdTrust trust)
      : customers_(customers), trust_(trust) {}
  std::string_view name() const override { return "lookup-caller"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;
  // One point read of the customer store and, for a number not found as given, libphonenumber:
  // inline when that read is in-process.
  bool answersInline() const override { return customers_.readsInProcess(); }

 private:
  CustomerStore& customers_;
  CallerIdTrust trust_;
};

// The Connect attribute names for a customer: firstName, lastName, custLevel, language.
void addCustomerAttributes(const Customer& customer, StringMap& out);

// The caller's number as E.164; an invalid one is kInvalidArgument naming the field.
Result<E164> callerNumber(const ContactData& contact);

}  // namespace callgate
