#include "functions/external_lambda.h"

#include <chrono>
#include <utility>

namespace callgate {

ExternalLambda::ExternalLambda(std::string name, std::string instanceArn,
                               std::unique_ptr<ExternalLambdaInvoker> invoker)
    : name_(std::move(name)), instanceArn_(std::move(instanceArn)), invoker_(std::move(invoker)) {}

std::string ExternalLambda::event(const FunctionRequest& request) const {
  const ContactData& c = request.contact;
  LambdaContact contact;
  contact.contactId = c.contactId;
  contact.customerAddress = c.customerAddress;
  contact.systemAddress = c.systemAddress;
  contact.channel = c.channel;
  contact.queue = c.queue;
  contact.languageCode = c.languageCode;
  contact.instanceArn = instanceArn_;
  contact.attributes = c.attributes;
  return connectLambdaEvent(contact, request.parameters);
}

Result<StringMap> ExternalLambda::invoke(const FunctionRequest& request) {
  const Millis timeout = std::chrono::duration_cast<Millis>(Seconds(request.timeoutSeconds));
  Result<std::string> payload = invoker_->invoke(event(request), timeout);
  if (!payload.ok()) return payload.error();
  return readLambdaResponse(*payload, request.jsonResponse);
}

}  // namespace callgate
