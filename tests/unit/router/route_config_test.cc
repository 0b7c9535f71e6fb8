// BuildRouting on the shipped routing example: pattern routes, weighted + sticky, priority with
// fallbacks and a retry override, least-cost with built-in and configured prices, least-busy, rules
// with prompt conditions, parameter policies and access lists; and the config → policy mappings.
#include "router/route_config.h"

#include <gtest/gtest.h>

#include "config/loader.h"

namespace sluice::router {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kExample = std::string(SLUICE_SOURCE_DIR) + "/deploy/examples/routing.yaml";

std::shared_ptr<const config::Config> LoadExample(bool keys) {
  config::EnvLookup env = keys ? config::MapEnv({{"OPENAI_API_KEY", "sk"},
                                                 {"ANTHROPIC_API_KEY", "sk-ant"},
                                                 {"DEEPSEEK_API_KEY", "sk-ds"}})
                               : config::MapEnv({});
  config::LoadResult r = config::LoadFile(kExample, env);
  for (const auto& e : r.errors) ADD_FAILURE() << config::FormatError(e, kExample);
  return r.config;
}

struct RouteConfigFixture : testing::Test {
  void SetUp() override {
    config = LoadExample(true);
    ASSERT_TRUE(config);
    auto built = BuildRouting(*config);
    ASSERT_TRUE(built.ok()) << built.error().message;
    tables = std::make_unique<RoutingTables>(std::move(built).value());
    states.resize(tables->table.target_slots());
  }
  const Route& Get(std::string_view model) {
    const Route* r = tables->table.Find(model);
    EXPECT_NE(r, nullptr) << model;
    return *r;
  }
  std::vector<std::string> Names(const Route& route, const RequestTraits& traits,
                                 uint64_t seed = 1) {
    Rng rng(seed);
    Candidates c;
    Order(route, states, traits, now, rng, c);
    std::vector<std::string> out;
    for (size_t i = 0; i < c.size; ++i) out.push_back(route.targets[c[i]].model);
    return out;
  }
  std::shared_ptr<const config::Config> config;
  std::unique_ptr<RoutingTables> tables;
  TargetStates states;
  TimePoint now = TimePoint() + seconds(1000);
};

TEST_F(RouteConfigFixture, PatternRoutesPassTheModelThrough) {
  const Route& gpt = Get("gpt-4.1-mini");
  EXPECT_EQ(gpt.name, "gpt-*");
  ASSERT_EQ(gpt.targets.size(), 1u);
  EXPECT_EQ(gpt.targets[0].provider, "openai");
  EXPECT_EQ(UpstreamModel(gpt.targets[0], "gpt-4.1-mini"), "gpt-4.1-mini");
  const Route& claude = Get("claude-sonnet-4-5-20250929");
  EXPECT_EQ(claude.name, "/claude-(opus|sonnet|haiku)-4.*/");
  EXPECT_EQ(claude.targets[0].caps.context_window, 0u);  // unknown for a pass-through target
  const RoutePolicy* p = tables->Policy(claude);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->target_params[0][config::Param::kTemperature].Apply(0.9), 0.2);  // override
  EXPECT_EQ(tables->table.Find("claude-3-5-haiku"), nullptr);
  EXPECT_EQ(tables->table.Find("mock-gpt")->name, "mock-gpt");  // exact beats nothing else
}

TEST_F(RouteConfigFixture, WeightedStickyWithFallbackRoute) {
  const Route& chat = Get("chat");
  EXPECT_EQ(chat.strategy, Strategy::kWeighted);
  EXPECT_TRUE(chat.params.sticky);
  ASSERT_EQ(chat.targets.size(), 3u);  // + mock-claude's target
  EXPECT_EQ(chat.own_targets, 2u);
  EXPECT_EQ(chat.targets[0].weight, 90u);
  EXPECT_EQ(chat.targets[2].model, "claude-mock");
  const RoutePolicy& p = *tables->Policy(chat);
  EXPECT_EQ(p.sticky.by, config::StickyBy::kHeader);
  EXPECT_EQ(p.sticky.header, "x-session-id");
  EXPECT_EQ(p.target_params.size(), 3u);
  // The same session always gets the same order, whatever the random draw.
  RequestTraits traits;
  traits.has_sticky_key = true;
  traits.sticky_key = StickyKey("session-42");
  const auto first = Names(chat, traits, 1);
  for (uint64_t seed = 2; seed < 20; ++seed) EXPECT_EQ(Names(chat, traits, seed), first);
  EXPECT_EQ(first.back(), "claude-mock");  // the fallback route's target comes last
  // ≈ 90/10 over many sessions.
  int stable = 0;
  for (int i = 0; i < 2000; ++i) {
    traits.sticky_key = StickyKey("s" + std::to_string(i));
    stable += Names(chat, traits)[0] == "mock-stable";
  }
  EXPECT_GT(stable, 1700);
  EXPECT_LT(stable, 1900);
}

TEST_F(RouteConfigFixture, PriorityWithRetryOverride) {
  const Route& reliable = Get("reliable");
  EXPECT_EQ(reliable.strategy, Strategy::kPriority);
  EXPECT_EQ(Names(reliable, {}),
            (std::vector<std::string>{"gpt-4o-mini", "Qwen/Qwen2.5-7B-Instruct", "mock-gpt"}));
  const RoutePolicy& p = *tables->Policy(reliable);
  EXPECT_EQ(p.retry.max_attempts, 4u);
  EXPECT_EQ(p.retry.overall_deadline, seconds(120));
  EXPECT_EQ(p.retry.base_backoff, milliseconds(100));  // inherited
  EXPECT_EQ(tables->Policy(Get("chat"))->retry.max_attempts, 3u);
  // An ejected primary moves behind the healthy ones.
  const uint32_t openai_slot = reliable.targets[0].slot;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(states[openai_slot].breaker.TryAcquire(reliable.breaker, now));
    states[openai_slot].breaker.OnFailure(reliable.breaker, now);
  }
  EXPECT_EQ(Names(reliable, {})[0], "Qwen/Qwen2.5-7B-Instruct");
}

TEST_F(RouteConfigFixture, LeastCostUsesBuiltInAndConfiguredPrices) {
  const Route& cheap = Get("cheap");
  EXPECT_EQ(cheap.strategy, Strategy::kLeastCost);
  EXPECT_EQ(cheap.targets[0].prices.input_per_mtok, 150'000u);  // gpt-4o-mini, built in
  EXPECT_EQ(cheap.targets[0].prices.output_per_mtok, 600'000u);
  EXPECT_EQ(cheap.targets[0].caps.context_window, 128'000u);
  EXPECT_EQ(cheap.targets[1].prices.input_per_mtok, 280'000u);  // deepseek-chat, built in
  EXPECT_EQ(cheap.targets[2].prices.input_per_mtok, 20'000u);   // configured
  EXPECT_EQ(cheap.targets[2].caps.context_window, 32'768u);
  EXPECT_FALSE(cheap.targets[2].caps.tools);
  RequestTraits traits;
  traits.input_tokens = 1000;
  traits.output_tokens = 1000;
  EXPECT_EQ(Names(cheap, traits),
            (std::vector<std::string>{"Qwen/Qwen2.5-7B-Instruct", "deepseek-chat", "gpt-4o-mini"}));
  traits.needs_tools = true;  // the local model cannot call tools
  EXPECT_EQ(Names(cheap, traits), (std::vector<std::string>{"deepseek-chat", "gpt-4o-mini"}));
  traits.needs_tools = false;
  traits.input_tokens = 40'000;  // beyond the local context window; input-heavy favours gpt-4o-mini
  EXPECT_EQ(Names(cheap, traits), (std::vector<std::string>{"gpt-4o-mini", "deepseek-chat"}));
}

TEST_F(RouteConfigFixture, LeastBusyAndLeastLatencyParams) {
  const Route& batch = Get("batch");
  EXPECT_EQ(batch.strategy, Strategy::kLeastBusy);
  states[batch.targets[0].slot].SetExternalLoad(3);  // 3 / weight 2 = 1.5 > 1 / 1
  states[batch.targets[1].slot].in_flight = 1;
  EXPECT_EQ(Names(batch, {})[0], "mock-gpt");
  EXPECT_DOUBLE_EQ(Get("fast").params.epsilon, 0.05);
  EXPECT_EQ(Get("fast").strategy, Strategy::kLeastLatency);
}

TEST_F(RouteConfigFixture, RulesWithHeadersTeamsTokensAndPrompt) {
  const Route& smart = Get("smart");
  ASSERT_EQ(smart.rules.size(), 3u);
  const RoutePolicy& p = *tables->Policy(smart);
  ASSERT_EQ(p.prompt_matchers.size(), 1u);

  RequestTraits traits;
  traits.input_tokens = 150'000;
  EXPECT_EQ(Names(smart, traits), (std::vector<std::string>{"claude-sonnet-4-5", "mock-big"}));

  traits.input_tokens = 10;
  std::vector<RequestAttribute> attrs{{"header:x-tier", "premium"}, {"team", "research-nlp"}};
  traits.attributes = attrs;
  EXPECT_EQ(Names(smart, traits), std::vector<std::string>{"mock-big"});
  attrs[1].value = "sales";  // both conditions must hold
  traits.attributes = attrs;
  EXPECT_EQ(Names(smart, traits)[0], "mock-small");  // no rule: priority order

  std::vector<RequestAttribute> prompt_attrs;
  p.MatchPrompt("Bitte ÜBERSETZE diesen Text", prompt_attrs);  // caseless, UTF-8
  ASSERT_EQ(prompt_attrs.size(), 1u);
  EXPECT_EQ(prompt_attrs[0].name, "prompt:0");
  traits.attributes = prompt_attrs;
  Rng rng(1);
  Candidates c;
  Order(smart, states, traits, now, rng, c);
  ASSERT_NE(c.rule, nullptr);
  EXPECT_EQ(c.rule->name, "translation");
  prompt_attrs.clear();
  p.MatchPrompt("what is the weather", prompt_attrs);
  p.MatchPrompt(std::string_view("\xff\xfe translate", 12), prompt_attrs);  // invalid UTF-8 is fine
  EXPECT_EQ(prompt_attrs.size(), 1u);

  // params: defaults and clamp of the route apply to every target.
  const config::ParamPolicy& params = p.target_params[0];
  EXPECT_EQ(params[config::Param::kTemperature].Apply(std::nullopt), 0.7);
  EXPECT_EQ(params[config::Param::kTemperature].Apply(2.0), 1.2);
  EXPECT_EQ(params[config::Param::kMaxTokens].Apply(100000), 8192);
  EXPECT_FALSE(params[config::Param::kTopP].Apply(std::nullopt));
  // allow
  EXPECT_TRUE(p.allow.Allows("", "research-vision"));
  EXPECT_TRUE(p.allow.Allows("ci-bot", ""));
  EXPECT_FALSE(p.allow.Allows("someone", "sales"));
  EXPECT_TRUE(tables->Policy(Get("chat"))->allow.Allows("", ""));
}

TEST_F(RouteConfigFixture, GlobalPoliciesAndSharedSlots) {
  EXPECT_EQ(tables->consumer_header, "x-sluice-consumer");
  EXPECT_EQ(tables->team_header, "x-sluice-team");
  EXPECT_EQ(tables->breaker.consecutive_failures, 5u);
  EXPECT_EQ(tables->breaker.max_cooldown, seconds(300));
  EXPECT_EQ(Get("chat").breaker.base_cooldown, seconds(5));
  EXPECT_DOUBLE_EQ(tables->budget.ratio, 0.2);
  EXPECT_EQ(tables->budget.window, seconds(10));
  EXPECT_EQ(tables->policies.size(), config->models.size());
  // mock/mock-gpt serves three routes and has one state slot.
  EXPECT_EQ(Get("mock-gpt").targets[0].slot, Get("batch").targets[1].slot);
  EXPECT_EQ(Get("reliable").targets[2].slot, Get("batch").targets[1].slot);
  const auto& names = tables->slot_names();
  EXPECT_EQ(std::count(names.begin(), names.end(), "mock/mock-gpt"), 1);
  EXPECT_EQ(tables->Policy("no-such-route"), nullptr);
}

TEST(RouteConfigTest, BuildsWithoutOptionalProviders) {
  auto config = LoadExample(false);
  ASSERT_TRUE(config);
  auto built = BuildRouting(*config);
  ASSERT_TRUE(built.ok()) << built.error().message;
  const RoutingTables& t = built.value();
  EXPECT_EQ(t.table.Find("gpt-4o"), nullptr);  // gpt-* went with openai
  const Route* reliable = t.table.Find("reliable");
  ASSERT_NE(reliable, nullptr);
  EXPECT_EQ(reliable->targets.size(), 2u);
  const Route* smart = t.table.Find("smart");
  ASSERT_NE(smart, nullptr);
  ASSERT_EQ(smart->rules.size(), 3u);
  EXPECT_EQ(smart->rules[0].targets, std::vector<uint16_t>{1});  // claude dropped, big renumbered
}

TEST(RouteConfigTest, MappingsAndStrategyNames) {
  config::RetryConfig retry;
  retry.max_attempts = 7;
  retry.initial_backoff = milliseconds(5);
  retry.max_backoff = milliseconds(50);
  retry.max_retry_after = milliseconds(500);
  retry.attempt_timeout = milliseconds(700);
  retry.deadline = milliseconds(9000);
  RetryPolicy p = ToRetryPolicy(retry);
  EXPECT_EQ(p.max_attempts, 7u);
  EXPECT_EQ(p.base_backoff, milliseconds(5));
  EXPECT_EQ(p.max_backoff, milliseconds(50));
  EXPECT_EQ(p.max_retry_after, milliseconds(500));
  EXPECT_EQ(p.per_attempt_timeout, milliseconds(700));
  EXPECT_EQ(p.overall_deadline, milliseconds(9000));
  // Config defaults are the router's defaults.
  const BreakerPolicy b = ToBreakerPolicy(config::BreakerConfig{});
  const BreakerPolicy d;
  EXPECT_EQ(b.consecutive_failures, d.consecutive_failures);
  EXPECT_EQ(b.failure_rate, d.failure_rate);
  EXPECT_EQ(b.min_requests, d.min_requests);
  EXPECT_EQ(b.window, d.window);
  EXPECT_EQ(b.base_cooldown, d.base_cooldown);
  EXPECT_EQ(b.max_cooldown, d.max_cooldown);
  EXPECT_EQ(b.level_decay, d.level_decay);
  const RetryPolicy r = ToRetryPolicy(config::RetryConfig{});
  const RetryPolicy rd;
  EXPECT_EQ(r.max_attempts, rd.max_attempts);
  EXPECT_EQ(r.base_backoff, rd.base_backoff);
  EXPECT_EQ(r.overall_deadline, rd.overall_deadline);
  const RetryBudgetPolicy bp = ToBudgetPolicy(config::RetryBudgetConfig{});
  EXPECT_EQ(bp.ratio, RetryBudgetPolicy{}.ratio);
  EXPECT_EQ(bp.window, RetryBudgetPolicy{}.window);
  for (const char* name :
       {"weighted", "priority", "least-latency", "least-busy", "least-cost", "rules"}) {
    ASSERT_TRUE(ParseStrategy(name)) << name;
    EXPECT_EQ(StrategyName(*ParseStrategy(name)), name);
  }
}

TEST(RouteConfigTest, PromptKeywordsAreLiteral) {
  config::RuleConditionConfig c;
  c.field = config::RuleFieldConfig::kPrompt;
  c.keywords = {"c++", "a.b"};
  auto m = PromptMatcher::Compile(c, "prompt:0");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches("I write C++ daily"));
  EXPECT_FALSE(m->Matches("I write c daily"));
  EXPECT_TRUE(m->Matches("x a.b y"));
  EXPECT_FALSE(m->Matches("x aXb y"));
  config::RuleConditionConfig bad;
  bad.regex = "(";
  EXPECT_FALSE(PromptMatcher::Compile(bad, "prompt:1").ok());
}

}  // namespace
}  // namespace sluice::router
