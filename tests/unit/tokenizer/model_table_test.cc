// The built-in model -> tokenizer table: families, calibrated factors (docs/tokenizer.md "Estimates",
// measured by bench/tokenizer_calibration), routing prefixes and case, and counting an alias with its
// upstream model's tokenizer.
#include <gtest/gtest.h>

#include <cstdio>

#include "tokenizer/count_api.h"
#include "tokenizer/model_table.h"
#include "test_support.h"

namespace sluice::tokenizer {
namespace {

struct Expect {
  const char* model;
  const char* family;
  double factor;
};

TEST(ModelTableFactorsTest, EveryFamilyHasItsCalibratedFactor) {
  const ModelTable t = ModelTable::Default();
  const Expect cases[] = {
      {"claude-sonnet-4-5", "anthropic", 1.15},
      {"us.anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic", 1.15},
      {"claude-opus-4-7", "anthropic-2026", 1.55},
      {"gemini-2.5-pro", "gemini", 1.25},
      {"models/gemini-1.5-flash", "gemini", 1.20},
      {"gemma-3-27b-it", "gemini", 1.25},
      {"llama-3.3-70b-versatile", "llama", 1.05},
      {"meta-llama/Llama-3.3-70B-Instruct", "llama", 1.05},  // Hugging Face ids are capitalised
      {"meta.llama3-70b-instruct-v1:0", "llama", 1.05},       // Bedrock
      {"meta.llama2-70b-chat-v1", "llama-2", 1.35},
      {"meta-llama/Llama-2-70b-chat-hf", "llama-2", 1.35},
      {"mistral-large-latest", "mistral-tekken", 1.20},
      {"codestral-2501", "mistral-tekken", 1.20},
      {"mistralai/Mistral-Nemo-Instruct-2407", "mistral-tekken", 1.20},
      {"open-mixtral-8x7b", "mistral-v1", 1.35},
      {"mistral.mixtral-8x7b-instruct-v0:1", "mistral-v1", 1.35},
      {"mistral.mistral-7b-instruct-v0:2", "mistral-v1", 1.35},
      {"Qwen/Qwen3-32B", "qwen", 1.20},
      {"qwq-32b", "qwen", 1.20},
      {"deepseek-chat", "deepseek", 1.10},
      {"command-r-plus", "cohere", 1.20},
      {"my-house-model", "unknown", 1.35},
  };
  for (const Expect& e : cases) {
    const ModelTokenizer mt = t.Lookup(e.model);
    EXPECT_FALSE(mt.exact) << e.model;
    EXPECT_EQ(mt.family, e.family) << e.model;
    EXPECT_DOUBLE_EQ(mt.factor, e.factor) << e.model;
  }
  EXPECT_TRUE(t.Lookup("GPT-4o").exact);
  EXPECT_EQ(t.Lookup("Qwen2.5-72B").family, "qwen");
}

TEST(ModelTableFactorsTest, EstimatesScaleTheO200kCount) {
  testing::Enc(EncodingId::kO200kBase);
  const ModelTable t = ModelTable::Default();
  const char* body = R"({"model":"%s","messages":[{"role":"user","content":"hello world"}]})";
  auto count = [&](const char* model) {
    char buf[256];
    std::snprintf(buf, sizeof buf, body, model);
    auto r = AnswerAnthropicCountTokens(buf, t);
    EXPECT_TRUE(r.ok()) << model;
    return r.ok() ? r->count.tokens : 0;
  };
  EXPECT_EQ(count("gpt-4o"), 9u);              // 3 + "user" + 2 text tokens + 3 priming
  EXPECT_EQ(count("claude-sonnet-4-5"), 11u);  // ceil(9 x 1.15)
  EXPECT_EQ(count("claude-opus-4-7"), 14u);    // ceil(9 x 1.55)
  EXPECT_EQ(count("llama-3.1-8b"), 10u);       // ceil(9 x 1.05)
}

TEST(ModelTableFactorsTest, AnAliasCountsWithItsUpstreamModelsTokenizer) {
  testing::Enc(EncodingId::kO200kBase);
  const ModelTable t = ModelTable::Default();
  const char* body = R"({"model":"house-alias","messages":[{"role":"user","content":"hello world"}]})";
  CountTokensOptions exact_only;
  exact_only.allow_estimate = false;
  auto unknown = AnswerAnthropicCountTokens(body, t, exact_only);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->kind, CountTokensReply::Kind::kForward);  // by its own name: no tokenizer
  exact_only.tokenizer_model = "gpt-4o";
  auto aliased = AnswerAnthropicCountTokens(body, t, exact_only);
  ASSERT_TRUE(aliased.ok());
  EXPECT_EQ(aliased->kind, CountTokensReply::Kind::kLocal);
  EXPECT_TRUE(aliased->count.exact);
  EXPECT_EQ(aliased->body, "{\"input_tokens\":9}");
}

}  // namespace
}  // namespace sluice::tokenizer
