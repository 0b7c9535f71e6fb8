// bench_router: one routing decision (RouteTable::Find + Order) for a 10-target route, per
// strategy, plus the breaker/retry bookkeeping of one attempt. Target: < 5 µs per decision (issue
// 4); expect well under.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "router/route_table.h"
#include "router/strategies.h"

namespace sluice::router {
namespace {

Route TenTargets(Strategy strategy, bool sticky) {
  Route route;
  route.strategy = strategy;
  route.params.sticky = sticky;
  for (int i = 0; i < 10; ++i) {
    TargetSpec t;
    t.provider = "p" + std::to_string(i);
    t.model = "model-" + std::to_string(i);
    t.weight = 10 + i;
    t.priority = i / 3;
    t.prices = {static_cast<uint64_t>(1'000'000 + 37'000 * ((i * 7) % 10)),
                static_cast<uint64_t>(4'000'000 + 50'000 * i)};
    t.caps.context_window = 128'000;
    t.caps.tools = i % 4 != 0;
    route.targets.push_back(t);
  }
  if (strategy == Strategy::kRules) {  // two rules that miss, then one that matches
    RuleCondition tier{RuleField::kAttribute, "header:x-tier", RuleOp::kEq, "premium", 0};
    RuleCondition big{RuleField::kInputTokens, "", RuleOp::kGt, "", 100'000};
    RuleCondition team{RuleField::kAttribute, "team", RuleOp::kPrefix, "research", 0};
    route.rules = {Rule{"premium", {tier}, {9, 8}}, Rule{"long", {big}, {7}},
                   Rule{"research", {team}, {3, 4, 5}}};
  }
  return route;
}

struct Fixture {
  RouteTable table;
  TargetStates states;
  const Route* route;
};

Fixture Make(Strategy strategy, bool sticky) {
  std::vector<RouteEntry> entries;
  entries.push_back({"gpt-4o", TenTargets(Strategy::kWeighted, false)});
  entries.push_back({"gpt-*", TenTargets(Strategy::kWeighted, false)});
  entries.push_back({"smart", TenTargets(strategy, sticky)});
  entries.push_back({"claude-*-4*", TenTargets(Strategy::kPriority, false)});
  auto table = RouteTable::Build(std::move(entries));
  Fixture f{std::move(table.value()), {}, nullptr};
  f.states.resize(f.table.target_slots());
  const TimePoint now{};
  for (size_t i = 0; i < f.states.size(); ++i) {
    f.states[i].ttft_ms.Add(100.0 + 13.0 * static_cast<double>(i % 10), 0.3, now);
    f.states[i].tokens_per_s.Add(50.0 + static_cast<double>(i % 10), 0.3, now);
    f.states[i].in_flight = static_cast<uint32_t>((i * 5) % 7);
  }
  f.route = f.table.Find("smart");
  return f;
}

void BM_Decision(benchmark::State& bm, Strategy strategy, bool sticky) {
  Fixture f = Make(strategy, sticky);
  Rng rng(42);
  RequestTraits request;
  request.input_tokens = 1200;
  request.output_tokens = 400;
  request.needs_tools = false;  // all 10 targets pass the capability filter and get ordered
  request.has_sticky_key = sticky;
  const RequestAttribute attrs[] = {
      {"consumer", "alice"}, {"team", "research-nlp"}, {"header:x-tier", "basic"}};
  request.attributes = attrs;
  Candidates out;
  TimePoint now{};
  uint64_t user = 0;
  for (auto _ : bm) {
    now += std::chrono::microseconds(1);
    request.sticky_key = Mix64(++user);
    const Route* route = f.table.Find("smart");
    Order(*route, f.states, request, now, rng, out);
    benchmark::DoNotOptimize(out);
  }
}

BENCHMARK_CAPTURE(BM_Decision, weighted, Strategy::kWeighted, false);
BENCHMARK_CAPTURE(BM_Decision, weighted_sticky, Strategy::kWeighted, true);
BENCHMARK_CAPTURE(BM_Decision, priority, Strategy::kPriority, false);
BENCHMARK_CAPTURE(BM_Decision, least_latency, Strategy::kLeastLatency, false);
BENCHMARK_CAPTURE(BM_Decision, least_busy, Strategy::kLeastBusy, false);
BENCHMARK_CAPTURE(BM_Decision, least_cost, Strategy::kLeastCost, false);
BENCHMARK_CAPTURE(BM_Decision, rules, Strategy::kRules, false);

void BM_Find(benchmark::State& bm, const char* model) {
  std::vector<RouteEntry> entries;
  for (int i = 0; i < 50; ++i)
    entries.push_back({"exact-model-" + std::to_string(i), TenTargets(Strategy::kWeighted, false)});
  for (int i = 0; i < 20; ++i)
    entries.push_back(
        {"family" + std::to_string(i) + "-*", TenTargets(Strategy::kWeighted, false)});
  entries.push_back({"/^ft:[a-z0-9-]+:org-[0-9]+$/", TenTargets(Strategy::kWeighted, false)});
  auto table = RouteTable::Build(std::move(entries));
  const std::string name = model;
  for (auto _ : bm) benchmark::DoNotOptimize(table->Find(name));
}
BENCHMARK_CAPTURE(BM_Find, exact, "exact-model-42");
BENCHMARK_CAPTURE(BM_Find, wildcard_last, "family19-large");
BENCHMARK_CAPTURE(BM_Find, regex, "ft:gpt-4o-mini:org-1234");
BENCHMARK_CAPTURE(BM_Find, miss, "nothing-matches-this");

void BM_AttemptFeedback(benchmark::State& bm) {
  TargetState state;
  BreakerPolicy breaker;
  StrategyParams params;
  TimePoint now{};
  for (auto _ : bm) {
    now += std::chrono::microseconds(1);
    state.breaker.TryAcquire(breaker, now);
    OnAttemptStart(state, now);
    OnAttemptSuccess(state, breaker, params, now, std::chrono::milliseconds(120), 60.0);
    benchmark::DoNotOptimize(state);
  }
}
BENCHMARK(BM_AttemptFeedback);

}  // namespace
}  // namespace sluice::router

BENCHMARK_MAIN();
