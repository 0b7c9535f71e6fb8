// Every routing-config mistake is reported at its YAML path and line, with a message that says what
// to write instead, and nothing else is reported with it.
#include <gtest/gtest.h>

#include "config/loader.h"

namespace sluice::config {
namespace {

constexpr const char* kHead = R"(providers:
  openai: { type: openai_compatible, base_url: "http://127.0.0.1:8001" }
  local: { type: vllm, base_url: "http://127.0.0.1:8000" }
models:
)";  // models start on line 5

struct Expect {
  std::string path;
  int line;
  std::string message_part;
};

std::string All(const LoadResult& r) {
  std::string out;
  for (const ConfigError& e : r.errors) out += FormatError(e, "test.yaml") + "\n";
  return out;
}

void ExpectOnly(const std::string& models, const Expect& want, const std::string& extra = "") {
  LoadResult r = LoadString(extra + kHead + models, "test.yaml", MapEnv({}));
  ASSERT_EQ(r.errors.size(), 1u) << All(r);
  EXPECT_EQ(r.errors[0].path, want.path) << All(r);
  EXPECT_EQ(r.errors[0].line, want.line) << All(r);
  EXPECT_NE(r.errors[0].message.find(want.message_part), std::string::npos) << All(r);
  EXPECT_FALSE(r.config);
}

TEST(RoutesErrorsTest, TargetProviders) {
  ExpectOnly(
      "  m:\n    targets:\n      - { provider: opena, model: x }\n",
      {"models.m.targets[0].provider", 7, "unknown provider 'opena' (did you mean 'openai'?)"});
  ExpectOnly("  m:\n    targets:\n      - { model: x }\n",
             {"models.m.targets[0]", 7, "missing required key 'provider'"});
  ExpectOnly("  m:\n    targets:\n      - openai\n",
             {"models.m.targets[0]", 7, "expected a mapping"});
}

TEST(RoutesErrorsTest, ShorthandAndTargetsExclusive) {
  ExpectOnly("  m:\n    provider: openai\n    targets: [ { provider: local } ]\n",
             {"models.m.targets", 7, "either 'provider' (and 'model') or a 'targets' list"});
  ExpectOnly("  m: { model: x }\n",
             {"models.m", 5, "missing required key 'provider' (or a 'targets' list)"});
  ExpectOnly("  m: { targets: [] }\n", {"models.m.targets", 5, "at least one target"});
  ExpectOnly("  m: { targets: { provider: openai } }\n",
             {"models.m.targets", 5, "expected a list"});
}

TEST(RoutesErrorsTest, TooManyTargets) {
  std::string yaml = "  m:\n    targets:\n";
  for (int i = 0; i < 33; ++i)
    yaml += "      - { provider: openai, model: m" + std::to_string(i) + " }\n";
  ExpectOnly(yaml, {"models.m.targets", 7, "at most 32 targets"});
}

TEST(RoutesErrorsTest, DuplicateTargets) {
  ExpectOnly(
      "  m:\n    targets:\n      - { provider: openai, model: a }\n      - { provider: openai, "
      "model: a, weight: 2 }\n",
      {"models.m.targets[1]", 8, "listed twice; give one target the combined weight"});
  ExpectOnly(
      "  m:\n    targets:\n      - { name: x, provider: openai, model: a }\n      - { name: x, "
      "provider: local, model: b }\n",
      {"models.m.targets[1]", 8, "target name 'x' is used twice"});
}

TEST(RoutesErrorsTest, Strategy) {
  ExpectOnly("  m: { strategy: least-cots, provider: openai, model: gpt-4o }\n",
             {"models.m.strategy", 5, "unknown strategy (got 'least-cots'); one of weighted"});
  LoadResult r =
      LoadString(std::string(kHead) + "  m: { strategy: least-cots, provider: openai }\n",
                 "test.yaml", MapEnv({}));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("did you mean 'least-cost'?"), std::string::npos);
  ExpectOnly("  m: { strategy: rules, provider: openai }\n",
             {"models.m.strategy", 5, "strategy 'rules' needs a 'rules' list"});
  ExpectOnly(
      "  m:\n    strategy: priority\n    provider: openai\n    rules: [ { target: openai } ]\n",
      {"models.m.rules", 8, "rules apply only with strategy: rules"});
}

TEST(RoutesErrorsTest, WeightsAllZero) {
  ExpectOnly(
      "  m:\n    targets:\n      - { provider: openai, weight: 0 }\n      - { provider: local, "
      "weight: 0 }\n",
      {"models.m.targets", 6, "every target has weight 0"});
  // priority routes may hold weight-0 (fallback-only) targets.
  LoadResult ok =
      LoadString(std::string(kHead) +
                     "  m: { strategy: priority, targets: [ { provider: openai, weight: 0 } ] }\n",
                 "test.yaml", MapEnv({}));
  EXPECT_TRUE(ok.ok()) << All(ok);
  ExpectOnly("  m: { targets: [ { provider: openai, weight: -1 } ] }\n",
             {"models.m.targets[0].weight", 5, "whole number"});
}

TEST(RoutesErrorsTest, RulesNameKnownTargets) {
  const std::string base =
      "  m:\n    strategy: rules\n    targets:\n      - { name: small, provider: openai, model: s "
      "}\n"
      "      - { provider: openai, model: b }\n    rules:\n";
  ExpectOnly(base + "      - { name: r, targets: [smal] }\n",
             {"models.m.rules[0].targets[0]", 11,
              "no target 'smal' in this route (targets: small openai/b)"});
  ExpectOnly(base + "      - { targets: [openai] }\n",
             {"models.m.rules[0].targets[0]", 11, "provider 'openai' has several targets"});
  ExpectOnly(base + "      - { targets: [small, small] }\n",
             {"models.m.rules[0].targets[1]", 11, "listed twice in this rule"});
  ExpectOnly(base + "      - { when: { tools: true } }\n",
             {"models.m.rules[0]", 11, "missing required key 'targets'"});
  ExpectOnly(base + "      - { name: a, target: small }\n      - { name: a, target: small }\n",
             {"models.m.rules[1]", 12, "rule name 'a' is used twice"});
  ExpectOnly(base + "      - { target: small, when: { tokens: { gt: 1 } } }\n",
             {"models.m.rules[0].when.tokens", 11, "unknown key 'tokens'"});
  ExpectOnly(
      base + "      - { target: small, when: { total_tokens: 5 } }\n",
      {"models.m.rules[0].when.total_tokens", 11, "expected a comparison such as { gt: 1000 }"});
  ExpectOnly(base + "      - { target: small, when: { total_tokens: { above: 5 } } }\n",
             {"models.m.rules[0].when.total_tokens.above", 11, "unknown key 'above'"});
  ExpectOnly(base + "      - { target: small, when: { header: { \"bad name\": x } } }\n",
             {"models.m.rules[0].when.header[\"bad name\"]", 11, "not a valid HTTP header name"});
  ExpectOnly(base + "      - { target: small, when: { consumer: { like: x } } }\n",
             {"models.m.rules[0].when.consumer.like", 11, "unknown key 'like'"});
  ExpectOnly(base + "      - { target: small, when: { prompt: { matches: \"(unclosed\" } } }\n",
             {"models.m.rules[0].when.prompt.matches", 11, "bad regex at offset 9"});
  ExpectOnly(base + "      - { target: small, when: { prompt: { contains: [] } } }\n",
             {"models.m.rules[0].when.prompt.contains", 11, "at least one keyword"});
}

TEST(RoutesErrorsTest, Fallbacks) {
  ExpectOnly("  gpt-4o: { provider: openai }\n  m: { provider: local, fallbacks: [gpt-4p] }\n",
             {"models.m.fallbacks[0]", 6, "unknown route 'gpt-4p' (did you mean 'gpt-4o'?)"});
  ExpectOnly("  m: { provider: local, fallbacks: [m] }\n",
             {"models.m.fallbacks[0]", 5, "cannot fall back to itself"});
  ExpectOnly(
      "  \"gpt-*\": { provider: openai }\n  m:\n    provider: local\n    fallbacks:\n      - "
      "\"gpt-*\"\n",
      {"models.m.fallbacks[0]", 9, "fallbacks name exact routes; 'gpt-*' is a pattern"});
  ExpectOnly("  a: { provider: openai }\n  m: { provider: local, fallbacks: [a, a] }\n",
             {"models.m.fallbacks[1]", 6, "'a' is listed twice"});
}

TEST(RoutesErrorsTest, PatternsMustCompile) {
  ExpectOnly("  \"/gpt-(4o/\": { provider: openai }\n",
             {"models./gpt-(4o/", 5, "route pattern: bad regex at offset"});
}

TEST(RoutesErrorsTest, LeastCostNeedsPrices) {
  ExpectOnly(
      "  m:\n    strategy: least-cost\n    targets:\n      - { provider: openai, model: gpt-4o }\n"
      "      - { provider: local, model: qwen }\n",
      {"models.m.targets[1]", 9, "model 'qwen' is not in the built-in price table"});
  ExpectOnly("  \"gpt-*\": { strategy: least-cost, provider: openai }\n",
             {"models.gpt-*.provider", 5, "whose model is the client's"});
  ExpectOnly("  m: { targets: [ { provider: openai, prices: { input: 1 } } ] }\n",
             {"models.m.targets[0].prices", 5, "missing required key 'output'"});
  ExpectOnly("  m: { targets: [ { provider: openai, prices: { input: -1, output: 2 } } ] }\n",
             {"models.m.targets[0].prices.input", 5, "expected US dollars per million tokens"});
  ExpectOnly(
      "  m: { targets: [ { provider: openai, prices: { input: 0.0000001, output: 2 } } ] }\n",
      {"models.m.targets[0].prices.input", 5, "at most 6 decimals"});
}

TEST(RoutesErrorsTest, ParamsStickyAllowEpsilon) {
  ExpectOnly("  m: { provider: openai, params: { defaults: { temperature: 3 } } }\n",
             {"models.m.params.defaults.temperature", 5, "must be between 0 and 2"});
  ExpectOnly("  m: { provider: openai, params: { defaults: { max_tokens: 1.5 } } }\n",
             {"models.m.params.defaults.max_tokens", 5, "must be a whole number"});
  ExpectOnly("  m: { provider: openai, params: { defaults: { temprature: 1 } } }\n",
             {"models.m.params.defaults.temprature", 5, "did you mean 'temperature'?"});
  ExpectOnly("  m: { provider: openai, params: { clamp: { top_p: [0.9, 0.1] } } }\n",
             {"models.m.params.clamp.top_p", 5, "min (0.9) is greater than max (0.1)"});
  ExpectOnly("  m: { provider: openai, params: { clamp: { top_p: 0.5 } } }\n",
             {"models.m.params.clamp.top_p", 5, "expected [min, max]"});
  ExpectOnly(
      "  m: { provider: openai, params: { defaults: { temperature: 1.5 }, clamp: { temperature: "
      "[0, 1] } } }\n",
      {"models.m.params.defaults.temperature", 5, "defaults value 1.5 is outside clamp [0, 1]"});
  ExpectOnly("  m: { provider: openai, sticky: { by: cookie } }\n",
             {"models.m.sticky.by", 5, "must be header, consumer, team or user"});
  ExpectOnly("  m: { provider: openai, sticky: { by: header } }\n",
             {"models.m.sticky", 5, "needs 'header'"});
  ExpectOnly("  m: { provider: openai, sticky: { by: consumer, header: x } }\n",
             {"models.m.sticky.header", 5, "only applies to sticky by header"});
  ExpectOnly("  m: { provider: openai, allow: { users: [a] } }\n",
             {"models.m.allow.users", 5, "unknown key 'users'"});
  ExpectOnly("  m: { provider: openai, strategy: least-latency, epsilon: 1.5 }\n",
             {"models.m.epsilon", 5, "must be between 0 and 1"});
}

TEST(RoutesErrorsTest, RetryAndBreaker) {
  ExpectOnly("  m: { provider: openai, retry: { budget: { ratio: 1 } } }\n",
             {"models.m.retry.budget", 5, "unknown key 'budget'"});
  ExpectOnly("  m: { provider: openai, retry: { max_attempts: 0 } }\n",
             {"models.m.retry.max_attempts", 5, "between 1 and 32"});
  ExpectOnly("  m: { provider: openai }\n",
             {"routing.retry.max_backoff", 2, "shorter than initial_backoff"},
             "routing:\n  retry: { initial_backoff: 2s, max_backoff: 1s }\n");
  ExpectOnly("  m: { provider: openai }\n",
             {"routing.breaker.max_cooldown", 2, "shorter than base_cooldown"},
             "routing:\n  breaker: { base_cooldown: 10m, max_cooldown: 1m }\n");
  ExpectOnly("  m: { provider: openai }\n",
             {"routing.breaker.failure_rte", 2, "did you mean 'failure_rate'?"},
             "routing:\n  breaker: { failure_rte: 0.1 }\n");
  ExpectOnly("  m: { provider: openai }\n", {"routing.team_header", 3, "must differ"},
             "routing:\n  consumer_header: x-who\n  team_header: X-Who\n");
  ExpectOnly("  m: { provider: openai }\n",
             {"routing.consumer_header", 2, "not a valid HTTP header name"},
             "routing:\n  consumer_header: \"x who\"\n");
}

TEST(RoutesErrorsTest, LoadMetrics) {
  LoadResult r = LoadString(R"(providers:
  v: { type: vllm, base_url: "http://h:8000", load_metrics: { url: "ftp://h/metrics" } }
  w: { type: vllm, base_url: "http://h:8001", load_metrics: { interval: 10ms, enable: true } }
models:
  m: { targets: [ { provider: v }, { provider: w } ] }
)",
                            "test.yaml", MapEnv({}));
  ASSERT_EQ(r.errors.size(), 3u) << All(r);
  EXPECT_EQ(r.errors[0].path, "providers.v.load_metrics.url");
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find("must be a path such as /metrics or an http:// URL"),
            std::string::npos);
  EXPECT_EQ(r.errors[1].path, "providers.w.load_metrics.interval");
  EXPECT_EQ(r.errors[2].path, "providers.w.load_metrics.enable");
  EXPECT_NE(r.errors[2].message.find("did you mean 'enabled'?"), std::string::npos);

  LoadResult hosted = LoadString(R"(providers:
  o: { type: openai, base_url: "https://api.openai.com", api_key: k, load_metrics: {} }
models:
  m: { provider: o }
)",
                                 "test.yaml", MapEnv({}));
  ASSERT_TRUE(hosted.ok()) << All(hosted);
  bool warned = false;
  for (const std::string& w : hosted.warnings)
    warned |= w.find("meant for self-hosted") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(RoutesErrorsTest, IneffectiveKeysWarn) {
  LoadResult r = LoadString(std::string(kHead) +
                                "  m: { provider: openai, strategy: least-cost, model: gpt-4o, "
                                "sticky: { by: consumer }, epsilon: 0.1 }\n",
                            "test.yaml", MapEnv({}));
  ASSERT_TRUE(r.ok()) << All(r);
  ASSERT_EQ(r.warnings.size(), 3u);  // the third: provider 'local' is not used
  EXPECT_NE(r.warnings[0].find("providers.local: provider 'local' is not used"), std::string::npos);
  EXPECT_NE(
      r.warnings[1].find("test.yaml:5:71: warning: models.m.sticky: sticky has no effect with "
                         "strategy 'least-cost'"),
      std::string::npos)
      << r.warnings[1];
  EXPECT_NE(r.warnings[2].find("models.m.epsilon: epsilon has no effect"), std::string::npos);
}

TEST(RoutesErrorsTest, EveryRouteErrorInOnePass) {
  LoadResult r = LoadString(std::string(kHead) + R"(  a: { strategy: weighed, provider: openai }
  b: { targets: [ { provider: nope } ], fallbacks: [zz] }
  c: { provider: local, params: { clamp: { temperature: [2, 1] } } }
)",
                            "test.yaml", MapEnv({}));
  ASSERT_EQ(r.errors.size(), 4u) << All(r);
  EXPECT_EQ(r.errors[0].line, 5);
  EXPECT_EQ(r.errors[1].path, "models.b.targets[0].provider");
  EXPECT_EQ(r.errors[2].path, "models.b.fallbacks[0]");
  EXPECT_EQ(r.errors[3].line, 7);
}

}  // namespace
}  // namespace sluice::config
