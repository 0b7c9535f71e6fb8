// The built-in price / context-window table: snapshot suffixes match, sibling models do not,
// Bedrock region prefixes are ignored, and prices parse as exact micro-dollars.
#include "config/model_catalog.h"

#include <gtest/gtest.h>

#include <set>

namespace sluice::config {
namespace {

uint64_t In(std::string_view model) {
  return BuiltinPrices(model).value_or(Prices{}).input_per_mtok;
}
uint64_t Out(std::string_view model) {
  return BuiltinPrices(model).value_or(Prices{}).output_per_mtok;
}

TEST(ModelCatalogTest, ExactAndSnapshotNames) {
  EXPECT_EQ(In("gpt-4o"), 2'500'000u);
  EXPECT_EQ(Out("gpt-4o"), 10'000'000u);
  EXPECT_EQ(In("gpt-4o-2024-11-20"), 2'500'000u);
  EXPECT_EQ(In("gpt-4o-2024-05-13"), 5'000'000u);  // its own, older price
  EXPECT_EQ(In("gpt-4o-mini"), 150'000u);
  EXPECT_EQ(In("gpt-4o-mini-2024-07-18"), 150'000u);
  EXPECT_EQ(In("gpt-4.1-nano-2025-04-14"), 100'000u);
  EXPECT_EQ(In("o4-mini"), 1'100'000u);
  EXPECT_EQ(In("gpt-5-mini"), 250'000u);
  EXPECT_EQ(In("claude-sonnet-4-5-20250929"), 3'000'000u);
  EXPECT_EQ(In("claude-opus-4-1@20250805"), 15'000'000u);  // Vertex spelling
  EXPECT_EQ(In("claude-opus-4-5"), 5'000'000u);
  EXPECT_EQ(In("claude-opus-4-20250514"), 15'000'000u);
  EXPECT_EQ(In("claude-3-5-haiku-latest"), 800'000u);
  EXPECT_EQ(In("gemini-2.0-flash-001"), 100'000u);
  EXPECT_EQ(Out("gemini-2.5-flash"), 2'500'000u);
  EXPECT_EQ(In("amazon.nova-micro-v1:0"), 35'000u);
  EXPECT_EQ(In("anthropic.claude-3-5-sonnet-20240620-v1:0"), 3'000'000u);
  EXPECT_EQ(In("us.anthropic.claude-sonnet-4-20250514-v1:0"), 3'000'000u);
  EXPECT_EQ(In("global.anthropic.claude-haiku-4-5-20251001-v1:0"), 1'000'000u);
  EXPECT_EQ(In("deepseek-chat"), 280'000u);
}

TEST(ModelCatalogTest, SiblingsAndUnknownsDoNotInheritAPrice) {
  for (const char* name : {"gpt-5-pro", "gpt-5.4", "claude-opus-4-6", "gpt-4o-audio-preview",
                           "gemini-2.5-flash-preview-05-20", "o3-pro", "mistral-large-latest",
                           "my-finetune", "", "gpt-4", "xx.anthropic.claude-sonnet-4-x"}) {
    EXPECT_FALSE(BuiltinPrices(name)) << name;
  }
  EXPECT_EQ(BuiltinContextWindow("unknown-model"), 0u);
}

TEST(ModelCatalogTest, ContextWindows) {
  EXPECT_EQ(BuiltinContextWindow("gpt-4o"), 128'000u);
  EXPECT_EQ(BuiltinContextWindow("gpt-4.1"), 1'047'576u);
  EXPECT_EQ(BuiltinContextWindow("claude-sonnet-4-5"), 200'000u);
  EXPECT_EQ(BuiltinContextWindow("gemini-2.5-pro"), 1'048'576u);
}

TEST(ModelCatalogTest, EntriesAreUniqueAndPriced) {
  std::set<std::string_view> seen;
  for (const CatalogEntry& e : BuiltinCatalog()) {
    EXPECT_TRUE(seen.insert(e.model).second) << e.model;
    ASSERT_TRUE(e.prices) << e.model;
    EXPECT_GT(e.prices->input_per_mtok, 0u) << e.model;
    EXPECT_GE(e.prices->output_per_mtok, e.prices->input_per_mtok) << e.model;
    EXPECT_GT(e.context_window, 0u) << e.model;
    EXPECT_EQ(LookupModel(e.model), &e) << e.model;  // every entry finds itself
  }
}

TEST(ModelCatalogTest, ParseUsdToMicros) {
  EXPECT_EQ(ParseUsdToMicros("2.50"), 2'500'000u);
  EXPECT_EQ(ParseUsdToMicros("0.035"), 35'000u);
  EXPECT_EQ(ParseUsdToMicros("$15"), 15'000'000u);
  EXPECT_EQ(ParseUsdToMicros("0.000001"), 1u);
  EXPECT_EQ(ParseUsdToMicros(".5"), 500'000u);
  EXPECT_EQ(ParseUsdToMicros("0"), 0u);
  EXPECT_EQ(ParseUsdToMicros("1000000"), 1'000'000'000'000u);
  for (const char* bad : {"", "$", ".", "1.", "-1", "1e3", "0.0000001", "1,5", "2.5 ", "10000000",
                          "1000000.01", "abc"}) {
    EXPECT_FALSE(ParseUsdToMicros(bad)) << bad;
  }
}

}  // namespace
}  // namespace sluice::config
