// Strategies: weight shares (statistical, seeded), sticky rendezvous hashing, priority,
// least-latency (moves away from a slowed target, explores back after recovery), least-busy,
// least-cost with capability filters, and health tiers (throttled after healthy, ejected only in
// panic).
#include "router/strategies.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "router/route_table.h"

namespace sluice::router {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Builds through RouteTable so slots and identity hashes are assigned as in production.
struct Fixture {
  RouteTable table;
  TargetStates states;
  const Route& route() const { return *table.Find("m"); }
  TargetState& state(size_t target) { return states[route().targets[target].slot]; }
};

Fixture Make(Strategy strategy, std::vector<TargetSpec> targets, StrategyParams params = {}) {
  Route route;
  route.strategy = strategy;
  route.targets = std::move(targets);
  route.params = params;
  std::vector<RouteEntry> entries;
  entries.push_back({"m", std::move(route)});
  auto built = RouteTable::Build(std::move(entries));
  EXPECT_TRUE(built.ok()) << (built.ok() ? "" : built.error().message);
  Fixture f{std::move(built.value()), {}};
  f.states.resize(f.table.target_slots());
  return f;
}

TargetSpec T(std::string name, uint32_t weight = 1) {
  TargetSpec t;
  t.provider = "p";
  t.model = std::move(name);
  t.weight = weight;
  return t;
}

TEST(Weighted, SharesMatchWeightsOver100kDraws) {
  Fixture f =
      Make(Strategy::kWeighted, {T("a", 70), T("b", 20), T("c", 10), T("fallback-only", 0)});
  Rng rng(12345);
  std::array<int, 4> primary{};
  Candidates out;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    Order(f.route(), f.states, {}, TimePoint{}, rng, out);
    ASSERT_EQ(out.size, 4u);
    ASSERT_EQ(out[3], 3u);  // weight 0: always last, never primary
    ++primary[out[0]];
  }
  // Binomial σ at 100k draws is ≤ 0.16%; ±0.8% is 5σ.
  EXPECT_NEAR(primary[0] / double(kDraws), 0.70, 0.008);
  EXPECT_NEAR(primary[1] / double(kDraws), 0.20, 0.008);
  EXPECT_NEAR(primary[2] / double(kDraws), 0.10, 0.008);
  EXPECT_EQ(primary[3], 0);
}

TEST(Weighted, StickyKeyAlwaysGetsSameOrderAndRespectsWeights) {
  StrategyParams params;
  params.sticky = true;
  Fixture f = Make(Strategy::kWeighted, {T("a", 3), T("b", 1)}, params);
  Rng rng(1);
  Candidates first, again;
  int a = 0;
  for (int user = 0; user < 20'000; ++user) {
    RequestTraits r;
    r.has_sticky_key = true;
    r.sticky_key = StickyKey("user-" + std::to_string(user));
    Order(f.route(), f.states, r, TimePoint{}, rng, first);
    for (int k = 0; k < 3; ++k) {
      Order(f.route(), f.states, r, TimePoint{}, rng, again);
      ASSERT_EQ(again[0], first[0]);
      ASSERT_EQ(again[1], first[1]);
    }
    a += first[0] == 0;
  }
  EXPECT_NEAR(a / 20'000.0, 0.75, 0.015);
}

TEST(Weighted, AddingATargetMovesAboutOneNthOfKeys) {
  StrategyParams params;
  params.sticky = true;
  std::vector<TargetSpec> ten;
  for (int i = 0; i < 10; ++i) ten.push_back(T("v" + std::to_string(i)));
  std::vector<TargetSpec> eleven = ten;
  eleven.insert(eleven.begin() + 4, T("new"));  // position must not matter: identity does
  Fixture before = Make(Strategy::kWeighted, ten, params);
  Fixture after = Make(Strategy::kWeighted, eleven, params);
  Rng rng(1);
  Candidates x, y;
  int moved = 0, moved_elsewhere = 0;
  constexpr int kKeys = 20'000;
  for (int user = 0; user < kKeys; ++user) {
    RequestTraits r;
    r.has_sticky_key = true;
    r.sticky_key = StickyKey("session-" + std::to_string(user));
    Order(before.route(), before.states, r, TimePoint{}, rng, x);
    Order(after.route(), after.states, r, TimePoint{}, rng, y);
    const std::string& was = before.route().targets[x[0]].model;
    const std::string& now = after.route().targets[y[0]].model;
    if (was != now) {
      ++moved;
      moved_elsewhere += now != "new";
    }
  }
  EXPECT_NEAR(moved / double(kKeys), 1.0 / 11, 0.01);
  EXPECT_EQ(moved_elsewhere, 0);  // keys only ever move to the new target
}

TEST(Priority, LowerPriorityFirstAndWeightedWithinTier) {
  std::vector<TargetSpec> targets = {T("backup"), T("main-a", 1), T("main-b", 1), T("last")};
  targets[0].priority = 1;
  targets[1].priority = 0;
  targets[2].priority = 0;
  targets[3].priority = 2;
  Fixture f = Make(Strategy::kPriority, targets);
  Rng rng(9);
  Candidates out;
  int a = 0;
  for (int i = 0; i < 10'000; ++i) {
    Order(f.route(), f.states, {}, TimePoint{}, rng, out);
    ASSERT_EQ(out.size, 4u);
    ASSERT_TRUE(out[0] == 1 || out[0] == 2);
    ASSERT_TRUE(out[1] == 1 || out[1] == 2);
    ASSERT_EQ(out[2], 0u);
    ASSERT_EQ(out[3], 3u);
    a += out[0] == 1;
  }
  EXPECT_NEAR(a / 10'000.0, 0.5, 0.03);
}

TEST(Health, EjectedOnlyInPanicThrottledAfterHealthy) {
  std::vector<TargetSpec> targets = {T("a"), T("b"), T("c")};
  targets[1].priority = 1;
  targets[2].priority = 2;
  Fixture f = Make(Strategy::kPriority, targets);
  const Route& route = f.route();
  TimePoint t{};
  for (uint32_t i = 0; i < route.breaker.consecutive_failures; ++i) {
    OnAttemptStart(f.state(0), t);
    OnAttemptFailure(f.state(0), route.breaker, FailureKind::kConnect, std::nullopt, t);
  }
  OnAttemptStart(f.state(1), t);
  OnAttemptFailure(f.state(1), route.breaker, FailureKind::kRateLimited, seconds(10), t);
  Rng rng(1);
  Candidates out;
  Order(route, f.states, {}, t, rng, out);
  ASSERT_EQ(out.size, 2u);  // "a" is ejected and others are usable
  EXPECT_EQ(out[0], 2u);    // healthy "c" before throttled "b", despite priorities
  EXPECT_EQ(out[1], 1u);
  EXPECT_FALSE(out.panic);
  // Everything ejected: panic mode tries them all rather than failing outright.
  for (size_t target : {1, 2}) {
    for (uint32_t i = 0; i < route.breaker.consecutive_failures; ++i) {
      OnAttemptFailure(f.state(target), route.breaker, FailureKind::kServerError, std::nullopt, t);
    }
  }
  Order(route, f.states, {}, t, rng, out);
  EXPECT_EQ(out.size, 3u);
  EXPECT_TRUE(out.panic);
  // After the cooldown "a" is half-open: available again (first by priority) for one probe.
  Order(route, f.states, {}, t + route.breaker.base_cooldown, rng, out);
  EXPECT_FALSE(out.panic);
  EXPECT_EQ(out[0], 0u);
}

TEST(LeastLatency, MovesAwayFromSlowedTargetAndExploresBack) {
  StrategyParams params;
  params.epsilon = 0.05;
  params.ewma_alpha = 0.3;
  params.stale_after = seconds(3600);  // exploration alone must bring it back
  Fixture f = Make(Strategy::kLeastLatency, {T("a"), T("b"), T("c")}, params);
  std::array<double, 3> latency_ms = {100, 200, 300};
  Rng rng(2024);
  TimePoint t{};
  Candidates out;
  auto serve = [&]() {
    t += milliseconds(10);
    Order(f.route(), f.states, {}, t, rng, out);
    const size_t pick = out[0];
    OnAttemptStart(f.state(pick), t);
    OnAttemptSuccess(f.state(pick), f.route().breaker, params, t,
                     std::chrono::duration_cast<Nanos>(
                         std::chrono::duration<double, std::milli>(latency_ms[pick])),
                     0);
    return pick;
  };
  for (int i = 0; i < 200; ++i) serve();  // warm-up: everyone measured
  int a = 0;
  for (int i = 0; i < 1000; ++i) a += serve() == 0;
  EXPECT_GT(a, 950);  // all but exploration

  latency_ms[0] = 1000;  // "a" slows down
  int picks_of_a_before_leaving = 0;
  while (serve() == 0) ++picks_of_a_before_leaving;
  EXPECT_LE(picks_of_a_before_leaving, 3);
  a = 0;
  for (int i = 0; i < 1000; ++i) a += serve() == 0;
  EXPECT_LT(a, 40);  // only exploration (≈ 5% / 3 targets)
  EXPECT_GT(a, 0);   // ...which does happen

  latency_ms[0] = 50;  // "a" recovers
  int requests_until_back = 0;
  int run = 0;
  while (run < 20 && requests_until_back < 20'000) {
    ++requests_until_back;
    run = serve() == 0 ? run + 1 : 0;
  }
  EXPECT_LT(requests_until_back, 2000);  // ~6 exploration samples move the EWMA below "b"
  a = 0;
  for (int i = 0; i < 1000; ++i) a += serve() == 0;
  EXPECT_GT(a, 950);
}

TEST(LeastLatency, UnmeasuredTargetIsTriedFirstAndStaleIsReexplored) {
  StrategyParams params;
  params.epsilon = 0;
  params.stale_after = seconds(30);
  Fixture f = Make(Strategy::kLeastLatency, {T("a"), T("b")}, params);
  TimePoint t{};
  f.state(0).ttft_ms.Add(100, 0.3, t);
  Rng rng(1);
  Candidates out;
  Order(f.route(), f.states, {}, t, rng, out);
  EXPECT_EQ(out[0], 1u);  // "b" never measured
  f.state(1).ttft_ms.Add(500, 0.3, t);
  Order(f.route(), f.states, {}, t + seconds(1), rng, out);
  EXPECT_EQ(out[0], 0u);
  f.state(0).ttft_ms.Add(100, 0.3, t + seconds(40));
  Order(f.route(), f.states, {}, t + seconds(41), rng, out);
  EXPECT_EQ(out[0], 1u);     // "b"'s 500 ms is 41 s old: measure it again
  f.state(1).in_flight = 1;  // ...but only with one request at a time
  Order(f.route(), f.states, {}, t + seconds(41), rng, out);
  EXPECT_EQ(out[0], 0u);
}

TEST(LeastLatency, UsesThroughputForLongOutputs) {
  StrategyParams params;
  params.epsilon = 0;
  Fixture f = Make(Strategy::kLeastLatency, {T("fast-start"), T("fast-tokens")}, params);
  TimePoint t{};
  f.state(0).ttft_ms.Add(100, 0.3, t);
  f.state(0).tokens_per_s.Add(20, 0.3, t);
  f.state(1).ttft_ms.Add(400, 0.3, t);
  f.state(1).tokens_per_s.Add(100, 0.3, t);
  Rng rng(1);
  Candidates out;
  RequestTraits r;
  r.output_tokens = 5;  // 100 + 250 ms vs 400 + 50 ms
  Order(f.route(), f.states, r, t, rng, out);
  EXPECT_EQ(out[0], 0u);
  r.output_tokens = 1000;  // 50.1 s vs 10.4 s
  Order(f.route(), f.states, r, t, rng, out);
  EXPECT_EQ(out[0], 1u);
}

TEST(LeastBusy, PrefersLeastLoadedCountingScrapedLoadAndCapacity) {
  Fixture f = Make(Strategy::kLeastBusy, {T("a"), T("b"), T("c"), T("big", 4)});
  f.state(0).in_flight = 5;
  f.state(1).in_flight = 1;
  f.state(2).in_flight = 3;
  f.state(3).in_flight = 8;  // capacity 4: load 2 per unit
  Rng rng(1);
  Candidates out;
  Order(f.route(), f.states, {}, TimePoint{}, rng, out);
  ASSERT_EQ(out.size, 4u);
  EXPECT_EQ(out[0], 1u);
  EXPECT_EQ(out[1], 3u);
  EXPECT_EQ(out[2], 2u);
  EXPECT_EQ(out[3], 0u);
  f.state(1).SetExternalLoad(10);  // vLLM says "b" is swamped by other clients
  Order(f.route(), f.states, {}, TimePoint{}, rng, out);
  EXPECT_EQ(out[0], 3u);
  // In-flight accounting follows attempts.
  OnAttemptStart(f.state(3), TimePoint{});
  EXPECT_EQ(f.state(3).in_flight, 9u);
  OnAttemptFailure(f.state(3), f.route().breaker, FailureKind::kServerError, std::nullopt,
                   TimePoint{});
  EXPECT_EQ(f.state(3).in_flight, 8u);
}

TEST(LeastBusy, TiesAreSpread) {
  Fixture f = Make(Strategy::kLeastBusy, {T("a"), T("b"), T("c")});
  Rng rng(5);
  Candidates out;
  std::array<int, 3> n{};
  for (int i = 0; i < 3000; ++i) {
    Order(f.route(), f.states, {}, TimePoint{}, rng, out);
    ++n[out[0]];
  }
  for (int c : n) EXPECT_GT(c, 850);
}

TEST(LeastCost, CheapestCapableTarget) {
  std::vector<TargetSpec> targets = {T("premium"), T("cheap-no-tools"), T("mid"),
                                     T("tiny-context")};
  targets[0].prices = {3'000'000, 15'000'000};
  targets[1].prices = {150'000, 600'000};
  targets[1].caps.tools = false;
  targets[2].prices = {1'000'000, 4'000'000};
  targets[2].caps.images = false;
  targets[3].prices = {100'000, 400'000};
  targets[3].caps.context_window = 8'000;
  Fixture f = Make(Strategy::kLeastCost, targets);
  Rng rng(1);
  Candidates out;
  RequestTraits r;
  r.input_tokens = 2'000;
  r.output_tokens = 500;
  Order(f.route(), f.states, r, TimePoint{}, rng, out);
  ASSERT_EQ(out.size, 4u);
  EXPECT_EQ(out[0], 3u);
  EXPECT_EQ(out[1], 1u);
  EXPECT_EQ(out[2], 2u);
  EXPECT_EQ(out[3], 0u);
  EXPECT_DOUBLE_EQ(EstimatedCostMicros(f.route().targets[0], r), 6'000 + 7'500);

  r.input_tokens = 10'000;  // too big for tiny-context
  r.needs_tools = true;     // cheap-no-tools out
  Order(f.route(), f.states, r, TimePoint{}, rng, out);
  ASSERT_EQ(out.size, 2u);
  EXPECT_EQ(out[0], 2u);
  EXPECT_EQ(out[1], 0u);
  r.needs_images = true;  // only premium can
  Order(f.route(), f.states, r, TimePoint{}, rng, out);
  ASSERT_EQ(out.size, 1u);
  EXPECT_EQ(out[0], 0u);
}

TEST(Strategy, ParseNames) {
  EXPECT_EQ(ParseStrategy("fallback"), Strategy::kPriority);
  EXPECT_EQ(ParseStrategy("least-cost"), Strategy::kLeastCost);
  EXPECT_FALSE(ParseStrategy("round-robin"));
  EXPECT_EQ(StrategyName(Strategy::kLeastBusy), "least-busy");
}

}  // namespace
}  // namespace sluice::router
