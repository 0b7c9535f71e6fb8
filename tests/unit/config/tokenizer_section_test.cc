// The tokenizer: section (model → tokenizer overrides and the estimate policy).
#include <gtest/gtest.h>

#include "config/loader.h"

namespace sluice::config {
namespace {

constexpr const char* kBase = R"(
providers:
  local: { type: vllm, base_url: "http://127.0.0.1:8000" }
models:
  m: { provider: local }
)";

LoadResult Load(const std::string& extra) {
  return LoadString(std::string(kBase) + extra, "test.yaml", MapEnv({}));
}

TEST(TokenizerSection, DefaultsAllowEstimatesWithNoOverrides) {
  LoadResult r = Load("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.config->tokenizer.allow_estimate);
  EXPECT_FALSE(r.config->tokenizer.preload);
  EXPECT_TRUE(r.config->tokenizer.models.empty());
}

TEST(TokenizerSection, ReadsRulesInOrder) {
  LoadResult r = Load(R"(
tokenizer:
  preload: true
  allow_estimate: false
  models:
    my-finetune-: { encoding: cl100k_base }
    mistral-: { estimate_factor: 1.15 }
)");
  ASSERT_TRUE(r.ok());
  const auto& t = r.config->tokenizer;
  EXPECT_FALSE(t.allow_estimate);
  EXPECT_TRUE(t.preload);
  ASSERT_EQ(t.models.size(), 2u);
  EXPECT_EQ(t.models[0].prefix, "my-finetune-");
  EXPECT_EQ(t.models[0].encoding, "cl100k_base");
  EXPECT_EQ(t.models[0].estimate_factor, 0);
  EXPECT_EQ(t.models[1].encoding, "o200k_base");
  EXPECT_DOUBLE_EQ(t.models[1].estimate_factor, 1.15);
}

TEST(TokenizerSection, RejectsBadValuesWithPaths) {
  LoadResult r = Load(R"(
tokenizer:
  models:
    x-: { encoding: p50k_base, estimate_factor: lots, colour: red }
)");
  ASSERT_FALSE(r.ok());
  std::string all;
  for (const auto& e : r.errors) all += FormatError(e, "test.yaml") + "\n";
  EXPECT_NE(all.find("tokenizer.models.x-.encoding"), std::string::npos) << all;
  EXPECT_NE(all.find("tokenizer.models.x-.estimate_factor"), std::string::npos) << all;
  EXPECT_NE(all.find("colour"), std::string::npos) << all;
}

}  // namespace
}  // namespace sluice::config
