// Lambdas that are not ours: a flow's InvokeLambdaFunction whose ARN the operator mapped
// ([lambdas]) to an HTTP endpoint or to AWS Lambda's Invoke API. Three parts:
//   - Connect's documented Lambda input event, built from the contact:
//       {"Details": {"ContactData": {...}, "Parameters": {...}}, "Name": "ContactFlowEvent"}
//   - Connect's response rules, applied to the function's answer:
//       at most kMaxLambdaResponseBytes (32 KB) of payload; a JSON object; with
//       ResponseValidation STRING_MAP (the default) its values are strings (numbers and booleans
//       are taken as their JSON text, null as ""), and a nested object or array is an error; with
//       JSON, nested objects flatten to dotted keys ($.External.a.b reads {"a":{"b":..}}) and
//       array items to their index ($.External.list.0).
//   - the ExternalLambdaInvoker port, which only carries the bytes (adapters/net/lambda), so the
//     rules live in one place and the transports stay interchangeable.
// The functions are pure and thread-safe; see the port for its own contract.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

inline constexpr std::size_t kMaxLambdaResponseBytes = 32 * 1024;

// What ContactData of the event carries.
struct LambdaContact {
  std::string contactId;
  std::string customerAddress;  // "" = CustomerEndpoint null
  std::string systemAddress;    // "" = SystemEndpoint null
  std::string channel = "VOICE";
  std::string queue;  // "" = Queue null
  std::string languageCode;
  std::string instanceArn;
  std::map<std::string, std::string> attributes;
};

// The event as JSON text (invalid UTF-8 in a value replaced, never an exception).
std::string connectLambdaEvent(const LambdaContact& contact,
                               const std::map<std::string, std::string>& parameters);

// The answer as $.External sees it, by the rules above. Errors: kResourceExhausted over 32 KB,
// kUnavailable for anything else the rules refuse (the block takes its Error branch either way).
Result<std::map<std::string, std::string>> readLambdaResponse(std::string_view payload,
                                                              bool jsonResponse);

// invoke() is BLOCKING (outbound HTTP): call it only from a worker pool, never an Asio io
// thread. Implementations are thread-safe.
class ExternalLambdaInvoker {
 public:
  virtual ~ExternalLambdaInvoker() = default;
  // Sends `event` (JSON text) and answers the function's response payload (JSON text), all
  // within `timeout`. Errors: kUnavailable when the function did not answer in time, could not
  // be reached, or failed (a 4xx/5xx, AWS's X-Amz-Function-Error); kResourceExhausted when the
  // payload is larger than the transport accepts. Messages name no URL path, secret or payload.
  virtual Result<std::string> invoke(std::string_view event, Millis timeout) = 0;
};

}  // namespace callgate
