#include "channels/connect/connect_event.h"

#include "adapters/net/http/router.h"
#include "common/json_scanner.h"
#include "common/json_writer.h"

namespace callgate::connect {

namespace {

using json::JsonScanner;
using Kind = JsonScanner::Kind;

// What the walk saw of one field: absent, or its kind (and its text when it was a string).
struct Field {
  bool present = false;
  Kind kind = Kind::kNull;
  std::string value;
};

// An object of strings (Parameters, Attributes). The first non-string member is remembered so
// the error can name it.
struct MapField {
  bool present = false;
  Kind kind = Kind::kNull;
  StringMap values;
  std::string badKey;
  Kind badKind = Kind::kNull;
};

// Everything the validation needs, gathered in one pass. Validation runs afterwards in a fixed
// order, so the error reported does not depend on the order of keys in the body.
struct EventFields {
  Field name;
  Field details;
  Field contactData;
  MapField parameters;
  Field contactId;
  Field endpoint;
  Field address;
  Field systemEndpoint;
  Field systemAddress;
  Field language;
  MapField attributes;
};

const char* kindName(Kind k) {
  switch (k) {
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
    case Kind::kString:
      return "a string";
    case Kind::kNumber:
      return "a number";
    case Kind::kBool:
      return "a boolean";
    case Kind::kNull:
      return "null";
    case Kind::kInvalid:
      return "invalid";
  }
  return "invalid";
}

Error wrongType(const std::string& field, const char* expected, Kind got) {
  return Error::invalidArgument(field + " must be " + expected + ", not " + kindName(got));
}

// Records the field's kind; keeps its text if it is a string, otherwise skips it. A repeated key
// replaces the earlier value, as in nlohmann::json and JavaScript.
bool readField(JsonScanner& s, Field& f) {
  f.present = true;
  f.kind = s.peek();
  f.value.clear();
  return f.kind == Kind::kString ? s.readString(f.value) : s.skipValue();
}

bool readStringMap(JsonScanner& s, MapField& m) {
  m = MapField{};
  m.present = true;
  m.kind = s.peek();
  if (m.kind != Kind::kObject) return s.skipValue();
  return s.forEachMember([&](std::string_view key) {
    const Kind k = s.peek();
    if (k == Kind::kString) {
      std::string value;
      if (!s.readString(value)) return false;
      m.values.insert_or_assign(std::string(key), std::move(value));
      return true;
    }
    if (m.badKey.empty()) {
      m.badKey.assign(key.data(), key.size());
      m.badKind = k;
    }
    return s.skipValue();
  });
}

// Walks `field` if it is an object, calling onMember for its members; otherwise skips it.
template <typename Fn>
bool readObject(JsonScanner& s, Field& field, Fn&& onMember) {
  field.present = true;
  field.kind = s.peek();
  if (field.kind != Kind::kObject) return s.skipValue();
  return s.forEachMember(onMember);
}

bool walkContactData(JsonScanner& s, EventFields& ev) {
  ev.contactId = {};
  ev.endpoint = {};
  ev.address = {};
  ev.systemEndpoint = {};
  ev.systemAddress = {};
  ev.language = {};
  ev.attributes = {};
  return readObject(s, ev.contactData, [&](std::string_view key) {
    if (key == "ContactId") return readField(s, ev.contactId);
    if (key == "LanguageCode") return readField(s, ev.language);
    if (key == "Attributes") return readStringMap(s, ev.attributes);
    if (key == "CustomerEndpoint") {
      ev.address = {};
      return readObject(s, ev.endpoint, [&](std::string_view k) {
        return k == "Address" ? readField(s, ev.address) : s.skipValue();
      });
    }
    if (key == "SystemEndpoint") {
      ev.systemAddress = {};
      return readObject(s, ev.systemEndpoint, [&](std::string_view k) {
        return k == "Address" ? readField(s, ev.systemAddress) : s.skipValue();
      });
    }
    return s.skipValue();  // Channel, Queue, ...: not ours to judge
  });
}

bool walkEvent(JsonScanner& s, EventFields& ev) {
  return s.forEachMember([&](std::string_view key) {
    if (key == "Name") return readField(s, ev.name);
    if (key == "Details") {
      ev.contactData = {};
      ev.parameters = {};
      return readObject(s, ev.details, [&](std::string_view k) {
        if (k == "ContactData") return walkContactData(s, ev);
        if (k == "Parameters") return readStringMap(s, ev.parameters);
        return s.skipValue();
      });
    }
    return s.skipValue();
  });
}

Status checkStringMap(const MapField& m, const std::string& field, bool required) {
  if (!m.present) {
    return required ? Status(Error::invalidArgument(field + " is missing")) : okStatus();
  }
  if (m.kind == Kind::kNull && !required) return okStatus();
  if (m.kind != Kind::kObject) return wrongType(field, "an object", m.kind);
  if (!m.badKey.empty()) return wrongType(field + "." + m.badKey, "a string", m.badKind);
  return okStatus();
}

// An optional string field: absent or null leaves `out` alone.
Status takeOptionalString(Field& f, const std::string& field, std::string& out) {
  if (!f.present || f.kind == Kind::kNull) return okStatus();
  if (f.kind != Kind::kString) return wrongType(field, "a string", f.kind);
  out = std::move(f.value);
  return okStatus();
}

Result<FunctionRequest> validate(EventFields& ev) {
  if (!ev.name.present)
    return Error::invalidArgument("Name is missing (expected \"ContactFlowEvent\")");
  if (ev.name.kind != Kind::kString || ev.name.value != "ContactFlowEvent") {
    return Error::invalidArgument("Name must be \"ContactFlowEvent\"");
  }
  if (!ev.details.present) return Error::invalidArgument("Details is missing");
  if (ev.details.kind != Kind::kObject) return wrongType("Details", "an object", ev.details.kind);
  if (!ev.contactData.present) return Error::invalidArgument("Details.ContactData is missing");
  if (ev.contactData.kind != Kind::kObject) {
    return wrongType("Details.ContactData", "an object", ev.contactData.kind);
  }
  if (Status st = checkStringMap(ev.parameters, "Details.Parameters", true); !st) return st.error();

  FunctionRequest request;
  ContactData& contact = request.contact;
  const std::string base = "Details.ContactData";
  if (Status st = takeOptionalString(ev.contactId, base + ".ContactId", contact.contactId); !st) {
    return st.error();
  }
  // Connect sends CustomerEndpoint: null for some contacts (e.g. tasks); the function then sees
  // an empty address and decides. An absent key or an endpoint without Address is malformed.
  if (!ev.endpoint.present) return Error::invalidArgument(base + ".CustomerEndpoint is missing");
  if (ev.endpoint.kind == Kind::kObject) {
    if (!ev.address.present) {
      return Error::invalidArgument(base + ".CustomerEndpoint.Address is missing");
    }
    if (Status st = takeOptionalString(ev.address, base + ".CustomerEndpoint.Address",
                                       contact.customerAddress);
        !st) {
      return st.error();
    }
  } else if (ev.endpoint.kind != Kind::kNull) {
    return wrongType(base + ".CustomerEndpoint", "an object or null", ev.endpoint.kind);
  }
  // The number dialled (the signed verdict's `dialled`): taken when it is a string, otherwise
  // ignored, as before it was read at all; nothing decides on it.
  if (ev.systemAddress.present && ev.systemAddress.kind == Kind::kString) {
    contact.systemAddress = std::move(ev.systemAddress.value);
  }
  std::string language;
  if (Status st = takeOptionalString(ev.language, base + ".LanguageCode", language); !st) {
    return st.error();
  }
  if (!language.empty()) contact.languageCode = std::move(language);
  if (Status st = checkStringMap(ev.attributes, base + ".Attributes", false); !st) {
    return st.error();
  }
  contact.attributes = std::move(ev.attributes.values);
  request.parameters = std::move(ev.parameters.values);

  if (auto it = request.parameters.find(std::string(kAttestationParameter));
      it != request.parameters.end()) {
    Result<Attestation> a = parseAttestation(it->second);
    if (!a) {
      return Error::invalidArgument("Details.Parameters.attestation: " + a.error().message());
    }
    contact.attestation = *a;
  }
  return request;
}

}  // namespace

Result<FunctionRequest> parseConnectEvent(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error::invalidArgument("request body is empty; expected an Amazon Connect event");
  }
  JsonScanner scanner(body, kMaxJsonDepth);
  const Kind top = scanner.peek();
  EventFields ev;
  bool ok = top == Kind::kObject ? walkEvent(scanner, ev) : scanner.skipValue();
  ok = ok && scanner.finish();
  if (scanner.depthExceeded()) {
    return Error::invalidArgument("request body nests JSON deeper than " +
                                  std::to_string(kMaxJsonDepth) + " levels");
  }
  if (!ok) {
    return Error::invalidArgument("request body is not valid JSON (at byte " +
                                  std::to_string(scanner.offset()) + ")");
  }
  if (top != Kind::kObject) {
    return wrongType("the request body", "a JSON object (an Amazon Connect event)", top);
  }
  return validate(ev);
}

std::string stringMapToJson(const StringMap& map) {
  std::string out;
  size_t size = 2;
  for (const auto& [k, v] : map) size += k.size() + v.size() + 6;
  out.reserve(size);
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : map) {
    if (!first) out.push_back(',');
    first = false;
    json::appendString(out, k);
    out.push_back(':');
    json::appendString(out, v);
  }
  out.push_back('}');
  return out;
}

}  // namespace callgate::connect
