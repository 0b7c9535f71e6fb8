#include "dialect/openai_response.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <random>
#include <string>
#include <vector>

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

// The key scan steps 32 (AVX2) or 16 bytes at a time: a key found at every offset, across the steps'
// boundaries and in the byte-loop tail, and a `"usage":null` or a quoted "usage" word never taken for the
// object.
TEST(InspectChunk, KeysFoundAtEveryOffset) {
  for (size_t pad = 0; pad < 100; ++pad) {
    const std::string filler(pad, 'x');
    TokenUsage u;
    auto info = InspectChunk(R"({"p":")" + filler + R"(","usage":{"prompt_tokens":7,"completion_tokens":3}})", u);
    EXPECT_TRUE(u.present) << pad;
    EXPECT_EQ(u.input, 7u) << pad;
    EXPECT_FALSE(info.is_error) << pad;

    TokenUsage none;
    info = InspectChunk(R"({"p":")" + filler + R"(","usage":null,"q":"usage"})", none);
    EXPECT_FALSE(none.present) << pad;

    TokenUsage e;
    info = InspectChunk(R"({"p":")" + filler + R"(","error":{"message":"m","type":"server_error"}})", e);
    EXPECT_TRUE(info.is_error) << pad;
  }
}

// The AVX2 path and the SSE2/byte path give the same answer for every payload: random bytes drawn from the
// characters that matter (quotes, the keys' letters, blanks, colons, braces) with keys planted at random
// offsets, every length up to 200.
TEST(FindChunkKeys, WideAndNarrowPathsAgree) {
  std::mt19937 rng(20261127);
  const std::string alphabet = "\"uesagro:{ }\nx";
  const std::string keys[] = {"\"usage\":{", "\"usage\" : {", "\"usage\":null", "\"error\"", "\"erro", "\"usag"};
  size_t usage_hits = 0, error_hits = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string s(rng() % 200, 'x');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    if (!s.empty() && rng() % 2) {
      const std::string& key = keys[rng() % std::size(keys)];
      s.insert(rng() % s.size(), key);
    }
    const ChunkKeyHits wide = FindChunkKeys(s, true);
    const ChunkKeyHits narrow = FindChunkKeys(s, false);
    EXPECT_EQ(wide.usage_object, narrow.usage_object) << s;
    EXPECT_EQ(wide.error, narrow.error) << s;
    EXPECT_EQ(wide.null_usage_begin, narrow.null_usage_begin) << s;
    EXPECT_EQ(wide.null_usage_end, narrow.null_usage_end) << s;
    // Both against the plain definition.
    bool usage = false, error = false;
    for (size_t i = 0; i + 7 <= s.size(); ++i) {
      if (s.compare(i, 7, "\"error\"") == 0) error = true;
      if (s.compare(i, 7, "\"usage\"") == 0) {
        size_t j = i + 7;
        while (j < s.size() && std::string_view(" :\n\r\t").find(s[j]) != std::string_view::npos) ++j;
        if (j < s.size() && s[j] == '{') usage = true;
      }
    }
    EXPECT_EQ(narrow.usage_object, usage) << s;
    EXPECT_EQ(narrow.error, error) << s;
    usage_hits += usage;
    error_hits += error;
  }
  EXPECT_GT(usage_hits, 100u);  // the planted keys make both answers common
  EXPECT_GT(error_hits, 100u);
}

// The `"usage":null` an include_usage stream puts on every chunk is found (with its comma) only as the root
// object's last member; anywhere else it is left alone.
TEST(InspectChunk, NullUsageAsTheLastTopLevelMember) {
  auto cut = [](std::string_view data) {
    TokenUsage u;
    ChunkInfo info = InspectChunk(data, u);
    EXPECT_FALSE(u.present) << data;
    std::string out(data);
    if (info.null_usage_end > info.null_usage_begin)
      out.erase(info.null_usage_begin, info.null_usage_end - info.null_usage_begin);
    return out;
  };
  const std::string filler(40, 'x');  // long enough for the vector steps
  EXPECT_EQ(cut(R"({"id":")" + filler + R"(","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null})"),
            R"({"id":")" + filler + R"(","choices":[{"index":0,"delta":{"content":"Hi"}}]})");
  EXPECT_EQ(cut(R"({"id":")" + filler + R"(" , "usage" : null }  )"), R"({"id":")" + filler + R"("  }  )");
  EXPECT_EQ(cut(R"({"id":"c","usage":null})"), R"({"id":"c"})");  // shorter than one AVX2 step
  // Not the root's last member, nested, alone, or a string's text: unchanged.
  for (std::string data : {R"({"usage":null,"id":")" + filler + R"("})",
                           R"({"id":")" + filler + R"(","x":{"a":1,"usage":null}})",
                           std::string(R"({"usage":null})"),
                           R"({"id":")" + filler + R"(","content":""usage":null}"})",
                           R"({"id":")" + filler + R"(","usage":nullish})"})
    EXPECT_EQ(cut(data), data);
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

// ---- Compatible servers' answers on the pass-through path (reference §6, §7) ----
namespace sluice::dialect {
namespace {

TEST(InspectChunk, DeepSeekUsageRidesOnTheLastContentChunk) {
  TokenUsage u;
  auto info = InspectChunk(
      R"({"id":"d1","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42,"prompt_cache_hit_tokens":8,"prompt_cache_miss_tokens":4,"completion_tokens_details":{"reasoning_tokens":21}}})",
      u);
  EXPECT_FALSE(info.usage_only);  // it carries content: always forwarded
  EXPECT_FALSE(info.is_error);
  ASSERT_TRUE(u.present);
  EXPECT_EQ(u.input, 12u);
  EXPECT_EQ(u.output, 30u);
  EXPECT_EQ(u.cached_input, 8u);  // prompt_cache_hit_tokens stands in for cached_tokens
  EXPECT_EQ(u.reasoning, 21u);
}

TEST(InspectChunk, GroqUsageInXGroq) {
  TokenUsage u;
  auto info = InspectChunk(
      R"({"id":"g","object":"chat.completion.chunk","created":1,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"x_groq":{"id":"req_01","usage":{"queue_time":0.02,"prompt_tokens":18,"prompt_time":0.001,"completion_tokens":7,"completion_time":0.02,"total_tokens":25,"total_time":0.03}}})",
      u);
  EXPECT_FALSE(info.usage_only);
  ASSERT_TRUE(u.present);
  EXPECT_EQ(u.input, 18u);
  EXPECT_EQ(u.output, 7u);
}

TEST(InspectChunk, AzurePromptFilterChunkIsNeitherUsageNorError) {
  TokenUsage u;
  auto info = InspectChunk(
      R"({"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]})",
      u);
  EXPECT_FALSE(info.usage_only);  // forwarded: OpenAI SDKs accept empty choices
  EXPECT_FALSE(info.is_error);
  EXPECT_FALSE(u.present);
}

TEST(InspectChunk, TgiErrorMidStreamBecomesOpenAiShaped) {
  TokenUsage u;
  auto info = InspectChunk(R"({"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096","error_type":"validation"})", u);
  ASSERT_TRUE(info.is_error);
  EXPECT_EQ(info.error_status, 400);
  ASSERT_FALSE(info.openai_error.empty());
  auto v = json::parse(info.openai_error);
  EXPECT_EQ(v.at("error").at("message").as_string(),
            "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096");
  EXPECT_EQ(v.at("error").at("type").as_string(), "invalid_request_error");
  EXPECT_EQ(v.at("error").at("code").as_string(), "validation");
  EXPECT_TRUE(v.at("error").at("param").is_null());

  auto gen = InspectChunk(R"({"error":"CUDA out of memory","error_type":"generation"})", u);
  EXPECT_TRUE(gen.is_error);
  EXPECT_EQ(gen.error_status, 502);
}

TEST(InspectChunk, VllmFlatErrorChunkIsDetected) {
  TokenUsage u;
  auto info = InspectChunk(
      R"({"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400})",
      u);
  ASSERT_TRUE(info.is_error);
  EXPECT_EQ(info.error_status, 400);
  auto v = json::parse(info.openai_error);
  EXPECT_EQ(v.at("error").at("message").as_string(), "This model's maximum context length is 4096 tokens.");
  EXPECT_EQ(v.at("error").at("type").as_string(), "BadRequestError");
}

TEST(InspectChunk, OpenRouterMidStreamErrorIsForwardedAsIs) {
  TokenUsage u;
  auto info = InspectChunk(
      R"({"id":"gen-1","object":"chat.completion.chunk","created":1,"model":"openai/gpt-4o","provider":"OpenAI","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]})",
      u);
  EXPECT_TRUE(info.is_error);
  EXPECT_EQ(info.error_status, 500);
  EXPECT_TRUE(info.openai_error.empty());  // already {"error":{"message":…}}: the SDKs read it
  auto numeric = InspectChunk(R"({"error":{"code":429,"message":"Rate limited upstream"}})", u);
  EXPECT_TRUE(numeric.is_error);
  EXPECT_EQ(numeric.error_status, 429);
}

TEST(NormalizeUpstreamErrorWithStatus, TgiStatusesMapToOnesClientsKnow) {
  auto n = NormalizeUpstreamErrorWithStatus(422, R"({"error":"Input validation error: too long","error_type":"validation"})");
  EXPECT_EQ(n.status, 400);
  EXPECT_EQ(json::parse(n.body).at("error").at("message").as_string(), "Input validation error: too long");
  EXPECT_EQ(NormalizeUpstreamErrorWithStatus(424, R"({"error":"x","error_type":"generation"})").status, 502);
  n = NormalizeUpstreamErrorWithStatus(429, R"({"error":"Model is overloaded","error_type":"overloaded"})");
  EXPECT_EQ(n.status, 429);
  EXPECT_EQ(json::parse(n.body).at("error").at("type").as_string(), "rate_limit_error");
  EXPECT_EQ(NormalizeUpstreamErrorWithStatus(529, R"({"error":{"message":"busy"}})").status, 503);
}

TEST(NormalizeUpstreamErrorWithStatus, MistralFlatErrorWithStructuredMessage) {
  auto n = NormalizeUpstreamErrorWithStatus(
      422, R"({"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","foo"],"msg":"Extra inputs are not permitted"}]},"type":"invalid_request_error","param":null,"code":null})");
  EXPECT_EQ(n.status, 422);
  auto e = json::parse(n.body).at("error");
  EXPECT_NE(std::string(e.at("message").as_string()).find("Extra inputs are not permitted"), std::string::npos);
  EXPECT_EQ(e.at("type").as_string(), "invalid_request_error");
}

TEST(NormalizeUpstreamErrorWithStatus, OpenRouterNumericCodeInA200Body) {
  auto n = NormalizeUpstreamErrorWithStatus(200, R"({"error":{"code":402,"message":"Insufficient credits","metadata":{"x":1}}})");
  EXPECT_EQ(n.status, 402);
  auto e = json::parse(n.body).at("error");
  EXPECT_EQ(e.at("message").as_string(), "Insufficient credits");
  EXPECT_TRUE(e.at("code").is_null());  // OpenAI codes are strings; the number is the status
  EXPECT_EQ(e.at("metadata").at("x").as_int64(), 1);  // extras survive
}

TEST(NormalizeUpstreamErrorWithStatus, AzureContentFilterIsClearAndKeepsItsCode) {
  auto n = NormalizeUpstreamErrorWithStatus(
      400,
      R"({"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":true,"detected":true},"violence":{"filtered":true,"severity":"high"}}}}})");
  EXPECT_EQ(n.status, 400);
  auto e = json::parse(n.body).at("error");
  EXPECT_EQ(e.at("code").as_string(), "content_filter");
  EXPECT_EQ(e.at("param").as_string(), "prompt");
  EXPECT_EQ(e.at("type").as_string(), "invalid_request_error");  // null type completed from the status
  std::string message(e.at("message").as_string());
  EXPECT_TRUE(message.starts_with("The response was filtered")) << message;
  EXPECT_NE(message.find("jailbreak"), std::string::npos) << message;
  EXPECT_NE(message.find("violence (high)"), std::string::npos) << message;
  EXPECT_EQ(message.find("hate"), std::string::npos) << message;  // not filtered
  EXPECT_EQ(e.at("innererror").at("code").as_string(), "ResponsibleAIPolicyViolation");
}

TEST(RestoreToolCallIds, PutsClientIdsBackOnlyInIdMembers) {
  ToolCallIdMap ids;
  ids.Add("Ab3dE6gH9", "call_original");
  std::string out;
  std::string chunk =
      R"({"id":"x","choices":[{"index":0,"delta":{"content":"\"Ab3dE6gH9\"","tool_calls":[{"index":0,"id": "Ab3dE6gH9","function":{"name":"f","arguments":""}}]}}]})";
  ASSERT_TRUE(RestoreToolCallIds(chunk, ids, out));
  auto v = json::parse(out);
  const auto& delta = v.at("choices").at(0).at("delta");
  EXPECT_EQ(delta.at("tool_calls").at(0).at("id").as_string(), "call_original");
  EXPECT_EQ(delta.at("content").as_string(), "\"Ab3dE6gH9\"");  // text untouched
  EXPECT_FALSE(RestoreToolCallIds(R"({"choices":[{"delta":{"content":"hi"}}]})", ids, out));
  EXPECT_FALSE(RestoreToolCallIds(chunk, ToolCallIdMap{}, out));
}

}  // namespace
}  // namespace sluice::dialect

namespace sluice::dialect {
namespace {

// ExtractUsage reads `usage` from the end of the body when it is the last top-level member and walks every
// member otherwise: on generated bodies (usage first, last, absent, null, nested in choices or in the last
// member, "usage" text inside strings with escapes, odd blanks) both paths must agree.
TEST(ExtractUsage, FromTheEndAgreesWithTheFullWalk) {
  std::mt19937 rng(20261126);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto blank = [&] { static const char* kBlanks[] = {"", " ", "\n  ", "\t", "\r\n"}; return std::string(kBlanks[pick(5)]); };
  auto usage_object = [&] {
    return "{" + blank() + "\"prompt_tokens\":" + std::to_string(pick(5000)) + "," + blank() +
           "\"completion_tokens\"" + blank() + ":" + blank() + std::to_string(pick(900)) +
           ",\"prompt_tokens_details\":{\"cached_tokens\":" + std::to_string(pick(40)) +
           "},\"completion_tokens_details\":{\"reasoning_tokens\":" + std::to_string(pick(30)) + "}}";
  };
  auto tricky_string = [&] {
    static const char* kTexts[] = {"plain", "say \\\"usage\\\": {\\\"prompt_tokens\\\": 1}", "back\\\\", "\\\\\\\"usage\\\\\\\"",
                                   "usage", "}\\\"usage\\\":{"};
    return "\"" + std::string(kTexts[pick(6)]) + "\"";
  };
  int fast_hits = 0;
  for (int n = 0; n < 3000; ++n) {
    std::vector<std::string> members;
    members.push_back("\"id\":" + tricky_string());
    std::string choice = "{\"index\":0,\"message\":{\"content\":" + tricky_string() + "}";
    if (pick(3) == 0) choice += ",\"usage\":" + usage_object();
    choice += "}";
    members.push_back("\"choices\":[" + choice + "]");
    if (pick(4) == 0) members.push_back("\"meta\":{\"usage\":" + usage_object() + "}");
    const int usage_kind = pick(5);  // 0 absent, 1 null, 2 string, else an object
    if (usage_kind == 1) members.push_back("\"usage\":null");
    if (usage_kind == 2) members.push_back("\"usage\":\"n/a\"");
    if (usage_kind >= 3) members.insert(members.begin() + pick(static_cast<int>(members.size()) + 1), "\"usage\"" + blank() + ":" + blank() + usage_object());
    if (pick(3) == 0) members.push_back("\"tail\":" + tricky_string());
    std::string body = "{" + blank();
    for (size_t i = 0; i < members.size(); ++i) body += (i ? "," + blank() : "") + members[i];
    body += blank() + "}" + blank();
    boost::system::error_code ec;
    json::parse(body, ec);
    ASSERT_FALSE(ec) << body;

    TokenUsage fast, full;
    const bool got_fast = ExtractUsage(body, fast);
    const bool got_full = ExtractUsageByFullScan(body, full);
    ASSERT_EQ(got_fast, got_full) << body;
    EXPECT_EQ(fast.input, full.input) << body;
    EXPECT_EQ(fast.output, full.output) << body;
    EXPECT_EQ(fast.cached_input, full.cached_input) << body;
    EXPECT_EQ(fast.reasoning, full.reasoning) << body;
    if (got_fast && members.back().rfind("\"usage\"", 0) == 0) ++fast_hits;
  }
  EXPECT_GT(fast_hits, 150);  // the from-the-end path was exercised, not only the fallback
}

}  // namespace
}  // namespace sluice::dialect
