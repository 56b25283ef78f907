#include "core/external_lambda.h"

#include <nlohmann/json.hpp>

namespace callgate {
namespace {

using Json = nlohmann::json;

// Deeper answers are refused rather than flattened: no reference a flow can write needs them,
// and the flattening recurses.
constexpr int kMaxJsonDepth = 32;

std::string dumpJson(const Json& value) {
  // replace: a function answering invalid UTF-8 gets U+FFFD, not an exception on a call path.
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A scalar's text as $.External reads it: strings as they are, null as missing, numbers and
// booleans as written in JSON.
std::string scalarText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return dumpJson(value);
}

Status flatten(const Json& value, const std::string& prefix, int depth,
               std::map<std::string, std::string>& out) {
  if (depth > kMaxJsonDepth) {
    return Error::unavailable("Lambda response nests deeper than " + std::to_string(kMaxJsonDepth) +
                              " levels");
  }
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (Status s = flatten(item, prefix.empty() ? key : prefix + "." + key, depth + 1, out);
          !s.ok()) {
        return s;
      }
    }
    return okStatus();
  }
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string key = std::to_string(i);
      if (Status s = flatten(value[i], prefix.empty() ? key : prefix + "." + key, depth + 1, out);
          !s.ok()) {
        return s;
      }
    }
    return okStatus();
  }
  out[prefix] = scalarText(value);
  return okStatus();
}

Json endpoint(const std::string& address) {
  if (address.empty()) return nullptr;
  return Json{{"Address", address}, {"Type", "TELEPHONE_NUMBER"}};
}

Json stringObject(const std::map<std::string, std::string>& map) {
  Json out = Json::object();
  for (const auto& [k, v] : map) out[k] = v;
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> readLambdaResponse(std::string_view payload,
                                                              bool jsonResponse) {
  if (payload.size() > kMaxLambdaResponseBytes) {
    return Error::resourceExhausted("Lambda response is larger than 32 KB");
  }
  Json parsed = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Error::unavailable("Lambda response is not JSON");
  if (!parsed.is_object()) return Error::unavailable("Lambda response is not a JSON object");
  std::map<std::string, std::string> out;
  if (jsonResponse) {
    if (Status s = flatten(parsed, "", 0, out); !s.ok()) return s.error();
    return out;
  }
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_structured()) {
      // Connect's STRING_MAP validation: a flat object of strings. A flow that wants nested
      // answers says ResponseValidation JSON.
      return Error::unavailable("Lambda response value '" + key +
                                "' is not a string (ResponseValidation STRING_MAP)");
    }
    out[key] = scalarText(value);
  }
  return out;
}

std::string connectLambdaEvent(const LambdaContact& c,
                               const std::map<std::string, std::string>& parameters) {
  Json contact{
      {"Attributes", stringObject(c.attributes)},
      {"Channel", c.channel},
      {"ContactId", c.contactId},
      {"CustomerEndpoint", endpoint(c.customerAddress)},
      // callgate does not chain contacts: every contact is its own initial one.
      {"InitialContactId", c.contactId},
      {"InitiationMethod", "INBOUND"},
      {"InstanceARN", c.instanceArn},
      {"LanguageCode", c.languageCode},
      {"MediaStreams", {{"Customer", {{"Audio", nullptr}}}}},
      {"PreviousContactId", c.contactId},
      {"Queue", c.queue.empty() ? Json(nullptr) : Json{{"ARN", ""}, {"Name", c.queue}}},
      {"SystemEndpoint", endpoint(c.systemAddress)},
  };
  Json event{
      {"Details", {{"ContactData", std::move(contact)}, {"Parameters", stringObject(parameters)}}},
      {"Name", "ContactFlowEvent"}};
  return dumpJson(event);
}

}  // namespace callgate
