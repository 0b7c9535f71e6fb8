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

// ---- Per-server quirks in the byte splice (provider presets → OpenAiUpstreamOptions) ----

OpenAiRequest Decoded(const std::string& body) {
  auto r = DecodeOpenAiRequest(body, OpenAiEndpoint::kChatCompletions);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : OpenAiRequest{};
}

OpenAiUpstreamOptions MistralLike() {
  OpenAiUpstreamOptions o;
  o.stream_usage = false;
  o.max_tokens_field = "max_tokens";
  o.seed_field = "random_seed";
  o.tool_call_ids = ToolCallIdRule::kNineAlnum;
  return o;
}

TEST(EncodeOpenAiUpstreamBody, DefaultOptionsMatchTheThreeArgumentForm) {
  for (std::string body :
       {std::string(R"({"model":"a","stream":true,"max_completion_tokens":5,"seed":1,"messages":[{"role":"user"}]})"),
        std::string(R"({"model":"a","stream":true,"stream_options":{"include_usage":false},"messages":[{"role":"user"}]})"),
        std::string(R"({ "seed" : 3, "model":"a","messages":[{"role":"tool","tool_call_id":"call_1"}] })")}) {
    OpenAiRequest r = Decoded(body);
    EXPECT_EQ(EncodeOpenAiUpstreamBody(body, r, "b", OpenAiUpstreamOptions{}), EncodeOpenAiUpstreamBody(body, r, "b"));
  }
}

TEST(EncodeOpenAiUpstreamBody, RenamesMaxCompletionTokensAndSeedKeepingTheValueBytes) {
  std::string body =
      R"({"model":"a","max_completion_tokens": 256 ,"messages":[{"role":"user","content":"seed"}],"seed":42})";
  std::string out = EncodeOpenAiUpstreamBody(body, Decoded(body), "m", MistralLike());
  EXPECT_EQ(out, R"({"model":"m","max_tokens": 256 ,"messages":[{"role":"user","content":"seed"}],"random_seed":42})");
}

TEST(EncodeOpenAiUpstreamBody, ARenamedMemberGivesWayToTheServersOwnName) {
  // Both names sent: the server's own member wins, the other is removed with its comma.
  std::string body = R"({"max_completion_tokens":9,"model":"a","max_tokens":7,"messages":[{"role":"user"}]})";
  std::string out = EncodeOpenAiUpstreamBody(body, Decoded(body), "a", MistralLike());
  EXPECT_EQ(out, R"({"model":"a","max_tokens":7,"messages":[{"role":"user"}]})");
  auto v = json::parse(out);
  EXPECT_FALSE(v.as_object().contains("max_completion_tokens"));
}

TEST(EncodeOpenAiUpstreamBody, DropsStreamOptionsForServersThatRejectIt) {
  // Mistral reports usage on its last chunk unasked and answers 422 to stream_options.
  std::string body =
      R"({"model":"a","stream":true,"messages":[{"role":"user"}],"stream_options":{"include_usage":true}})";
  EXPECT_EQ(EncodeOpenAiUpstreamBody(body, Decoded(body), "a", MistralLike()),
            R"({"model":"a","stream":true,"messages":[{"role":"user"}]})");
  std::string plain = R"({"model":"a","stream":true,"messages":[{"role":"user"}]})";
  EXPECT_EQ(EncodeOpenAiUpstreamBody(plain, Decoded(plain), "a", MistralLike()), plain);  // nothing injected
}

TEST(EncodeOpenAiUpstreamBody, RemovesAdjacentMembersWithoutBreakingTheObject) {
  OpenAiUpstreamOptions o = MistralLike();
  o.parallel_tool_calls = false;
  // Removed members first, in the middle and last, adjacent to each other.
  for (std::string body : {
           std::string(R"({"parallel_tool_calls":true,"stream_options":{"include_usage":true},"model":"a","stream":true,"messages":[{"role":"user"}]})"),
           std::string(R"({"model":"a","stream":true,"parallel_tool_calls":false,"stream_options":null,"messages":[{"role":"user"}]})"),
           std::string(R"({"model":"a","stream":true,"messages":[{"role":"user"}], "parallel_tool_calls" : false , "stream_options":{}})"),
       }) {
    std::string out = EncodeOpenAiUpstreamBody(body, Decoded(body), "a", o);
    boost::system::error_code ec;
    auto v = json::parse(out, ec);
    ASSERT_FALSE(ec) << out;
    EXPECT_EQ(v.as_object().size(), 3u) << out;
    EXPECT_TRUE(v.as_object().contains("messages")) << out;
  }
}

TEST(EncodeOpenAiUpstreamBody, InsertsStreamUsageEvenWhenTheFirstMemberIsRemoved) {
  OpenAiUpstreamOptions o;
  o.parallel_tool_calls = false;
  std::string body = R"({"parallel_tool_calls":true,"model":"a","stream":true,"messages":[{"role":"user"}]})";
  EXPECT_EQ(EncodeOpenAiUpstreamBody(body, Decoded(body), "a", o),
            R"({"stream_options":{"include_usage":true},"model":"a","stream":true,"messages":[{"role":"user"}]})");
}

TEST(ToolCallIds, MistralRuleKeepsFittingIdsAndHashesOthersDeterministically) {
  EXPECT_TRUE(ToolCallIdFits("D681PevKs", ToolCallIdRule::kNineAlnum));
  EXPECT_FALSE(ToolCallIdFits("call_abc123", ToolCallIdRule::kNineAlnum));
  EXPECT_FALSE(ToolCallIdFits("abc_12345", ToolCallIdRule::kNineAlnum));
  EXPECT_EQ(UpstreamToolCallId("D681PevKs", ToolCallIdRule::kNineAlnum), "D681PevKs");
  std::string a = UpstreamToolCallId("call_abc123", ToolCallIdRule::kNineAlnum);
  EXPECT_TRUE(ToolCallIdFits(a, ToolCallIdRule::kNineAlnum)) << a;
  EXPECT_EQ(a, UpstreamToolCallId("call_abc123", ToolCallIdRule::kNineAlnum));  // stable across requests
  EXPECT_NE(a, UpstreamToolCallId("call_abc124", ToolCallIdRule::kNineAlnum));
  EXPECT_EQ(UpstreamToolCallId("toolu_01A", ToolCallIdRule::kAny), "toolu_01A");
}

TEST(EncodeOpenAiUpstreamBody, RemapsToolCallIdsForMistralAndRecordsThem) {
  std::string body = R"({"model":"a","messages":[{"role":"user","content":"call_A"},)"
                     R"({"role":"assistant","content":null,"tool_calls":[)"
                     R"({"id":"call_A","type":"function","function":{"name":"f","arguments":"{\"id\":\"call_A\"}"}},)"
                     R"({"id" : "D681PevKs","type":"function","function":{"name":"g","arguments":"{}"}}]},)"
                     R"({"role":"tool","tool_call_id":"call_A","content":"ok"},)"
                     R"({"role":"tool","tool_call_id":"D681PevKs","content":"ok"}]})";
  ToolCallIdMap ids;
  std::string out = EncodeOpenAiUpstreamBody(body, Decoded(body), "a", MistralLike(), &ids);
  const std::string up = UpstreamToolCallId("call_A", ToolCallIdRule::kNineAlnum);
  ASSERT_EQ(ids.upstream_to_client.size(), 1u);  // recorded once, though it appears twice
  EXPECT_EQ(ids.upstream_to_client[0].first, up);
  EXPECT_EQ(ids.upstream_to_client[0].second, "call_A");
  auto v = json::parse(out);
  const auto& msgs = v.at("messages").as_array();
  EXPECT_EQ(msgs[0].at("content").as_string(), "call_A");  // text is never touched
  EXPECT_EQ(msgs[1].at("tool_calls").at(0).at("id").as_string(), up);
  EXPECT_EQ(msgs[1].at("tool_calls").at(0).at("function").at("arguments").as_string(), "{\"id\":\"call_A\"}");
  EXPECT_EQ(msgs[1].at("tool_calls").at(1).at("id").as_string(), "D681PevKs");
  EXPECT_EQ(msgs[2].at("tool_call_id").as_string(), up);
  EXPECT_EQ(msgs[3].at("tool_call_id").as_string(), "D681PevKs");
  // Only the id values changed: the rest of the bytes are the client's.
  std::string expected = body;
  for (size_t pos; (pos = expected.find("\"id\":\"call_A\",\"type\"")) != std::string::npos;)
    expected.replace(pos, 20, "\"id\":\"" + up + "\",\"type\"");
  for (size_t pos; (pos = expected.find("\"tool_call_id\":\"call_A\"")) != std::string::npos;)
    expected.replace(pos, 23, "\"tool_call_id\":\"" + up + "\"");
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace sluice::dialect
