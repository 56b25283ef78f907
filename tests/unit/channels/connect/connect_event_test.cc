// Decoding the Amazon Connect Lambda event into a FunctionRequest: every validation rule.

#include "channels/connect/connect_event.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace callgate::connect {
namespace {

using nlohmann::json;

json validEvent() {
  return json::parse(R"({
    "Details": {
      "ContactData": {
        "Attributes": {"existing": "yes"},
        "Channel": "VOICE",
        "ContactId": "4a573372-1f28-4e26-b97b-XXXXXXXXXXX",
        "CustomerEndpoint": {"Address": "+14155550100", "Type": "TELEPHONE_NUMBER"},
        "InitialContactId": "4a573372-1f28-4e26-b97b-XXXXXXXXXXX",
        "InitiationMethod": "INBOUND",
        "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/abc",
        "LanguageCode": "fr-CA",
        "MediaStreams": {"Customer": {"Audio": null}},
        "PreviousContactId": "4a573372-1f28-4e26-b97b-XXXXXXXXXXX",
        "Queue": null,
        "SystemEndpoint": {"Address": "+18005550199", "Type": "TELEPHONE_NUMBER"}
      },
      "Parameters": {"code": "123456", "attestation": "A"}
    },
    "Name": "ContactFlowEvent"
  })");
}

std::string errorOf(const std::string& body) {
  auto r = parseConnectEvent(body);
  if (r.ok()) return "<ok>";
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  return r.error().message();
}

std::string errorOfEvent(const json& event) { return errorOf(event.dump()); }

TEST(ConnectEventTest, DecodesAFullEvent) {
  auto r = parseConnectEvent(validEvent().dump());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->contact.contactId, "4a573372-1f28-4e26-b97b-XXXXXXXXXXX");
  EXPECT_EQ(r->contact.customerAddress, "+14155550100");
  EXPECT_EQ(r->contact.systemAddress, "+18005550199");
  EXPECT_EQ(r->contact.languageCode, "fr-CA");
  EXPECT_EQ(r->contact.attestation, Attestation::kA);
  EXPECT_EQ(r->contact.attributes, (StringMap{{"existing", "yes"}}));
  EXPECT_EQ(r->parameters, (StringMap{{"code", "123456"}, {"attestation", "A"}}));
}

TEST(ConnectEventTest, ASystemEndpointThatIsNotAnObjectWithAnAddressIsIgnored) {
  for (const json& endpoint : {json(nullptr), json("x"), json::object(), json{{"Address", nullptr}},
                               json{{"Address", 7}}}) {
    json e = validEvent();
    e["Details"]["ContactData"]["SystemEndpoint"] = endpoint;
    auto r = parseConnectEvent(e.dump());
    ASSERT_TRUE(r.ok()) << endpoint.dump() << ": " << r.error().message();
    EXPECT_EQ(r->contact.systemAddress, "") << endpoint.dump();
  }
}

TEST(ConnectEventTest, DefaultsWhenOptionalFieldsAreAbsent) {
  json e = validEvent();
  auto& cd = e["Details"]["ContactData"];
  cd.erase("LanguageCode");
  cd.erase("Attributes");
  cd.erase("ContactId");
  e["Details"]["Parameters"] = json::object();
  auto r = parseConnectEvent(e.dump());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->contact.languageCode, "en-US");
  EXPECT_EQ(r->contact.attestation, Attestation::kNone);
  EXPECT_TRUE(r->contact.attributes.empty());
  EXPECT_TRUE(r->parameters.empty());
}

TEST(ConnectEventTest, NullCustomerEndpointGivesEmptyAddress) {
  json e = validEvent();
  e["Details"]["ContactData"]["CustomerEndpoint"] = nullptr;
  auto r = parseConnectEvent(e.dump());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->contact.customerAddress, "");
}

TEST(ConnectEventTest, VerstatAttestationIsAccepted) {
  json e = validEvent();
  e["Details"]["Parameters"]["attestation"] = "TN-Validation-Passed-B";
  auto r = parseConnectEvent(e.dump());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->contact.attestation, Attestation::kB);
}

TEST(ConnectEventTest, RejectsBodiesThatAreNotAJsonObject) {
  EXPECT_NE(errorOf("").find("empty"), std::string::npos);
  EXPECT_NE(errorOf("{\"Details\": ").find("not valid JSON"), std::string::npos);
  EXPECT_NE(errorOf("not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(errorOf("[1,2]").find("JSON object"), std::string::npos);
  EXPECT_NE(errorOf("\"str\"").find("JSON object"), std::string::npos);
  EXPECT_NE(errorOf("null").find("JSON object"), std::string::npos);
}

TEST(ConnectEventTest, RejectsDeepNestingBeforeParsing) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  EXPECT_NE(errorOf(deep).find("deeper than 32"), std::string::npos);
  // Brackets inside strings do not count.
  json e = validEvent();
  e["Details"]["Parameters"]["note"] = std::string(100, '[');
  EXPECT_EQ(errorOfEvent(e), "<ok>");
}

TEST(ConnectEventTest, RequiresNameContactFlowEvent) {
  json e = validEvent();
  e.erase("Name");
  EXPECT_NE(errorOfEvent(e).find("Name is missing"), std::string::npos);
  e["Name"] = "Other";
  EXPECT_NE(errorOfEvent(e).find("Name must be \"ContactFlowEvent\""), std::string::npos);
  e["Name"] = 5;
  EXPECT_NE(errorOfEvent(e).find("Name must be"), std::string::npos);
}

TEST(ConnectEventTest, RequiresDetailsAndItsObjects) {
  json e = validEvent();
  e.erase("Details");
  EXPECT_EQ(errorOfEvent(e), "Details is missing");
  e["Details"] = "x";
  EXPECT_EQ(errorOfEvent(e), "Details must be an object, not a string");

  e = validEvent();
  e["Details"].erase("ContactData");
  EXPECT_EQ(errorOfEvent(e), "Details.ContactData is missing");
  e["Details"]["ContactData"] = json::array();
  EXPECT_EQ(errorOfEvent(e), "Details.ContactData must be an object, not an array");

  e = validEvent();
  e["Details"].erase("Parameters");
  EXPECT_EQ(errorOfEvent(e), "Details.Parameters is missing");
  e["Details"]["Parameters"] = nullptr;
  EXPECT_EQ(errorOfEvent(e), "Details.Parameters must be an object, not null");
}

TEST(ConnectEventTest, ParametersMustBeStrings) {
  json e = validEvent();
  e["Details"]["Parameters"]["code"] = 123456;
  EXPECT_EQ(errorOfEvent(e), "Details.Parameters.code must be a string, not a number");
  e["Details"]["Parameters"]["code"] = json::object();
  EXPECT_EQ(errorOfEvent(e), "Details.Parameters.code must be a string, not an object");
}

TEST(ConnectEventTest, RequiresCustomerEndpointAndAddress) {
  json e = validEvent();
  auto& cd = e["Details"]["ContactData"];
  cd["CustomerEndpoint"].erase("Address");
  EXPECT_EQ(errorOfEvent(e), "Details.ContactData.CustomerEndpoint.Address is missing");
  cd["CustomerEndpoint"]["Address"] = 14155550100;
  EXPECT_EQ(errorOfEvent(e),
            "Details.ContactData.CustomerEndpoint.Address must be a string, not a number");
  cd["CustomerEndpoint"] = "+14155550100";
  EXPECT_EQ(errorOfEvent(e),
            "Details.ContactData.CustomerEndpoint must be an object or null, not a string");
  cd.erase("CustomerEndpoint");
  EXPECT_EQ(errorOfEvent(e), "Details.ContactData.CustomerEndpoint is missing");
}

TEST(ConnectEventTest, ChecksOptionalContactFieldTypes) {
  json e = validEvent();
  e["Details"]["ContactData"]["LanguageCode"] = 7;
  EXPECT_EQ(errorOfEvent(e), "Details.ContactData.LanguageCode must be a string, not a number");
  e = validEvent();
  e["Details"]["ContactData"]["ContactId"] = true;
  EXPECT_EQ(errorOfEvent(e), "Details.ContactData.ContactId must be a string, not a boolean");
  e = validEvent();
  e["Details"]["ContactData"]["Attributes"] = "x";
  EXPECT_EQ(errorOfEvent(e), "Details.ContactData.Attributes must be an object, not a string");
  e["Details"]["ContactData"]["Attributes"] = {{"level", 3}};
  EXPECT_EQ(errorOfEvent(e), "Details.ContactData.Attributes.level must be a string, not a number");
}

TEST(ConnectEventTest, RejectsAnUnknownAttestation) {
  json e = validEvent();
  e["Details"]["Parameters"]["attestation"] = "D";
  EXPECT_NE(errorOfEvent(e).find("Details.Parameters.attestation"), std::string::npos);
}

TEST(ConnectEventTest, EncodesStringMapsAsFlatJson) {
  EXPECT_EQ(stringMapToJson({}), "{}");
  const std::string out = stringMapToJson({{"a", "1"}, {"b", "x\"y"}});
  EXPECT_EQ(out, R"({"a":"1","b":"x\"y"})");
  EXPECT_EQ(json::parse(out)["b"], "x\"y");
}

}  // namespace
}  // namespace callgate::connect
