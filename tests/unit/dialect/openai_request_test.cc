#include "dialect/openai_request.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "dialect/json_members.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;

TEST(DecodeOpenAiRequest, AcceptsMinimalChat) {
  auto r = DecodeOpenAiRequest(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})",
                               OpenAiEndpoint::kChatCompletions);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->model, "m");
  EXPECT_FALSE(r->stream);
}

TEST(DecodeOpenAiRequest, ReadsStreamAndUsageFlags) {
  auto r = DecodeOpenAiRequest(
      R"({"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]})",
      OpenAiEndpoint::kChatCompletions);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->stream);
  EXPECT_TRUE(r->client_wants_usage);
}

struct BadCase {
  const char* body;
  const char* param;
};

class DecodeRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(DecodeRejects, WithOpenAiShapedError) {
  auto r = DecodeOpenAiRequest(GetParam().body, OpenAiEndpoint::kChatCompletions);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().Status(), 400);
  EXPECT_EQ(r.error().param, GetParam().param);
  auto body = json::parse(core::OpenAiErrorBody(r.error()));
  const auto& err = body.at("error").as_object();
  EXPECT_TRUE(err.contains("message") && err.contains("type") && err.contains("param") && err.contains("code"));
  EXPECT_EQ(err.at("type").as_string(), "invalid_request_error");
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, DecodeRejects,
    ::testing::Values(BadCase{"{not json", ""}, BadCase{"[1,2]", ""}, BadCase{R"({"messages":[]})", "model"},
                      BadCase{R"({"model":7,"messages":[{"role":"user"}]})", "model"},
                      BadCase{R"({"model":"m"})", "messages"}, BadCase{R"({"model":"m","messages":[]})", "messages"},
                      BadCase{R"({"model":"m","messages":"hi"})", "messages"},
                      BadCase{R"({"model":"m","messages":[{"content":"x"}]})", "messages"},
                      BadCase{R"({"model":"m","messages":[{"role":"user"}],"stream":"yes"})", "stream"},
                      BadCase{R"({"model":"m","messages":[{"role":"user"}],"stream_options":{}})", "stream_options"},
                      BadCase{"", ""}, BadCase{"{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]", ""}));

TEST(DecodeOpenAiRequest, EmbeddingsNeedInput) {
  EXPECT_TRUE(DecodeOpenAiRequest(R"({"model":"e","input":"hello"})", OpenAiEndpoint::kEmbeddings).ok());
  EXPECT_TRUE(DecodeOpenAiRequest(R"({"model":"e","input":["a","b"]})", OpenAiEndpoint::kEmbeddings).ok());
  EXPECT_FALSE(DecodeOpenAiRequest(R"({"model":"e"})", OpenAiEndpoint::kEmbeddings).ok());
  EXPECT_FALSE(DecodeOpenAiRequest(R"({"model":"e","input":""})", OpenAiEndpoint::kEmbeddings).ok());
  EXPECT_FALSE(DecodeOpenAiRequest(R"({"model":"e","input":[]})", OpenAiEndpoint::kEmbeddings).ok());
}

TEST(EncodeOpenAiUpstreamBody, RewritesModelAndKeepsEveryOtherByte) {
  std::string body = R"({ "model" : "alias",  "messages":[{"role":"user","content":"model \"x\""}], "x_unknown": {"a":[1,2.50]} })";
  auto r = DecodeOpenAiRequest(body, OpenAiEndpoint::kChatCompletions);
  ASSERT_TRUE(r.ok());
  std::string out = EncodeOpenAiUpstreamBody(body, *r, "real-model");
  EXPECT_EQ(out,
            R"({ "model" : "real-model",  "messages":[{"role":"user","content":"model \"x\""}], "x_unknown": {"a":[1,2.50]} })");
}

TEST(EncodeOpenAiUpstreamBody, InjectsIncludeUsageForStreams) {
  std::string body = R"({"model":"a","stream":true,"messages":[{"role":"user","content":"hi"}]})";
  auto r = DecodeOpenAiRequest(body, OpenAiEndpoint::kChatCompletions);
  ASSERT_TRUE(r.ok());
  auto v = json::parse(EncodeOpenAiUpstreamBody(body, *r, "b"));
  EXPECT_EQ(v.at("model").as_string(), "b");
  EXPECT_EQ(v.at("stream_options").at("include_usage").as_bool(), true);
  EXPECT_EQ(v.at("messages").as_array().size(), 1u);
}

TEST(EncodeOpenAiUpstreamBody, KeepsOtherStreamOptions) {
  std::string body =
      R"({"model":"a","stream":true,"stream_options":{"include_obfuscation":false},"messages":[{"role":"user"}]})";
  auto r = DecodeOpenAiRequest(body, OpenAiEndpoint::kChatCompletions);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->client_wants_usage);
  auto v = json::parse(EncodeOpenAiUpstreamBody(body, *r, "a"));
  EXPECT_EQ(v.at("stream_options").at("include_usage").as_bool(), true);
  EXPECT_EQ(v.at("stream_options").at("include_obfuscation").as_bool(), false);
}

TEST(EncodeOpenAiUpstreamBody, LeavesNonStreamingRequestsWithoutStreamOptions) {
  std::string body = R"({"model":"a","messages":[{"role":"user"}]})";
  auto r = DecodeOpenAiRequest(body, OpenAiEndpoint::kChatCompletions);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(EncodeOpenAiUpstreamBody(body, *r, "a"), body);
}

TEST(EncodeOpenAiUpstreamBody, HandlesEscapedKeysAndNames) {
  std::string body = R"({"mod\u0065l":"a","messages":[{"role":"user"}]})";
  auto r = DecodeOpenAiRequest(body, OpenAiEndpoint::kChatCompletions);
  ASSERT_TRUE(r.ok());
  auto v = json::parse(EncodeOpenAiUpstreamBody(body, *r, "we\"ird\\name"));
  EXPECT_EQ(v.at("model").as_string(), "we\"ird\\name");
}

TEST(ScanTopLevelMembers, SkipsNestedStructuresAndStrings) {
  std::vector<JsonMember> m;
  std::string s = R"({"a":{"model":"x","b":["}",{"c":"]"}]},"model":"y","z":null,"n":-1.5e3})";
  ASSERT_TRUE(ScanTopLevelMembers(s, m));
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[1].key, "model");
  EXPECT_EQ(s.substr(m[1].value_begin, m[1].value_end - m[1].value_begin), "\"y\"");
  EXPECT_EQ(s.substr(m[3].value_begin, m[3].value_end - m[3].value_begin), "-1.5e3");
}

}  // namespace
}  // namespace sluice::dialect
