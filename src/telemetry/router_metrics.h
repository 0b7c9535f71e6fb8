// Routing metrics (docs/metrics.md): per target (provider/model slot) attempts by outcome, requests in flight,
// breaker ejections and time to first byte/token of each attempt; per model the requests a fallback served;
// and why requests were given up. Same design as MetricsRegistry: series pre-allocated per config snapshot,
// one shard per worker written only by that worker, summed at scrape time, and carried on across reloads by
// the process's MetricsLineage (by target and model names).
// Thread rule: Shard(i) is written only by worker i (relaxed single-writer atomics); Render() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "telemetry/histogram.h"

namespace sluice::telemetry {

// Attempt outcomes, in router::FailureKind order after "success" (router/retry_policy.h).
inline constexpr std::string_view kAttemptOutcomes[] = {
    "success",     "connect_error", "timeout",      "rate_limited", "overloaded", "server_error",
    "stream_error_before_first_byte", "client_error", "error_after_first_byte", "cancelled", "not_retryable",
    "skipped"};
inline constexpr size_t kAttemptOutcomeCount = std::size(kAttemptOutcomes);
inline constexpr size_t kOutcomeSuccess = 0;
inline constexpr size_t kOutcomeSkipped = kAttemptOutcomeCount - 1;  // the target could not take the request

// Give-up reasons, in router::GiveUpReason order.
inline constexpr std::string_view kGiveUpReasons[] = {"none",           "not_retryable", "attempts_exhausted",
                                                      "no_candidates",  "deadline",      "budget_exhausted",
                                                      "throttled"};
inline constexpr size_t kGiveUpReasonCount = std::size(kGiveUpReasons);

class RouterMetrics;
class MetricsLineage;

// What a RouterMetrics recorded, summed over its shards, by its own slot and model ids.
struct RouterTotals {
  struct Target {
    uint64_t attempts[kAttemptOutcomeCount] = {};
    int64_t in_flight = 0;
    uint64_t ejections = 0;
    HistogramSnapshot first_byte;
    void Add(const Target& other);
  };
  std::vector<Target> targets;      // [slot]
  std::vector<uint64_t> fallbacks;  // [model]
  uint64_t give_ups[kGiveUpReasonCount] = {};
};

// RouterTotals by target and model names (see snapshot_lineage.h).
struct NamedRouterTotals {
  std::map<std::string, RouterTotals::Target> targets;
  std::map<std::string, uint64_t> fallbacks;
  uint64_t give_ups[kGiveUpReasonCount] = {};
  static void Fold(const RouterMetrics& metrics, const RouterTotals& totals, NamedRouterTotals& into);
  void AddInto(const RouterMetrics& self, RouterTotals& totals) const;
};

class alignas(64) RouterShard {
 public:
  void RecordAttempt(uint32_t slot, size_t outcome);
  void AttemptStarted(uint32_t slot) { Add(targets_[Clamp(slot)].in_flight, 1); }
  void AttemptEnded(uint32_t slot) { Add(targets_[Clamp(slot)].in_flight, -1); }
  void RecordFirstByte(uint32_t slot, uint64_t ns) { targets_[Clamp(slot)].first_byte.Observe(ns); }
  void RecordEjections(uint32_t slot, uint64_t total);  // the breaker's running total for this worker
  void RecordFallbackServed(uint32_t model);
  void RecordGiveUp(size_t reason);

 private:
  friend class RouterMetrics;
  struct Target {
    std::atomic<uint64_t> attempts[kAttemptOutcomeCount] = {};
    std::atomic<int64_t> in_flight{0};
    std::atomic<uint64_t> ejections{0};
    Histogram first_byte;
  };
  RouterShard(size_t targets, size_t models);
  size_t Clamp(uint32_t slot) const { return slot < targets_count_ ? slot : 0; }
  static void Add(std::atomic<int64_t>& g, int64_t d) {
    g.store(g.load(std::memory_order_relaxed) + d, std::memory_order_relaxed);
  }
  size_t targets_count_;
  size_t models_count_;
  std::unique_ptr<Target[]> targets_;
  std::unique_ptr<std::atomic<uint64_t>[]> fallbacks_;  // [model]
  std::atomic<uint64_t> give_ups_[kGiveUpReasonCount] = {};
};

class RouterMetrics {
 public:
  // `targets`: "provider/model" per router slot; `models`: the metric model labels by RuntimeModel id.
  // `lineage`: the process's metrics of other config snapshots, whose counters this one carries on (null:
  // it stands alone).
  RouterMetrics(std::vector<std::string> targets, std::vector<std::string> models, size_t shards,
                std::shared_ptr<MetricsLineage> lineage = nullptr);
  ~RouterMetrics();
  RouterMetrics(const RouterMetrics&) = delete;
  RouterMetrics& operator=(const RouterMetrics&) = delete;
  RouterShard& Shard(size_t worker) { return *shards_[worker]; }
  // This snapshot's series with what the lineage's others recorded under the same names.
  void Render(std::string& out) const;
  RouterTotals Collect() const;  // this object's own values, summed over its shards

 private:
  friend struct NamedRouterTotals;
  std::vector<std::string> targets_;
  std::vector<std::string> models_;
  std::vector<std::unique_ptr<RouterShard>> shards_;
  std::shared_ptr<MetricsLineage> lineage_;
};

}  // namespace sluice::telemetry
