// Metrics across config snapshots: what a registry recorded, summed (RegistryTotals), and the lineage of a
// process's registries and router metrics that carries counters and histograms on across reloads
// (MetricsLineage).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "telemetry/histogram.h"
#include "telemetry/live_gauges.h"
#include "telemetry/metrics_registry.h"
#include "telemetry/router_metrics.h"
#include "telemetry/snapshot_lineage.h"

namespace sluice::telemetry {

// A registry's values summed over its shards, by its own series indices.
struct RegistryTotals {
  struct Pair {
    uint64_t requests[kStatusClasses] = {};
    uint64_t tokens[kTokenDirections] = {};
    HistogramSnapshot duration, ttft;
    void Add(const Pair& other);
  };
  struct Provider {
    HistogramSnapshot upstream_duration;
    uint64_t connections[2] = {};  // [reused]
    std::vector<uint64_t> errors = std::vector<uint64_t>(kUpstreamErrorSlots, 0);
    void Add(const Provider& other);
  };
  std::vector<Pair> pairs;          // [model * providers + provider]
  std::vector<Provider> providers;  // [provider]
  std::vector<uint64_t> local_replies = std::vector<uint64_t>(kErrorCodeSlots, 0);
  HistogramSnapshot overhead;
};

// RegistryTotals by model and provider names rather than one registry's ids.
struct NamedRegistryTotals {
  std::map<std::pair<std::string, std::string>, RegistryTotals::Pair> pairs;  // (model, provider)
  std::map<std::string, RegistryTotals::Provider> providers;
  std::vector<uint64_t> local_replies = std::vector<uint64_t>(kErrorCodeSlots, 0);
  HistogramSnapshot overhead;
  static void Fold(const MetricsRegistry& registry, const RegistryTotals& totals, NamedRegistryTotals& into);
  void AddInto(const MetricsRegistry& self, RegistryTotals& totals) const;
};

// The metrics of one process, across config snapshots (a reload builds a new MetricsRegistry and a new
// RouterMetrics). The current ones render their series plus what the others recorded under the same names
// (model and provider; routing target and model): those still alive (an older snapshot's requests may still
// be running) are read live, and each one that is destroyed is folded, by names, into totals kept here. So
// counters and histograms go on across a reload instead of restarting from zero; the series of a model,
// provider or target that the reload removed stop being exported (and resume with their totals if it comes
// back). It also holds the process's LiveGauges.
class MetricsLineage {
 public:
  explicit MetricsLineage(size_t shards) : live_(std::make_shared<LiveGauges>(shards)) {}
  const std::shared_ptr<LiveGauges>& live_gauges() const { return live_; }
  SnapshotLineage<MetricsRegistry, RegistryTotals, NamedRegistryTotals>& registries() { return registries_; }
  SnapshotLineage<RouterMetrics, RouterTotals, NamedRouterTotals>& routers() { return routers_; }

 private:
  std::shared_ptr<LiveGauges> live_;
  SnapshotLineage<MetricsRegistry, RegistryTotals, NamedRegistryTotals> registries_;
  SnapshotLineage<RouterMetrics, RouterTotals, NamedRouterTotals> routers_;
};

}  // namespace sluice::telemetry
