#include "core/flow/references.h"

#include <gtest/gtest.h>

namespace callgate::flow {
namespace {

ContactState sampleState() {
  ContactState s;
  s.call.contactId = "c-1";
  s.call.customerAddress = "+15551230000";
  s.call.systemAddress = "+18005550100";
  s.call.channel = "VOICE";
  s.call.languageCode = "en-GB";
  s.attributes = {{"firstName", "Ada"}, {"sfdc-issue__c", "billing"}};
  s.external = {{"status", "complete"}, {"a.b", "nested"}};
  s.storedCustomerInput = "4321";
  s.queue = "Agents";
  return s;
}

std::string resolve(std::string_view path) {
  Result<Reference> ref = parseReference(path);
  EXPECT_TRUE(ref.ok()) << path;
  return ref.ok() ? lookup(sampleState(), *ref) : "<error>";
}

TEST(ReferenceTest, ResolvesEverySupportedPath) {
  EXPECT_EQ(resolve("$.Attributes.firstName"), "Ada");
  EXPECT_EQ(resolve("$.Attributes.sfdc-issue__c"), "billing");
  EXPECT_EQ(resolve("$.External.status"), "complete");
  EXPECT_EQ(resolve("$.External.a.b"), "nested");
  EXPECT_EQ(resolve("$.StoredCustomerInput"), "4321");
  EXPECT_EQ(resolve("$.CustomerEndpoint.Address"), "+15551230000");
  EXPECT_EQ(resolve("$.CustomerEndpoint.Type"), "TELEPHONE_NUMBER");
  EXPECT_EQ(resolve("$.SystemEndpoint.Address"), "+18005550100");
  EXPECT_EQ(resolve("$.SystemEndpoint.Type"), "TELEPHONE_NUMBER");
  EXPECT_EQ(resolve("$.ContactId"), "c-1");
  EXPECT_EQ(resolve("$.InitialContactId"), "c-1");
  EXPECT_EQ(resolve("$.Channel"), "VOICE");
  EXPECT_EQ(resolve("$.LanguageCode"), "en-GB");
  EXPECT_EQ(resolve("$.Queue.Name"), "Agents");
}

TEST(ReferenceTest, MissingValuesResolveToEmpty) {
  EXPECT_EQ(resolve("$.Attributes.nothing"), "");
  EXPECT_EQ(resolve("$.External.nothing"), "");
  EXPECT_EQ(lookup(ContactState{}, *parseReference("$.Queue.Name")), "");
}

TEST(ReferenceTest, RejectsUnknownPaths) {
  for (std::string_view bad : {"$.Foo.bar", "$.Attributes", "$.External", "$.CustomerEndpoint",
                               "$.CustomerEndpoint.Name", "$.Queue.ARN", "$.ContactId.x",
                               "$.Lex.Intent", "$.", "$.Attributes.x y", "$.Attributes.x."}) {
    Result<Reference> ref = parseReference(bad);
    ASSERT_FALSE(ref.ok()) << bad;
    EXPECT_NE(ref.error().message().find("unknown reference"), std::string::npos)
        << ref.error().message();
  }
  EXPECT_EQ(parseReference("$.Foo.bar").error().message(), "unknown reference '$.Foo.bar'");
}

TEST(ReferenceTest, RejectsNonReferences) {
  Result<Reference> ref = parseReference("Attributes.x");
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.error().message(), "'Attributes.x' is not a reference");
}

TEST(TemplateTest, StaticTextHasNoReferences) {
  Result<Template> t = Template::parse("Thank you for calling. It costs $5.");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->isStatic());
  EXPECT_EQ(t->singleReference(), nullptr);
  EXPECT_EQ(*t->render(sampleState(), 1000), "Thank you for calling. It costs $5.");
}

TEST(TemplateTest, SingleReferenceIsRecognised) {
  Result<Template> t = Template::parse("$.External.status");
  ASSERT_TRUE(t.ok());
  ASSERT_NE(t->singleReference(), nullptr);
  EXPECT_EQ(t->singleReference()->path, "$.External.status");
  EXPECT_EQ(*t->render(sampleState(), 1000), "complete");
}

TEST(TemplateTest, RendersEmbeddedReferencesAndKeepsPunctuation) {
  Result<Template> t =
      Template::parse("Hello $.Attributes.firstName, welcome. Your PIN was $.StoredCustomerInput.");
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->isStatic());
  EXPECT_EQ(t->singleReference(), nullptr);
  EXPECT_EQ(*t->render(sampleState(), 1000), "Hello Ada, welcome. Your PIN was 4321.");
}

TEST(TemplateTest, ReferenceEndsAtQuotesAndTags) {
  Result<Template> t =
      Template::parse("<say-as>$.StoredCustomerInput</say-as> '$.CustomerEndpoint.Address'");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->render(sampleState(), 1000), "<say-as>4321</say-as> '+15551230000'");
}

TEST(TemplateTest, AdjacentReferences) {
  Result<Template> t = Template::parse("$.Attributes.firstName$.Queue.Name");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->parts().size(), 2u);
  EXPECT_EQ(*t->render(sampleState(), 1000), "AdaAgents");
}

TEST(TemplateTest, MissingReferenceRendersEmpty) {
  Result<Template> t = Template::parse("Hello $.External.givenName!");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->render(sampleState(), 1000), "Hello !");
}

TEST(TemplateTest, UnknownEmbeddedReferenceIsAnError) {
  Result<Template> t = Template::parse("Hello $.Foo.bar there");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message(), "unknown reference '$.Foo.bar'");
}

TEST(TemplateTest, RenderRefusesToExceedTheLimit) {
  Result<Template> t = Template::parse("$.Attributes.firstName$.Attributes.firstName");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->render(sampleState(), 6), "AdaAda");
  EXPECT_FALSE(t->render(sampleState(), 5).has_value());
  EXPECT_FALSE(Template::literal("too long").render(sampleState(), 3).has_value());
}

}  // namespace
}  // namespace callgate::flow
