// Tests for the routing keys of `models:` and the `routing:` section: every key parses into
// schema.h, defaults apply, the one-target shorthand stays what it was, optional providers take
// their targets along. Error cases: routes_errors_test.cc.
#include <gtest/gtest.h>

#include "config/loader.h"

namespace sluice::config {
namespace {

using std::chrono::milliseconds;

LoadResult Load(std::string_view yaml, EnvLookup env = MapEnv({})) {
  return LoadString(yaml, "test.yaml", env);
}

std::string AllErrors(const LoadResult& r) {
  std::string out;
  for (const ConfigError& e : r.errors) out += FormatError(e, "test.yaml") + "\n";
  return out;
}

constexpr const char* kProviders = R"(
providers:
  a: { type: openai_compatible, base_url: "http://127.0.0.1:8001" }
  b: { type: vllm, base_url: "http://10.0.0.5:8000/v1", load_metrics: {} }
)";

TEST(RoutesTest, ShorthandIsOneTargetWithDefaults) {
  LoadResult r = Load(std::string(kProviders) +
                      "models:\n  m: { provider: a }\n  n: { provider: b, model: up }\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const ModelConfig& m = r.config->models[0];
  EXPECT_EQ(m.provider, "a");
  EXPECT_EQ(m.model, "m");
  ASSERT_EQ(m.targets.size(), 1u);
  EXPECT_EQ(m.targets[0].provider, "a");
  EXPECT_EQ(m.targets[0].model, "m");
  EXPECT_EQ(m.targets[0].name, "a/m");
  EXPECT_EQ(m.targets[0].weight, 1u);
  EXPECT_EQ(m.targets[0].priority, 0u);
  EXPECT_FALSE(m.targets[0].prices);
  EXPECT_FALSE(m.targets[0].context_window);
  EXPECT_TRUE(m.targets[0].tools);
  EXPECT_TRUE(m.targets[0].images);
  EXPECT_EQ(m.strategy, "weighted");
  EXPECT_EQ(m.sticky.by, StickyBy::kNone);
  EXPECT_FALSE(m.epsilon);
  EXPECT_TRUE(m.fallbacks.empty());
  EXPECT_TRUE(m.rules.empty());
  EXPECT_TRUE(m.params.empty());
  EXPECT_TRUE(m.allow.empty());
  EXPECT_FALSE(m.retry);
  EXPECT_FALSE(m.is_pattern());
  EXPECT_EQ(r.config->models[1].targets[0].model, "up");
  EXPECT_EQ(r.config->models[1].model, "up");

  // routing: defaults
  const RoutingConfig& routing = r.config->routing;
  EXPECT_EQ(routing.consumer_header, "x-sluice-consumer");
  EXPECT_EQ(routing.team_header, "x-sluice-team");
  EXPECT_EQ(routing.retry.max_attempts, 3u);
  EXPECT_EQ(routing.retry.initial_backoff, milliseconds(100));
  EXPECT_EQ(routing.retry.deadline, milliseconds(600'000));
  EXPECT_DOUBLE_EQ(routing.budget.ratio, 0.2);
  EXPECT_EQ(routing.breaker.consecutive_failures, 5u);

  // load_metrics: {} turns scraping on with the default path at the origin, not under /v1.
  ASSERT_FALSE(r.config->providers[0].load_metrics);
  ASSERT_TRUE(r.config->providers[1].load_metrics);
  EXPECT_TRUE(r.config->providers[1].load_metrics->enabled);
  EXPECT_EQ(r.config->providers[1].load_metrics->url, "http://10.0.0.5:8000/metrics");
  EXPECT_EQ(r.config->providers[1].load_metrics->interval, milliseconds(1'000));
}

TEST(RoutesTest, EveryRouteKeyParses) {
  LoadResult r = Load(std::string(kProviders) + R"(
routing:
  consumer_header: X-Caller
  team_header: x-group
  retry:
    max_attempts: 5
    initial_backoff: 50ms
    max_backoff: 2s
    max_retry_after: 10s
    attempt_timeout: 20s
    deadline: 1m
    budget: { ratio: 0.5, min_per_second: 3, window: 5s }
  breaker:
    consecutive_failures: 7
    failure_rate: 0.25
    min_requests: 40
    window: 20s
    base_cooldown: 2s
    max_cooldown: 1m
    half_open_probes: 2
    successes_to_close: 3
    level_decay: 2m
models:
  smart:
    strategy: rules
    sticky: { by: consumer }
    targets:
      - name: cheap
        provider: a
        model: small
        weight: 3
        priority: 1
        prices: { input: 0.15, output: "$$0.6" }
        context_window: 32768
        tools: false
        images: false
        params: { override: { temperature: 0 } }
      - { provider: b, model: big }
    fallbacks: [plain]
    rules:
      - name: long
        when:
          total_tokens: { gt: 1000, le: 200000 }
          input_tokens: { ge: 10 }
          output_tokens: { lt: 500 }
          tools: true
          images: false
          consumer: alice
          team: { prefix: research-, ne: research-x }
          header: { X-Tier: premium, x-beta: { exists: true } }
          metadata: { env: { exists: false } }
          prompt: { matches: "(?i)\\bsql\\b", contains: [translate, Übersetze] }
        targets: [b/big, cheap]
      - { target: b }
    params:
      defaults: { temperature: 0.7, top_p: 0.9, max_tokens: 512, presence_penalty: 0, frequency_penalty: 0.5 }
      clamp: { temperature: [0, 1.5], max_tokens: [1, 4096] }
      override: { top_p: 1 }
    allow: { consumers: [alice, bob], teams: research-nlp }
    retry: { max_attempts: 2 }
    max_body_bytes: 1MiB
  plain: { provider: a }
  fast: { strategy: least-latency, epsilon: 0.1, targets: [ { provider: a }, { provider: b } ] }
  pinned: { strategy: fallback, sticky: { by: header, header: X-Session-Id }, targets: [ { provider: a, model: x } ] }
)");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const Config& c = *r.config;
  EXPECT_EQ(c.routing.consumer_header, "x-caller");
  EXPECT_EQ(c.routing.team_header, "x-group");
  EXPECT_EQ(c.routing.retry.max_attempts, 5u);
  EXPECT_EQ(c.routing.retry.initial_backoff, milliseconds(50));
  EXPECT_EQ(c.routing.retry.max_backoff, milliseconds(2'000));
  EXPECT_EQ(c.routing.retry.max_retry_after, milliseconds(10'000));
  EXPECT_EQ(c.routing.retry.attempt_timeout, milliseconds(20'000));
  EXPECT_EQ(c.routing.retry.deadline, milliseconds(60'000));
  EXPECT_DOUBLE_EQ(c.routing.budget.ratio, 0.5);
  EXPECT_DOUBLE_EQ(c.routing.budget.min_per_second, 3);
  EXPECT_EQ(c.routing.budget.window, milliseconds(5'000));
  EXPECT_EQ(c.routing.breaker.consecutive_failures, 7u);
  EXPECT_DOUBLE_EQ(c.routing.breaker.failure_rate, 0.25);
  EXPECT_EQ(c.routing.breaker.min_requests, 40u);
  EXPECT_EQ(c.routing.breaker.window, milliseconds(20'000));
  EXPECT_EQ(c.routing.breaker.base_cooldown, milliseconds(2'000));
  EXPECT_EQ(c.routing.breaker.max_cooldown, milliseconds(60'000));
  EXPECT_EQ(c.routing.breaker.half_open_probes, 2u);
  EXPECT_EQ(c.routing.breaker.successes_to_close, 3u);
  EXPECT_EQ(c.routing.breaker.level_decay, milliseconds(120'000));

  const ModelConfig& m = *c.FindModel("smart");
  EXPECT_EQ(m.strategy, "rules");
  EXPECT_EQ(m.sticky.by, StickyBy::kConsumer);
  ASSERT_EQ(m.targets.size(), 2u);
  const TargetConfig& t = m.targets[0];
  EXPECT_EQ(t.name, "cheap");
  EXPECT_EQ(t.weight, 3u);
  EXPECT_EQ(t.priority, 1u);
  ASSERT_TRUE(t.prices);
  EXPECT_EQ(t.prices->input_per_mtok, 150'000u);
  EXPECT_EQ(t.prices->output_per_mtok, 600'000u);
  EXPECT_EQ(t.context_window, 32768u);
  EXPECT_FALSE(t.tools);
  EXPECT_FALSE(t.images);
  EXPECT_EQ(t.params[Param::kTemperature].override_value, 0.0);
  EXPECT_EQ(m.targets[1].name, "b/big");
  EXPECT_EQ(m.fallbacks, std::vector<std::string>{"plain"});

  ASSERT_EQ(m.rules.size(), 2u);
  const RuleConfig& long_rule = m.rules[0];
  EXPECT_EQ(long_rule.name, "long");
  EXPECT_EQ(long_rule.targets, (std::vector<size_t>{1, 0}));
  // 2 + 1 + 1 token conditions, tools, images, consumer, 2 team, 2 header, 1 metadata, 2 prompt
  ASSERT_EQ(long_rule.when.size(), 14u);
  EXPECT_EQ(long_rule.when[0].field, RuleFieldConfig::kTotalTokens);
  EXPECT_EQ(long_rule.when[0].op, RuleOpConfig::kGt);
  EXPECT_EQ(long_rule.when[0].number, 1000u);
  EXPECT_EQ(long_rule.when[1].op, RuleOpConfig::kLe);
  EXPECT_EQ(long_rule.when[4].field, RuleFieldConfig::kTools);
  EXPECT_EQ(long_rule.when[4].number, 1u);
  EXPECT_EQ(long_rule.when[5].number, 0u);
  EXPECT_EQ(long_rule.when[6].attribute, "consumer");
  EXPECT_EQ(long_rule.when[6].value, "alice");
  EXPECT_EQ(long_rule.when[7].op, RuleOpConfig::kPrefix);
  EXPECT_EQ(long_rule.when[8].op, RuleOpConfig::kNe);
  EXPECT_EQ(long_rule.when[9].attribute, "header:x-tier");
  EXPECT_EQ(long_rule.when[10].op, RuleOpConfig::kExists);
  EXPECT_EQ(long_rule.when[11].attribute, "metadata:env");
  EXPECT_EQ(long_rule.when[11].op, RuleOpConfig::kAbsent);
  EXPECT_EQ(long_rule.when[12].field, RuleFieldConfig::kPrompt);
  EXPECT_EQ(long_rule.when[12].regex, "(?i)\\bsql\\b");
  EXPECT_EQ(long_rule.when[13].keywords, (std::vector<std::string>{"translate", "Übersetze"}));
  EXPECT_EQ(m.rules[1].name, "rule-2");
  EXPECT_EQ(m.rules[1].targets, std::vector<size_t>{1});  // provider b has one target

  EXPECT_EQ(m.params[Param::kTemperature].default_value, 0.7);
  EXPECT_EQ(m.params[Param::kTopP].default_value, 0.9);
  EXPECT_EQ(m.params[Param::kTopP].override_value, 1.0);
  EXPECT_EQ(m.params[Param::kMaxTokens].default_value, 512.0);
  EXPECT_EQ(m.params[Param::kMaxTokens].max, 4096.0);
  EXPECT_EQ(m.params[Param::kPresencePenalty].default_value, 0.0);
  EXPECT_EQ(m.params[Param::kFrequencyPenalty].default_value, 0.5);
  EXPECT_EQ(m.params[Param::kTemperature].min, 0.0);
  EXPECT_EQ(m.params[Param::kTemperature].max, 1.5);
  EXPECT_EQ(m.allow.consumers, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(m.allow.teams, std::vector<std::string>{"research-nlp"});
  ASSERT_TRUE(m.retry);
  EXPECT_EQ(m.retry->max_attempts, 2u);
  EXPECT_EQ(m.retry->initial_backoff, milliseconds(50));  // inherited from routing.retry
  EXPECT_EQ(m.max_body_bytes, 1024u * 1024);

  const ModelConfig& fast = *c.FindModel("fast");
  EXPECT_EQ(fast.epsilon, 0.1);
  EXPECT_EQ(fast.targets[0].model, "fast");  // exact route: the route name
  const ModelConfig& pinned = *c.FindModel("pinned");
  EXPECT_EQ(pinned.strategy, "priority");  // alias
  EXPECT_EQ(pinned.sticky.by, StickyBy::kHeader);
  EXPECT_EQ(pinned.sticky.header, "x-session-id");
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
}

TEST(RoutesTest, PatternsPassTheClientModelThrough) {
  LoadResult r = Load(std::string(kProviders) + R"(
models:
  "gpt-*": { provider: a }
  "/claude-(opus|sonnet)-4.*/": { targets: [ { provider: b }, { provider: a, model: fixed } ] }
)");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_TRUE(r.config->models[0].is_pattern());
  EXPECT_EQ(r.config->models[0].targets[0].model, "*");
  EXPECT_EQ(r.config->models[1].targets[0].model, "*");
  EXPECT_EQ(r.config->models[1].targets[0].name, "b/*");
  EXPECT_EQ(r.config->models[1].targets[1].model, "fixed");
}

TEST(RoutesTest, LoadMetricsForms) {
  LoadResult r = Load(R"(
providers:
  a: { type: vllm, base_url: "http://h:8000", load_metrics: { url: "http://h:9100", interval: 250ms } }
  b: { type: sglang, base_url: "http://h:30000/v1", load_metrics: { url: /custom/metrics, enabled: false } }
  c: { type: vllm, base_url: "http://h:8001", load_metrics: { url: "http://m:9/x/metrics" } }
models:
  m: { targets: [ { provider: a }, { provider: b }, { provider: c } ] }
)");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->providers[0].load_metrics->url, "http://h:9100/metrics");
  EXPECT_EQ(r.config->providers[0].load_metrics->interval, milliseconds(250));
  EXPECT_EQ(r.config->providers[1].load_metrics->url, "http://h:30000/custom/metrics");
  EXPECT_FALSE(r.config->providers[1].load_metrics->enabled);
  EXPECT_EQ(r.config->providers[2].load_metrics->url, "http://m:9/x/metrics");
}

TEST(RoutesTest, OptionalProvidersTakeTheirTargetsAlong) {
  constexpr const char* kYaml = R"(
providers:
  mock: { type: openai_compatible, base_url: "http://127.0.0.1:8089" }
  openai: { type: openai, base_url: "https://api.openai.com", api_key: "${OPENAI_API_KEY}", optional: true }
models:
  mixed:
    strategy: rules
    targets:
      - { name: gpt, provider: openai, model: gpt-4o }
      - { name: local, provider: mock, model: m }
    rules:
      - { name: only-gpt, when: { tools: true }, targets: [gpt] }
      - { name: both, targets: [gpt, local] }
    fallbacks: [gone]
  gone: { provider: openai }
)";
  LoadResult without = Load(kYaml);
  ASSERT_TRUE(without.ok()) << AllErrors(without);
  ASSERT_EQ(without.config->models.size(), 1u);
  const ModelConfig& m = without.config->models[0];
  ASSERT_EQ(m.targets.size(), 1u);
  EXPECT_EQ(m.targets[0].name, "local");
  EXPECT_EQ(m.provider, "mock");
  ASSERT_EQ(m.rules.size(), 1u);  // only-gpt lost its only target
  EXPECT_EQ(m.rules[0].name, "both");
  EXPECT_EQ(m.rules[0].targets, std::vector<size_t>{0});
  EXPECT_TRUE(m.fallbacks.empty());  // `gone` was skipped with its provider
  ASSERT_EQ(without.warnings.size(), 2u);
  EXPECT_NE(without.warnings[0].find("skipped with it: models mixed (target gpt), gone"),
            std::string::npos)
      << without.warnings[0];
  EXPECT_NE(without.warnings[1].find("rule 'only-gpt' is skipped"), std::string::npos);

  LoadResult with = Load(kYaml, MapEnv({{"OPENAI_API_KEY", "sk"}}));
  ASSERT_TRUE(with.ok()) << AllErrors(with);
  EXPECT_EQ(with.config->models[0].targets.size(), 2u);
  EXPECT_EQ(with.config->models[0].rules.size(), 2u);
  EXPECT_EQ(with.config->models[0].fallbacks, std::vector<std::string>{"gone"});
}

TEST(RoutesTest, ParamRuleAndAccessSemantics) {
  ParamRule rule;
  EXPECT_FALSE(rule.Apply(std::nullopt));
  EXPECT_EQ(rule.Apply(0.3), 0.3);
  rule.default_value = 0.7;
  rule.min = 0.1;
  rule.max = 1.0;
  EXPECT_EQ(rule.Apply(std::nullopt), 0.7);
  EXPECT_EQ(rule.Apply(1.8), 1.0);
  EXPECT_EQ(rule.Apply(0.0), 0.1);
  rule.override_value = 0.5;
  EXPECT_EQ(rule.Apply(0.9), 0.5);

  ParamPolicy route, target;
  route[Param::kTemperature].default_value = 0.7;
  route[Param::kTemperature].max = 1.0;
  target[Param::kTemperature].max = 0.8;
  target[Param::kMaxTokens].override_value = 100;
  ParamPolicy merged = ParamPolicy::Merge(route, target);
  EXPECT_EQ(merged[Param::kTemperature].default_value, 0.7);
  EXPECT_EQ(merged[Param::kTemperature].max, 0.8);
  EXPECT_EQ(merged[Param::kMaxTokens].Apply(5000), 100.0);
  EXPECT_FALSE(merged.empty());
  EXPECT_TRUE(ParamPolicy{}.empty());
  EXPECT_STREQ(ParamName(Param::kTopP), "top_p");

  AccessPolicy open;
  EXPECT_TRUE(open.Allows("", ""));
  AccessPolicy closed{{"alice"}, {"nlp"}};
  EXPECT_TRUE(closed.Allows("alice", ""));
  EXPECT_TRUE(closed.Allows("", "nlp"));
  EXPECT_TRUE(closed.Allows("mallory", "nlp"));
  EXPECT_FALSE(closed.Allows("mallory", "vision"));
  EXPECT_FALSE(closed.Allows("", ""));
}

}  // namespace
}  // namespace sluice::config
