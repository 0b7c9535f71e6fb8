#include "telemetry/router_metrics.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "telemetry/metrics_lineage.h"

namespace sluice::telemetry {
namespace {

constexpr uint64_t kMs = 1'000'000;

std::string Render(const RouterMetrics& metrics) {
  std::string out;
  metrics.Render(out);
  return out;
}

bool Has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST(RouterMetrics, ShardsSumIntoEachFamily) {
  RouterMetrics metrics({"openai/gpt-4o", "claude/sonnet"}, {"smart"}, 2);
  metrics.Shard(0).RecordAttempt(0, kOutcomeSuccess);
  metrics.Shard(1).RecordAttempt(0, kOutcomeSuccess);
  metrics.Shard(1).RecordAttempt(1, 2);  // timeout
  metrics.Shard(0).AttemptStarted(1);
  metrics.Shard(1).RecordEjections(1, 3);
  metrics.Shard(0).RecordFirstByte(0, 20 * kMs);
  metrics.Shard(1).RecordFallbackServed(0);
  metrics.Shard(0).RecordGiveUp(2);  // attempts_exhausted
  const std::string text = Render(metrics);
  EXPECT_TRUE(Has(text, "sluice_router_attempts_total{target=\"openai/gpt-4o\",outcome=\"success\"} 2")) << text;
  EXPECT_TRUE(Has(text, "sluice_router_attempts_total{target=\"claude/sonnet\",outcome=\"timeout\"} 1")) << text;
  EXPECT_TRUE(Has(text, "sluice_router_attempts_total{target=\"claude/sonnet\",outcome=\"success\"} 0")) << text;
  EXPECT_TRUE(Has(text, "sluice_router_target_in_flight{target=\"claude/sonnet\"} 1")) << text;
  EXPECT_TRUE(Has(text, "sluice_router_ejections_total{target=\"claude/sonnet\"} 3")) << text;
  EXPECT_TRUE(Has(text, "sluice_router_target_first_byte_seconds_count{target=\"openai/gpt-4o\"} 1")) << text;
  EXPECT_EQ(text.find("sluice_router_target_first_byte_seconds_count{target=\"claude/sonnet\"}"), std::string::npos)
      << "no histogram for a target without an observation";
  EXPECT_TRUE(Has(text, "sluice_router_fallback_served_total{model=\"smart\"} 1")) << text;
  EXPECT_TRUE(Has(text, "sluice_router_give_ups_total{reason=\"attempts_exhausted\"} 1")) << text;
}

// A reload builds new RouterMetrics with renumbered slots; attempts of the old snapshot still running end
// there. The new one renders what the old one recorded under the same target and model names, live while it
// serves and folded once it is gone; a target the reload removed is not exported, and the in-flight gauge
// of a target sums the attempts open in both.
TEST(RouterMetrics, CountersGoOnAcrossSnapshotsByName) {
  auto lineage = std::make_shared<MetricsLineage>(2);
  auto before = std::make_unique<RouterMetrics>(std::vector<std::string>{"openai/gpt-4o", "claude/sonnet"},
                                                std::vector<std::string>{"smart"}, 2, lineage);
  before->Shard(0).RecordAttempt(0, kOutcomeSuccess);
  before->Shard(1).RecordAttempt(1, 3);  // rate_limited, on a target the reload removes
  before->Shard(0).RecordEjections(0, 2);
  before->Shard(0).RecordFirstByte(0, 20 * kMs);
  before->Shard(0).RecordFallbackServed(0);
  before->Shard(1).RecordGiveUp(4);  // deadline
  before->Shard(1).AttemptStarted(0);  // still running at the reload
  RouterMetrics after({"local/llama", "openai/gpt-4o"}, {"fast", "smart"}, 2, lineage);
  after.Shard(0).RecordAttempt(1, kOutcomeSuccess);
  after.Shard(0).RecordEjections(1, 1);  // the new snapshot's breakers start afresh
  after.Shard(1).RecordFirstByte(1, 40 * kMs);
  after.Shard(1).RecordGiveUp(4);
  const std::string live = Render(after);
  EXPECT_TRUE(Has(live, "sluice_router_target_in_flight{target=\"openai/gpt-4o\"} 1")) << live;
  before->Shard(1).AttemptEnded(0);
  before->Shard(1).RecordAttempt(0, kOutcomeSuccess);  // the old snapshot's attempt ends after the reload
  const std::string still_live = Render(after);
  before.reset();
  const std::string folded = Render(after);
  EXPECT_EQ(still_live, folded) << "folding an object that is gone changes nothing";
  for (const std::string& text : {still_live, folded}) {
    EXPECT_TRUE(Has(text, "sluice_router_attempts_total{target=\"openai/gpt-4o\",outcome=\"success\"} 3")) << text;
    EXPECT_TRUE(Has(text, "sluice_router_target_in_flight{target=\"openai/gpt-4o\"} 0")) << text;
    EXPECT_TRUE(Has(text, "sluice_router_ejections_total{target=\"openai/gpt-4o\"} 3")) << text;
    EXPECT_TRUE(Has(text, "sluice_router_target_first_byte_seconds_count{target=\"openai/gpt-4o\"} 2")) << text;
    EXPECT_TRUE(Has(text, "sluice_router_fallback_served_total{model=\"smart\"} 1")) << text;
    EXPECT_TRUE(Has(text, "sluice_router_fallback_served_total{model=\"fast\"} 0")) << text;
    EXPECT_TRUE(Has(text, "sluice_router_give_ups_total{reason=\"deadline\"} 2")) << text;
    EXPECT_EQ(text.find("claude/sonnet"), std::string::npos) << "removed by the reload";
  }
  // Without a lineage, an object stands alone.
  RouterMetrics alone({"openai/gpt-4o"}, {"smart"}, 1);
  EXPECT_TRUE(Has(Render(alone), "sluice_router_attempts_total{target=\"openai/gpt-4o\",outcome=\"success\"} 0"));
}

}  // namespace
}  // namespace sluice::telemetry
