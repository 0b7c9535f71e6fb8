// Fixture tests of the OpenAI provider adapter's answer side: chat.completion bodies (reference
// §1.4, §7) and error bodies (§1.6, §7, §8.7).
#include <gtest/gtest.h>

#include "provider/openai.h"

namespace sluice::provider {
namespace {

TEST(OpenAiResponse, ReferenceCompletion) {
  OpenAiAdapter adapter;
  auto r = adapter.DecodeResponse(
      R"({"id":"chatcmpl-123","object":"chat.completion","created":1741569952,
    "model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Hi!",
    "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
    "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
      "prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},
      "completion_tokens_details":{"reasoning_tokens":3,"audio_tokens":0}},
    "service_tier":"default","system_fingerprint":"fp_x"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "chatcmpl-123");
  EXPECT_EQ(r->model, "gpt-4o-2024-08-06");
  ASSERT_EQ(r->content.size(), 1u);
  EXPECT_EQ(r->content[0], ir::ContentPart::Text("Hi!"));
  EXPECT_EQ(r->finish, ir::FinishReason::kStop);
  EXPECT_EQ(r->raw_finish, "stop");
  EXPECT_EQ(
      r->usage,
      (ir::Usage{.input = 19, .output = 10, .cache_read = 4, .reasoning = 3, .present = true}));
}

TEST(OpenAiResponse, ToolCallsReasoningAndCompatUsage) {
  OpenAiAdapter adapter;
  auto r = adapter.DecodeResponse(R"({"id":"x","model":"deepseek-reasoner","choices":[{"index":0,
    "message":{"role":"assistant","content":null,"reasoning_content":"think",
      "tool_calls":[{"id":"call_A","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},
                    {"type":"function","function":{"name":"g","arguments":""}}]},
    "finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":30,"completion_tokens":5,"prompt_cache_hit_tokens":20,"prompt_cache_miss_tokens":10}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->content.size(), 3u);
  EXPECT_EQ(r->content[0], ir::ContentPart::Reasoning("think", ""));
  EXPECT_EQ(r->content[1], ir::ContentPart::ToolCall("call_A", "f", R"({"a":1})"));
  EXPECT_EQ(r->content[2].name, "g");
  EXPECT_FALSE(r->content[2].id.empty());  // synthesized when a server omits it
  EXPECT_EQ(r->finish, ir::FinishReason::kToolCalls);
  EXPECT_EQ(r->usage.cache_read, 20u);
  EXPECT_EQ(r->usage.input, 30u);

  auto parts =
      adapter.DecodeResponse(R"({"choices":[{"message":{"content":[{"type":"text","text":"a"},
    {"type":"text","text":"b"}],"reasoning":"r"},"finish_reason":"length"}]})");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->content[1].text, "ab");
  EXPECT_EQ(parts->content[0].text, "r");
  EXPECT_EQ(parts->finish, ir::FinishReason::kLength);
  EXPECT_FALSE(parts->usage.present);
}

TEST(OpenAiResponse, MalformedBodiesAreProtocolErrors) {
  OpenAiAdapter adapter;
  for (std::string_view body :
       {"not json", "[]", R"({"choices":[]})", R"({"choices":[{"index":0}]})"}) {
    auto r = adapter.DecodeResponse(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUpstreamProtocolError);
  }
  auto in200 = adapter.DecodeResponse(R"({"error":{"message":"No provider","code":503}})");
  ASSERT_FALSE(in200.ok());
  EXPECT_EQ(in200.error().code, core::ErrorCode::kUpstreamError);
  EXPECT_EQ(in200.error().message, "No provider");
}

TEST(OpenAiResponse, ErrorBodiesKeepTheStatus) {
  OpenAiAdapter adapter;
  core::Error e =
      adapter.DecodeError(429, R"({"error":{"message":"Rate limit reached","type":"requests",
    "param":null,"code":"rate_limit_exceeded"}})");
  EXPECT_EQ(e.code, core::ErrorCode::kUpstreamError);
  EXPECT_EQ(e.Status(), 429);
  EXPECT_EQ(e.message, "Rate limit reached");

  e = adapter.DecodeError(
      400,
      R"({"error":{"message":"bad","type":"invalid_request_error","param":"messages","code":null}})");
  EXPECT_EQ(e.Status(), 400);
  EXPECT_EQ(e.param, "messages");

  e = adapter.DecodeError(
      400,
      R"({"object":"error","message":"flat vllm","type":"BadRequestError","param":null,"code":400})");
  EXPECT_EQ(e.message, "flat vllm");

  e = adapter.DecodeError(
      422, R"({"error":"Input validation error: too long","error_type":"validation"})");
  EXPECT_EQ(e.Status(), 400);
  EXPECT_EQ(e.message, "Input validation error: too long");
  EXPECT_EQ(adapter.DecodeError(424, R"({"error":"gen","error_type":"generation"})").Status(), 502);

  e = adapter.DecodeError(503, "<html>bad gateway</html>");
  EXPECT_EQ(e.Status(), 503);
  EXPECT_EQ(e.message, "The OpenAI upstream answered with HTTP status 503.");
}

TEST(OpenAiResponse, FinishReasons) {
  EXPECT_EQ(OpenAiFinishReasonToIr("stop"), ir::FinishReason::kStop);
  EXPECT_EQ(OpenAiFinishReasonToIr("length"), ir::FinishReason::kLength);
  EXPECT_EQ(OpenAiFinishReasonToIr("tool_calls"), ir::FinishReason::kToolCalls);
  EXPECT_EQ(OpenAiFinishReasonToIr("function_call"), ir::FinishReason::kToolCalls);
  EXPECT_EQ(OpenAiFinishReasonToIr("content_filter"), ir::FinishReason::kContentFilter);
  EXPECT_EQ(OpenAiFinishReasonToIr("insufficient_system_resource"), ir::FinishReason::kUnknown);
}

}  // namespace
}  // namespace sluice::provider
