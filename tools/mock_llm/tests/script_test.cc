// The dialect-neutral script: content derivation, chunking, tool calls, usage.
#include "mock_llm/script.h"

#include <gtest/gtest.h>

namespace sluice::mock_llm {
namespace {

ChatCall Call(std::string text, uint64_t prompt = 20) {
  ChatCall c;
  c.model = "m";
  c.last_user_text = std::move(text);
  c.prompt_tokens_estimate = prompt;
  return c;
}

TEST(Script, EchoesTheLastUserMessageWordByWord) {
  Script s = BuildScript(Call("Hello  there\nworld"), Behaviour{});
  EXPECT_EQ(s.content_chunks, (std::vector<std::string>{"Hello", " there", " world"}));
  EXPECT_EQ(s.Content(), "Hello there world");
  EXPECT_EQ(s.finish_reason, "stop");
  EXPECT_EQ(s.usage.completion_tokens, 3u);
  EXPECT_EQ(s.usage.prompt_tokens, 20u);
  EXPECT_EQ(s.usage.total(), 23u);
}

TEST(Script, ExplicitChunksCycleTheWords) {
  Behaviour b;
  b.chunks = 3;
  b.tokens_per_chunk = 2;
  Script s = BuildScript(Call("a b"), b);
  EXPECT_EQ(s.content_chunks, (std::vector<std::string>{"a b", " a b", " a b"}));
  EXPECT_EQ(s.chunk_tokens, (std::vector<uint32_t>{2, 2, 2}));
  EXPECT_EQ(s.usage.completion_tokens, 6u);
}

TEST(Script, TokensModeAndEmptyPromptCountTokens) {
  Script s = BuildScript(Call(""), Behaviour{});
  EXPECT_EQ(s.Content(), "token0 token1 token2 token3 token4");
  EXPECT_EQ(s.content_chunks.size(), kDefaultChunks);
  Behaviour b;
  b.content = ContentMode::kTokens;
  b.chunks = 2;
  EXPECT_EQ(BuildScript(Call("ignored words"), b).Content(), "token0 token1");
}

TEST(Script, EchoIsCappedWithoutExplicitChunks) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "w ";
  EXPECT_EQ(BuildScript(Call(text), Behaviour{}).content_chunks.size(), kMaxEchoWords);
}

TEST(Script, ToolCallsUseDeclaredNamesAndSplitArguments) {
  ChatCall c = Call("Weather in Paris");
  c.tool_names = {"get_weather", "get_time"};
  Behaviour b;
  b.tool_calls = 3;
  Script s = BuildScript(c, b);
  ASSERT_EQ(s.tool_calls.size(), 3u);
  EXPECT_TRUE(s.content_chunks.empty());
  EXPECT_EQ(s.finish_reason, "tool_calls");
  EXPECT_EQ(s.tool_calls[0].name, "get_weather");
  EXPECT_EQ(s.tool_calls[1].name, "get_time");
  EXPECT_EQ(s.tool_calls[2].name, "get_weather");
  EXPECT_EQ(s.tool_calls[1].id, "call_mock_1");
  EXPECT_EQ(s.tool_calls[1].arguments, R"({"index":1,"text":"Weather in Paris"})");
  std::string joined;
  for (const auto& f : s.tool_calls[1].fragments) joined += f;
  EXPECT_EQ(joined, s.tool_calls[1].arguments);
  uint64_t expected = 0;
  for (const auto& t : s.tool_calls) expected += 1 + t.fragments.size();
  EXPECT_EQ(s.usage.completion_tokens, expected);
}

TEST(Script, ToolNamesDefaultWhenNoneDeclared) {
  Behaviour b;
  b.tool_calls = 1;
  EXPECT_EQ(BuildScript(Call("x"), b).tool_calls[0].name, "mock_tool_0");
}

TEST(Script, UsageOverridesAndClamps) {
  Behaviour b;
  b.prompt_tokens = 50;
  b.cached_tokens = 80;  // more than the prompt: clamped
  b.reasoning_tokens = 4;
  Script s = BuildScript(Call("one two"), b);
  EXPECT_EQ(s.usage.prompt_tokens, 50u);
  EXPECT_EQ(s.usage.cached_tokens, 50u);
  EXPECT_EQ(s.usage.completion_tokens, 6u);  // 2 words + 4 reasoning
}

TEST(Script, ThinkingCountsAsReasoningAndSpendsMaxTokens) {
  Behaviour b;
  b.thinking_chunks = 3;
  b.tokens_per_chunk = 2;
  b.cache_creation_tokens = 100;  // clamped to the prompt left after cache reads
  b.cached_tokens = 15;
  ChatCall call = Call("a b c d e f");
  call.max_tokens = 8;  // 6 thinking tokens leave 2 for the text
  Script s = BuildScript(call, b);
  EXPECT_EQ(s.thinking_chunks, (std::vector<std::string>{"thought0 thought1", " thought2 thought3", " thought4 thought5"}));
  EXPECT_EQ(s.Content(), "a b");
  EXPECT_EQ(s.finish_reason, "length");
  EXPECT_EQ(s.usage.reasoning_tokens, 6u);
  EXPECT_EQ(s.usage.completion_tokens, 8u);
  EXPECT_EQ(s.usage.cache_creation_tokens, 5u);
  EXPECT_EQ(s.GeneratedTokens(), 8u);
  EXPECT_EQ(s.thinking_signature, BuildScript(call, b).thinking_signature);  // deterministic
  EXPECT_EQ(s.thinking_signature.size(), kThinkingSignatureBytes * 4 / 3);
}

TEST(Script, StopSequenceCutsTheText) {
  ChatCall call = Call("alpha beta gamma");
  call.stop_sequences = {"", "ta ga"};
  Script s = BuildScript(call, Behaviour{});
  EXPECT_EQ(s.Content(), "alpha be");
  EXPECT_EQ(s.matched_stop, "ta ga");
  EXPECT_EQ(s.finish_reason, "stop");
  EXPECT_EQ(s.usage.completion_tokens, 2u);
  EXPECT_EQ(s.content_chunks.size(), 2u);
}

TEST(Script, ResponseBytesSpreadsFillerOverChunks) {
  Behaviour b;
  b.response_bytes = 1000;
  b.chunks = 4;
  Script s = BuildScript(Call("x"), b);
  EXPECT_EQ(s.content_chunks.size(), 4u);
  EXPECT_EQ(s.Content().size(), 1000u);
  EXPECT_EQ(s.Content(), Filler(1000));
}

TEST(Script, SplitUtf8NeverCutsACharacter) {
  std::string text = "ééééé";  // 2 bytes each
  auto pieces = SplitUtf8(text, 5);
  std::string joined;
  for (const auto& p : pieces) {
    EXPECT_EQ(p.size() % 2, 0u) << p;
    joined += p;
  }
  EXPECT_EQ(joined, text);
}

TEST(Script, PromptEstimateFormula) {
  EXPECT_EQ(EstimateTextTokens(0), 0u);
  EXPECT_EQ(EstimateTextTokens(1), 1u);
  EXPECT_EQ(EstimateTextTokens(4), 1u);
  EXPECT_EQ(EstimateTextTokens(5), 2u);
}

}  // namespace
}  // namespace sluice::mock_llm
