// Tests for the per-route `allow_token_estimate` key of `models:`: absent stays absent (the route then
// follows tokenizer.allow_estimate, resolved in router::BuildRouting), true/false are kept as written
// whatever the global setting, and anything that is not a boolean is a located error.
#include <gtest/gtest.h>

#include "config/loader.h"

namespace sluice::config {
namespace {

LoadResult Load(std::string_view yaml) { return LoadString(yaml, "test.yaml", MapEnv({})); }

std::string AllErrors(const LoadResult& r) {
  std::string out;
  for (const ConfigError& e : r.errors) out += FormatError(e, "test.yaml") + "\n";
  return out;
}

constexpr const char* kProviders = R"(
providers:
  a: { type: openai_compatible, base_url: "http://127.0.0.1:8001" }
  g: { type: gemini, base_url: "http://127.0.0.1:8002", api_key: k }
)";

const ModelConfig* Find(const LoadResult& r, std::string_view name) {
  for (const ModelConfig& m : r.config->models)
    if (m.name == name) return &m;
  return nullptr;
}

TEST(RouteTokenEstimateTest, AbsentByDefaultOnEveryRouteShape) {
  LoadResult r = Load(std::string(kProviders) +
                      "models:\n"
                      "  m: { provider: a }\n"
                      "  'gemini-*': { provider: g }\n"
                      "  t: { targets: [ { provider: g, model: x }, { provider: a, model: y } ] }\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  for (std::string_view name : {"m", "gemini-*", "t"}) {
    const ModelConfig* m = Find(r, name);
    ASSERT_NE(m, nullptr) << name;
    EXPECT_FALSE(m->allow_token_estimate.has_value()) << name;
  }
  EXPECT_TRUE(r.config->tokenizer.allow_estimate);
}

TEST(RouteTokenEstimateTest, ExplicitValuesAreKeptWhateverTheGlobalSetting) {
  LoadResult r = Load(std::string(kProviders) +
                      "tokenizer: { allow_estimate: false }\n"
                      "models:\n"
                      "  loose: { provider: g, model: gemini-2.5-flash, allow_token_estimate: true }\n"
                      "  strict: { provider: g, model: gemini-2.5-pro, allow_token_estimate: FALSE }\n"
                      "  plain: { provider: a }\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_FALSE(r.config->tokenizer.allow_estimate);
  ASSERT_TRUE(Find(r, "loose")->allow_token_estimate.has_value());
  EXPECT_TRUE(*Find(r, "loose")->allow_token_estimate);
  ASSERT_TRUE(Find(r, "strict")->allow_token_estimate.has_value());
  EXPECT_FALSE(*Find(r, "strict")->allow_token_estimate);
  EXPECT_FALSE(Find(r, "plain")->allow_token_estimate.has_value());
}

TEST(RouteTokenEstimateTest, NonBooleanIsALocatedError) {
  for (std::string_view bad : {"yes", "1", "[true]", "{}", "on"}) {
    LoadResult r = Load(std::string(kProviders) + "models:\n  m:\n    provider: a\n    allow_token_estimate: " +
                        std::string(bad) + "\n");
    ASSERT_FALSE(r.ok()) << bad;
    ASSERT_EQ(r.errors.size(), 1u) << bad << "\n" << AllErrors(r);
    EXPECT_EQ(r.errors[0].path, "models.m.allow_token_estimate") << bad;
    EXPECT_EQ(r.errors[0].line, 8) << bad;
  }
  LoadResult yes = Load(std::string(kProviders) + "models:\n  m: { provider: a, allow_token_estimate: yes }\n");
  ASSERT_EQ(yes.errors.size(), 1u) << AllErrors(yes);
  EXPECT_EQ(yes.errors[0].message, "expected true or false (got 'yes')");
}

TEST(RouteTokenEstimateTest, MisspelledKeyIsRejected) {
  LoadResult r = Load(std::string(kProviders) + "models:\n  m: { provider: a, allow_token_estimates: false }\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u) << AllErrors(r);
  EXPECT_EQ(r.errors[0].path, "models.m.allow_token_estimates");
  EXPECT_NE(r.errors[0].message.find("allow_token_estimate"), std::string::npos) << r.errors[0].message;
}

}  // namespace
}  // namespace sluice::config
