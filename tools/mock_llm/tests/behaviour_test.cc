// Behaviour parsing from model names and x-mock-* headers.
#include "mock_llm/behaviour.h"
#include "mock_llm/script.h"

#include <gtest/gtest.h>

namespace sluice::mock_llm {
namespace {

TEST(Behaviour, DefaultsWhenNothingIsAsked) {
  auto b = ParseBehaviour("gpt-4o", {});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->delay_ms, 0u);
  EXPECT_EQ(b->tool_calls, 0u);
  EXPECT_FALSE(b->chunks.has_value());
  EXPECT_EQ(b->tokens_per_chunk, 1u);
  EXPECT_EQ(b->hang, Hang::kNone);
  EXPECT_EQ(b->error_status, 0);
}

TEST(Behaviour, ModelNameSegments) {
  Behaviour b;
  ApplyModelName("mock-delay-200ms-ttft-50ms-tps-100-chunks-7-tpc-3-error-503", b);
  EXPECT_EQ(b.delay_ms, 200u);
  EXPECT_EQ(b.ttft_ms, 50u);
  EXPECT_EQ(b.tps, 100u);
  EXPECT_EQ(b.chunks, 7u);
  EXPECT_EQ(b.tokens_per_chunk, 3u);
  EXPECT_EQ(b.error_status, 503);
}

TEST(Behaviour, ModelNameToolsAndHang) {
  Behaviour a;
  ApplyModelName("gpt-4o-tools", a);
  EXPECT_EQ(a.tool_calls, kDefaultToolCallsForModel);
  Behaviour b;
  ApplyModelName("mock-tools-5-hang-body", b);
  EXPECT_EQ(b.tool_calls, 5u);
  EXPECT_EQ(b.hang, Hang::kBody);
  Behaviour c;
  ApplyModelName("mock-hang-headers", c);
  EXPECT_EQ(c.hang, Hang::kHeaders);
}

TEST(Behaviour, ModelNameIgnoresUnparsableValues) {
  Behaviour b;
  ApplyModelName("mock-delay-soon-error-200-chunks-x", b);
  EXPECT_EQ(b.delay_ms, 0u);
  EXPECT_EQ(b.error_status, 0);  // 200 is not an error status
  EXPECT_FALSE(b.chunks.has_value());
}

TEST(Behaviour, ModelNameFailuresThinkingAndCache) {
  Behaviour b;
  ApplyModelName("claude-sonnet-error-after-3-abort-after-7-retry-after-2-error-429-cached-40-thinking-4", b);
  EXPECT_EQ(b.error_after_chunks, 3u);
  EXPECT_EQ(b.abort_after_chunks, 7u);
  EXPECT_EQ(b.retry_after_s, 2u);
  EXPECT_EQ(b.error_status, 429);
  EXPECT_EQ(b.cached_tokens, 40u);
  EXPECT_EQ(b.thinking_chunks, 4u);
  Behaviour c;
  ApplyModelName("m_thinking/error_after_x", c);  // bare switch; an unparsable count is ignored
  EXPECT_EQ(c.thinking_chunks, kDefaultThinkingChunks);
  EXPECT_FALSE(c.error_after_chunks);
  EXPECT_EQ(c.error_status, 0);
  Behaviour d;
  ApplyModelName("gpt-4o", d);
  EXPECT_FALSE(d.thinking_chunks);
  EXPECT_FALSE(d.retry_after_s);
}

TEST(Behaviour, HeadersWinOverModelName) {
  auto b = ParseBehaviour("mock-delay-200ms-tools-3",
                          {{"X-Mock-Delay-Ms", "5"}, {"x-mock-tool-calls", "0"}, {"content-type", "x"}});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->delay_ms, 5u);
  EXPECT_EQ(b->tool_calls, 0u);
}

TEST(Behaviour, AllHeaders) {
  auto b = ParseBehaviour("m", {{"x-mock-ttft-ms", "10"}, {"x-mock-tps", "40"}, {"x-mock-chunks", "9"},
                                {"x-mock-tokens-per-chunk", "2"}, {"x-mock-content", "tokens"},
                                {"x-mock-error-status", "429"}, {"x-mock-retry-after", "3"},
                                {"x-mock-error-after-chunks", "2"}, {"x-mock-abort-after-chunks", "4"},
                                {"x-mock-hang", "body"}, {"x-mock-prompt-tokens", "100"},
                                {"x-mock-cached-tokens", "60"}, {"x-mock-reasoning-tokens", "7"},
                                {"x-mock-response-bytes", " 2048 "}});
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->ttft_ms, 10u);
  EXPECT_EQ(b->tps, 40u);
  EXPECT_EQ(b->chunks, 9u);
  EXPECT_EQ(b->tokens_per_chunk, 2u);
  EXPECT_EQ(b->content, ContentMode::kTokens);
  EXPECT_EQ(b->error_status, 429);
  EXPECT_EQ(b->retry_after_s, 3u);
  EXPECT_EQ(b->error_after_chunks, 2u);
  EXPECT_EQ(b->abort_after_chunks, 4u);
  EXPECT_EQ(b->hang, Hang::kBody);
  EXPECT_EQ(b->prompt_tokens, 100u);
  EXPECT_EQ(b->cached_tokens, 60u);
  EXPECT_EQ(b->reasoning_tokens, 7u);
  EXPECT_EQ(b->response_bytes, 2048u);
}

TEST(Behaviour, BadHeaderValuesAreErrors) {
  for (auto [name, value] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"x-mock-delay-ms", "abc"}, {"x-mock-delay-ms", "-1"}, {"x-mock-error-status", "200"},
           {"x-mock-chunks", "100001"}, {"x-mock-tokens-per-chunk", "0"}, {"x-mock-hang", "forever"},
           {"x-mock-tool-calls", "129"}, {"x-mock-content", "poetry"}, {"x-mock-response-bytes", "1e3"}}) {
    auto b = ParseBehaviour("m", {{name, value}});
    ASSERT_FALSE(b.ok()) << name << ": " << value;
    EXPECT_NE(b.error().message.find(name), std::string::npos);
    EXPECT_EQ(b.error().Status(), 400);
  }
}

TEST(Behaviour, UnknownMockHeaderIsAnErrorSoTyposFail) {
  auto b = ParseBehaviour("m", {{"x-mock-dealy-ms", "5"}});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("x-mock-dealy-ms"), std::string::npos);
}

}  // namespace
}  // namespace sluice::mock_llm

namespace sluice::mock_llm {
namespace {

TEST(BehaviourProviders, SafetyAndTypedStreamErrors) {
  Behaviour b;
  ApplyModelName("gemini-2.5-flash-safety-prompt", b);
  EXPECT_EQ(b.safety, Safety::kPrompt);
  Behaviour r;
  ApplyModelName("mock-safety-response-chunks-4", r);
  EXPECT_EQ(r.safety, Safety::kResponse);
  EXPECT_EQ(r.chunks, 4u);
  Behaviour e;
  ApplyModelName("anthropic.claude-error-after-3-429", e);
  EXPECT_EQ(e.error_after_chunks, 3u);
  EXPECT_EQ(e.stream_error_status, 429);
  Behaviour plain;
  ApplyModelName("mock-error-after-3-tools", plain);
  EXPECT_EQ(plain.error_after_chunks, 3u);
  EXPECT_EQ(plain.stream_error_status, 0);
  EXPECT_EQ(plain.tool_calls, kDefaultToolCallsForModel);

  auto parsed = ParseBehaviour("m", {{"x-mock-safety", "response"}, {"x-mock-stream-error-status", "503"}});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->safety, Safety::kResponse);
  EXPECT_EQ(parsed->stream_error_status, 503);
  EXPECT_FALSE(ParseBehaviour("m", {{"x-mock-safety", "maybe"}}));
  EXPECT_FALSE(ParseBehaviour("m", {{"x-mock-stream-error-status", "200"}}));
}

TEST(BehaviourProviders, SafetyScripts) {
  ChatCall call;
  call.last_user_text = "one two three";
  call.prompt_tokens_estimate = 10;
  Behaviour prompt;
  prompt.safety = Safety::kPrompt;
  prompt.tool_calls = 2;
  Script p = BuildScript(call, prompt);
  EXPECT_TRUE(p.prompt_blocked);
  EXPECT_TRUE(p.content_chunks.empty());
  EXPECT_TRUE(p.tool_calls.empty());
  EXPECT_EQ(p.usage.completion_tokens, 0u);
  EXPECT_EQ(p.usage.prompt_tokens, 10u);
  Behaviour response;
  response.safety = Safety::kResponse;
  Script r = BuildScript(call, response);
  EXPECT_FALSE(r.prompt_blocked);
  EXPECT_EQ(r.content_chunks, std::vector<std::string>{"one"});
  EXPECT_EQ(r.finish_reason, "content_filter");
  EXPECT_EQ(r.usage.completion_tokens, 1u);
}

}  // namespace
}  // namespace sluice::mock_llm
