// Anthropic Messages request decoding, header checks and the 400s Anthropic gives.
#include "mock_llm/anthropic_reader.h"

#include <gtest/gtest.h>

namespace sluice::mock_llm {
namespace {

TEST(AnthropicReader, DecodesMessagesRequest) {
  auto d = DecodeMessagesRequest(R"({"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,
    "system":[{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
    "stop_sequences":["END"],
    "messages":[{"role":"user","content":"first"},
                {"role":"assistant","content":[{"type":"text","text":"ok"},
                   {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}]},
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"}]},
                {"role":"user","content":[{"type":"text","text":"Hello"},
                   {"type":"image","source":{"type":"url","url":"https://x"}},{"type":"text","text":"world"}]}],
    "tools":[{"name":"get_weather","input_schema":{"type":"object"}},{"type":"web_search_20250305","name":"web_search"}]})");
  ASSERT_TRUE(d.value) << d.error.message;
  EXPECT_EQ(d.value->model, "claude-sonnet-4-5");
  EXPECT_TRUE(d.value->stream);
  EXPECT_EQ(d.value->max_tokens, 1024u);
  EXPECT_EQ(d.value->last_user_text, "Hello\nworld");
  EXPECT_EQ(d.value->stop_sequences, (std::vector<std::string>{"END"}));
  EXPECT_EQ(d.value->tool_names, (std::vector<std::string>{"get_weather", "web_search"}));
  EXPECT_FALSE(d.value->thinking_requested);
  // 3 + system (3+ceil(9/4)) + (3+ceil(5/4)) + (3+ceil((2+7+1)/4)) + (3+ceil(5/4)) + (3+ceil(10/4))
  //   = 3 + 6 + 5 + 6 + 5 + 6
  EXPECT_EQ(d.value->prompt_tokens_estimate, 31u);
}

TEST(AnthropicReader, ToolResultOnlyTurnKeepsEarlierUserText) {
  auto d = DecodeMessagesRequest(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"weather?"},
    {"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"sunny"}]}]}]})");
  ASSERT_TRUE(d.value) << d.error.message;
  EXPECT_EQ(d.value->last_user_text, "weather?");
}

TEST(AnthropicReader, ThinkingAndCountTokens) {
  auto t = DecodeMessagesRequest(R"({"model":"m","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":1024},
    "messages":[{"role":"user","content":"x"}]})");
  ASSERT_TRUE(t.value) << t.error.message;
  EXPECT_TRUE(t.value->thinking_requested);
  auto c = DecodeCountTokensRequest(R"({"model":"m","system":"abcd","messages":[{"role":"user","content":"hello"}]})");
  ASSERT_TRUE(c.value) << c.error.message;
  EXPECT_FALSE(c.value->max_tokens);
  EXPECT_EQ(c.value->prompt_tokens_estimate, 3u + 4 + 5);
}

TEST(AnthropicReader, RejectsLikeAnthropic) {
  const std::pair<const char*, const char*> cases[] = {
      {"{not json", "There was an error parsing the body of your request"},
      {R"({"max_tokens":5,"messages":[{"role":"user","content":"x"}]})", "model: Field required"},
      {R"({"model":5,"max_tokens":5,"messages":[{"role":"user","content":"x"}]})", "model: Input should be a valid string"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}]})", "max_tokens: Field required"},
      {R"({"model":"m","max_tokens":"5","messages":[{"role":"user","content":"x"}]})", "max_tokens: Input should be a valid integer"},
      {R"({"model":"m","max_tokens":5})", "messages: Field required"},
      {R"({"model":"m","max_tokens":5,"messages":[]})", "messages: at least one message is required"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]})",
       "messages.0.role: Input should be 'user' or 'assistant'"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"user"}]})", "messages.0.content: Field required"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":""}]})",
       "messages.0: all messages must have non-empty content"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text"}]}]})",
       "messages.0.content.0.text: Field required"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"stream":"yes"})",
       "stream: Input should be a valid boolean"},
      {R"({"model":"m","max_tokens":5,"system":5,"messages":[{"role":"user","content":"x"}]})",
       "system: Input should be a valid string"},
      {R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f"}]})",
       "tools.0.input_schema: Field required"},
      {R"({"model":"m","max_tokens":1024,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"x"}]})",
       "`max_tokens` must be greater than `thinking.budget_tokens`"},
  };
  for (const auto& [body, prefix] : cases) {
    auto d = DecodeMessagesRequest(body);
    ASSERT_FALSE(d.value) << body;
    EXPECT_EQ(d.error.message.rfind(prefix, 0), 0u) << body << " → " << d.error.message;
  }
  // A final assistant message may be empty (a prefill).
  EXPECT_TRUE(DecodeMessagesRequest(R"({"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"},
      {"role":"assistant","content":""}]})").value);
}

TEST(AnthropicReader, HeaderChecks) {
  EXPECT_FALSE(CheckAnthropicHeaders(true, false, "2023-06-01"));
  EXPECT_FALSE(CheckAnthropicHeaders(false, true, "2023-01-01"));
  auto no_key = CheckAnthropicHeaders(false, false, "2023-06-01");
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 401);
  auto no_version = CheckAnthropicHeaders(true, false, std::nullopt);
  ASSERT_TRUE(no_version);
  EXPECT_EQ(no_version->status, 400);
  EXPECT_EQ(no_version->message, "anthropic-version: header is required");
  EXPECT_FALSE(CheckAnthropicHeaders(true, false, "2026-10-21"));  // what @anthropic-ai/sdk 1.14 sends
  auto bad_version = CheckAnthropicHeaders(true, false, "latest");
  ASSERT_TRUE(bad_version);
  EXPECT_EQ(bad_version->status, 400);
}

}  // namespace
}  // namespace sluice::mock_llm
