#include <gtest/gtest.h>

#include "channels/web/html_template.h"
#include "channels/web/web_assets.h"

namespace callgate::web {
namespace {

TEST(HtmlTemplateTest, EscapesValuesByDefault) {
  EXPECT_EQ(renderTemplate("<p>{{name}}</p>", {{"name", "<script>alert('x')</script> & \"q\""}}),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
}

TEST(HtmlTemplateTest, TripleBracesInsertRawHtml) {
  EXPECT_EQ(renderTemplate("<main>{{{content}}}</main>", {{"content", "<b>hi</b>"}}),
            "<main><b>hi</b></main>");
}

TEST(HtmlTemplateTest, UnknownNamesRenderEmptyAndUnclosedBracesStay) {
  EXPECT_EQ(renderTemplate("a{{missing}}b", {}), "ab");
  EXPECT_EQ(renderTemplate("a{{open", {{"open", "x"}}), "a{{open");
}

TEST(HtmlTemplateTest, ValuesAreNotReinterpretedAsTemplates) {
  EXPECT_EQ(renderTemplate("{{a}}{{b}}", {{"a", "{{b}}"}, {"b", "2"}}), "{{b}}2");
}

TEST(WebAssetsTest, PagesAreEmbedded) {
  EXPECT_NE(webAsset("page.html").find("{{{content}}}"), std::string_view::npos);
  EXPECT_NE(webAsset("confirm.html").find("id=\"confirm-form\""), std::string_view::npos);
  EXPECT_NE(webAsset("add-member.html").find("id=\"member-form\""), std::string_view::npos);
  EXPECT_NE(webAsset("link-error.html").find("id=\"link-error\""), std::string_view::npos);
  EXPECT_FALSE(webAsset("add-member.js").empty());
  EXPECT_FALSE(webAsset("style.css").empty());
  EXPECT_TRUE(webAsset("nope.html").empty());
}

}  // namespace
}  // namespace callgate::web
