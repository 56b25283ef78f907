#include "adapters/platform/graphviz/dot_renderer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>

#include "fakes/temp_dir.h"

namespace callgate::graphviz {
namespace {

TEST(DotRendererTest, DrawsAGraphAsSvgWithItsLabelsEscaped) {
  auto svg = renderSvg("digraph flow { a [label=\"<b>&</b>\"]; a -> b; }");
  ASSERT_TRUE(svg.ok()) << svg.error().toString();
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("&lt;b&gt;&amp;&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(svg->find("<b>"), std::string::npos);
}

TEST(DotRendererTest, AGraphDotRefusesIsInvalidArgumentWithItsError) {
  auto svg = renderSvg("digraph { a -> ");
  ASSERT_FALSE(svg.ok());
  EXPECT_EQ(svg.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(svg.error().message().find("syntax error"), std::string::npos) << svg.error().message();
}

TEST(DotRendererTest, AMissingProgramIsUnavailable) {
  DotOptions options;
  options.program = "/nonexistent/dot";
  auto svg = renderSvg("digraph { a }", options);
  ASSERT_FALSE(svg.ok());
  EXPECT_EQ(svg.error().code(), ErrorCode::kUnavailable);
}

TEST(DotRendererTest, AProgramThatHangsIsKilledAtTheDeadline) {
  testing::TempDir dir;
  const std::string script = dir.file("slow-dot");
  std::ofstream(script) << "#!/bin/sh\nexec sleep 30\n";
  ::chmod(script.c_str(), 0700);
  DotOptions options;
  options.program = script;
  options.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  auto svg = renderSvg("digraph { a }", options);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(svg.ok());
  EXPECT_EQ(svg.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(svg.error().message().find("too long"), std::string::npos);
}

TEST(DotRendererTest, ALargeGraphDoesNotDeadlockOnThePipes) {
  std::string dot = "digraph g {";
  // More than a pipe holds both ways (64 KiB): 100 KiB in, several hundred out.
  const std::string label(100, 'x');
  for (int i = 0; i < 1000; ++i) {
    dot += " n" + std::to_string(i) + " [label=\"" + label + "\"]; n" + std::to_string(i) +
           " -> n" + std::to_string(i + 1) + ";";
  }
  dot += " }";
  DotOptions options;
  options.timeout = std::chrono::seconds(60);
  auto svg = renderSvg(dot, options);
  ASSERT_TRUE(svg.ok()) << svg.error().toString();
  EXPECT_NE(svg->find("n999"), std::string::npos);
}

}  // namespace
}  // namespace callgate::graphviz
