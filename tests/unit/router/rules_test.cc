// The `rules` strategy: first matching rule picks targets in its order; no match falls back to
// priority order; conditions on tokens, capabilities and attributes. Also route-level fallbacks in
// Order().
#include "router/rules.h"

#include <gtest/gtest.h>

#include "router/route_table.h"
#include "router/strategies.h"

namespace sluice::router {
namespace {

TargetSpec T(std::string model, uint32_t priority = 0) {
  TargetSpec t;
  t.provider = "p";
  t.model = std::move(model);
  t.priority = priority;
  return t;
}

RuleCondition Attr(std::string name, RuleOp op, std::string value = {}) {
  RuleCondition c;
  c.field = RuleField::kAttribute;
  c.attribute = std::move(name);
  c.op = op;
  c.value = std::move(value);
  return c;
}

RuleCondition Num(RuleField field, RuleOp op, uint64_t n) {
  RuleCondition c;
  c.field = field;
  c.op = op;
  c.number = n;
  return c;
}

TEST(Rules, Conditions) {
  const RequestAttribute attrs[] = {{"header:x-tier", "premium"}, {"consumer", "team-a/alice"}};
  RequestTraits r;
  r.input_tokens = 3000;
  r.output_tokens = 1000;
  r.needs_tools = true;
  r.attributes = attrs;
  EXPECT_TRUE(Holds(Attr("header:x-tier", RuleOp::kEq, "premium"), r));
  EXPECT_FALSE(Holds(Attr("header:x-tier", RuleOp::kEq, "prem"), r));
  EXPECT_TRUE(Holds(Attr("consumer", RuleOp::kPrefix, "team-a/"), r));
  EXPECT_TRUE(Holds(Attr("team", RuleOp::kAbsent), r));
  EXPECT_FALSE(Holds(Attr("team", RuleOp::kExists), r));
  EXPECT_TRUE(Holds(Attr("team", RuleOp::kNe, "x"), r));
  EXPECT_FALSE(Holds(Attr("team", RuleOp::kEq, ""), r));
  EXPECT_TRUE(Holds(Num(RuleField::kTotalTokens, RuleOp::kGe, 4000), r));
  EXPECT_FALSE(Holds(Num(RuleField::kInputTokens, RuleOp::kGt, 3000), r));
  EXPECT_TRUE(Holds(Num(RuleField::kOutputTokens, RuleOp::kLe, 1000), r));
  EXPECT_TRUE(Holds(Num(RuleField::kNeedsTools, RuleOp::kEq, 1), r));
  EXPECT_TRUE(Holds(Num(RuleField::kNeedsImages, RuleOp::kEq, 0), r));
  EXPECT_FALSE(
      Holds(Num(RuleField::kInputTokens, RuleOp::kPrefix, 3), r));  // string op on a number
}

struct Fixture {
  RouteTable table;
  TargetStates states;
};

Fixture RulesRoute() {
  Route route;
  route.strategy = Strategy::kRules;
  route.targets = {T("small", 1), T("large", 0), T("premium", 2), T("long-context", 3)};
  Rule premium{"premium", {Attr("header:x-tier", RuleOp::kEq, "premium")}, {2, 1}};
  Rule long_ctx{"long", {Num(RuleField::kInputTokens, RuleOp::kGt, 100'000)}, {3}};
  route.rules = {premium, long_ctx};
  std::vector<RouteEntry> entries;
  entries.push_back({"m", std::move(route), {"backup"}});
  Route backup;
  backup.targets = {T("backup-model")};
  entries.push_back({"backup", std::move(backup), {}});
  auto built = RouteTable::Build(std::move(entries));
  EXPECT_TRUE(built.ok()) << (built.ok() ? "" : built.error().message);
  Fixture f{std::move(built.value()), {}};
  f.states.resize(f.table.target_slots());
  return f;
}

TEST(Rules, FirstMatchingRulePicksTargetsInOrder) {
  Fixture f = RulesRoute();
  const Route& route = *f.table.Find("m");
  ASSERT_EQ(route.targets.size(), 5u);  // 4 own + the fallback route's target
  Rng rng(1);
  Candidates out;
  const RequestAttribute premium[] = {{"header:x-tier", "premium"}};
  RequestTraits r;
  r.attributes = premium;
  r.input_tokens = 200'000;  // matches the second rule too: the first wins
  Order(route, f.states, r, TimePoint{}, rng, out);
  ASSERT_EQ(out.size, 3u);
  EXPECT_EQ(out[0], 2u);
  EXPECT_EQ(out[1], 1u);
  EXPECT_EQ(out[2], 4u);  // route-level fallback still last
  ASSERT_NE(out.rule, nullptr);
  EXPECT_EQ(out.rule->name, "premium");

  r.attributes = {};
  Order(route, f.states, r, TimePoint{}, rng, out);
  ASSERT_EQ(out.size, 2u);
  EXPECT_EQ(out[0], 3u);
  EXPECT_EQ(out.rule->name, "long");

  r.input_tokens = 10;  // no rule: priority order, then fallback
  Order(route, f.states, r, TimePoint{}, rng, out);
  ASSERT_EQ(out.size, 5u);
  EXPECT_EQ(out.rule, nullptr);
  const uint16_t expected[] = {1, 0, 2, 3, 4};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(out[i], expected[i]) << i;
}

TEST(RouteFallbacks, BorrowedTargetsComeAfterOwnUnlessOwnAreEjected) {
  Route main;
  main.strategy = Strategy::kWeighted;
  main.targets = {T("a"), T("b")};
  Route other;
  other.targets = {T("b"), T("c"), T("d")};  // "b" is already in main: not duplicated
  std::vector<RouteEntry> entries;
  entries.push_back({"main", main, {"other"}});
  entries.push_back({"other", other, {}});
  auto built = RouteTable::Build(std::move(entries));
  ASSERT_TRUE(built.ok()) << built.error().message;
  const Route& route = *built->Find("main");
  ASSERT_EQ(route.targets.size(), 4u);
  EXPECT_EQ(route.own_targets, 2u);
  TargetStates states(built->target_slots());
  Rng rng(1);
  Candidates out;
  for (int i = 0; i < 100; ++i) {
    Order(route, states, {}, TimePoint{}, rng, out);
    ASSERT_EQ(out.size, 4u);
    ASSERT_LT(out[0], 2u);
    ASSERT_LT(out[1], 2u);
    ASSERT_EQ(out[2], 2u);  // "c" then "d", in listed order
    ASSERT_EQ(out[3], 3u);
  }
  // Own targets ejected: the borrowed ones go first.
  for (size_t t : {0, 1}) {
    for (uint32_t i = 0; i < route.breaker.consecutive_failures; ++i) {
      OnAttemptFailure(states[route.targets[t].slot], route.breaker, FailureKind::kConnect,
                       std::nullopt, TimePoint{});
    }
  }
  Order(route, states, {}, TimePoint{}, rng, out);
  ASSERT_EQ(out.size, 2u);
  EXPECT_EQ(out[0], 2u);
}

TEST(RouteFallbacks, BuildErrors) {
  Route r;
  r.targets = {T("a")};
  Route rule_bad = r;
  rule_bad.strategy = Strategy::kRules;
  rule_bad.rules = {Rule{"x", {}, {3}}};
  auto error_of = [](std::vector<RouteEntry> entries) {
    auto t = RouteTable::Build(std::move(entries));
    return t.ok() ? std::string("<ok>") : t.error().message;
  };
  EXPECT_NE(error_of({{"m", r, {"nope"}}}).find("no route with that exact name"),
            std::string::npos);
  EXPECT_NE(error_of({{"m", r, {"m"}}}).find("itself"), std::string::npos);
  EXPECT_NE(error_of({{"m", rule_bad, {}}}).find("names target 3"), std::string::npos);
  EXPECT_EQ(error_of({{"m", r, {"n"}}, {"n", r, {"m"}}}),
            "<ok>");  // mutual fallbacks are fine (not transitive)
}

}  // namespace
}  // namespace sluice::router
