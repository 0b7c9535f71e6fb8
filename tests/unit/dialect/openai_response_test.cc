#include "dialect/openai_response.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sluice::dialect {
namespace {

namespace json = boost::json;

TEST(ExtractUsage, ReadsDetails) {
  TokenUsage u;
  ASSERT_TRUE(ExtractUsage(
      R"({"id":"x","usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":3}}})",
      u));
  EXPECT_EQ(u.input, 19u);
  EXPECT_EQ(u.output, 10u);
  EXPECT_EQ(u.cached_input, 4u);
  EXPECT_EQ(u.reasoning, 3u);
}

TEST(ExtractUsage, AbsentOrNull) {
  TokenUsage u;
  EXPECT_FALSE(ExtractUsage(R"({"id":"x"})", u));
  EXPECT_FALSE(ExtractUsage(R"({"id":"x","usage":null})", u));
  EXPECT_FALSE(ExtractUsage(R"({"content":"\"usage\":{"})", u));
}

TEST(InspectChunk, UsageOnlyChunk) {
  TokenUsage u;
  auto info = InspectChunk(R"({"id":"c","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}})", u);
  EXPECT_TRUE(info.usage_only);
  EXPECT_FALSE(info.is_error);
  EXPECT_EQ(u.input, 9u);
}

TEST(InspectChunk, ContentChunkIsCheap) {
  TokenUsage u;
  auto info = InspectChunk(R"({"id":"c","choices":[{"index":0,"delta":{"content":"error"}}],"usage":null})", u);
  EXPECT_FALSE(info.usage_only);
  EXPECT_FALSE(info.is_error);
  EXPECT_FALSE(u.present);
}

TEST(InspectChunk, ErrorPayload) {
  TokenUsage u;
  auto info = InspectChunk(R"({"error":{"message":"boom","type":"server_error","param":null,"code":null}})", u);
  EXPECT_TRUE(info.is_error);
}

TEST(NormalizeUpstreamError, PassesOpenAiShapeAndCompletesKeys) {
  auto v = json::parse(NormalizeUpstreamError(429, R"({"error":{"message":"slow down","type":"requests"}})"));
  const auto& e = v.at("error").as_object();
  EXPECT_EQ(e.at("message").as_string(), "slow down");
  EXPECT_EQ(e.at("type").as_string(), "requests");
  EXPECT_TRUE(e.at("param").is_null());
  EXPECT_TRUE(e.at("code").is_null());
}

TEST(NormalizeUpstreamError, WrapsNonJsonBodies) {
  auto v = json::parse(NormalizeUpstreamError(503, "<html>Service Unavailable</html>"));
  const auto& e = v.at("error").as_object();
  EXPECT_EQ(e.at("type").as_string(), "server_error");
  EXPECT_EQ(e.at("code").as_string(), "upstream_error");
  EXPECT_NE(std::string(e.at("message").as_string()).find("503"), std::string::npos);
}

TEST(NormalizeUpstreamError, TopLevelMessageServers) {
  auto v = json::parse(NormalizeUpstreamError(400, R"({"object":"error","message":"bad prompt","code":400})"));
  EXPECT_EQ(v.at("error").at("message").as_string(), "bad prompt");
  EXPECT_EQ(v.at("error").at("type").as_string(), "invalid_request_error");
}

}  // namespace
}  // namespace sluice::dialect

namespace sluice::dialect {
namespace {

TEST(ExtractUsage, OnlyTopLevelUsageCounts) {
  TokenUsage u;
  // A "usage" inside a choice is not the response's usage.
  ASSERT_TRUE(ExtractUsage(
      R"({"choices":[{"message":{"content":"x"},"usage":{"prompt_tokens":999}}],"usage" : { "prompt_tokens" : 7 , "completion_tokens":3, "prompt_tokens_details":{"cached_tokens":2}}})",
      u));
  EXPECT_EQ(u.input, 7u);
  EXPECT_EQ(u.output, 3u);
  EXPECT_EQ(u.cached_input, 2u);
  EXPECT_EQ(u.reasoning, 0u);
}

TEST(ExtractUsage, MalformedBodiesDoNotCrash) {
  TokenUsage u;
  for (std::string_view s : {R"({"usage":{)", R"({"usage":{"prompt_tokens":)", R"({"usage":{"prompt_tokens":"12"}})",
                             R"("usage":{})", R"({"a":"\"usage\":{"})"}) {
    ExtractUsage(s, u);
  }
  SUCCEED();
}

}  // namespace
}  // namespace sluice::dialect
