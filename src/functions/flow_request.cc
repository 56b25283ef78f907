#include "functions/flow_request.h"

namespace callgate {

FunctionRequest functionRequest(const flow::Session& session, Attestation attestation,
                                const flow::InvokeFunction& call) {
  const flow::CallInfo& info = session.state().call;
  FunctionRequest request;
  request.contact.contactId = info.contactId;
  request.contact.customerAddress = info.customerAddress;
  request.contact.languageCode = info.languageCode;
  request.contact.attestation = attestation;
  request.contact.attributes = session.attributes();
  request.parameters = call.parameters;
  return request;
}

}  // namespace callgate
