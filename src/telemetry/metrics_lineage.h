// Metrics across config snapshots: what a registry recorded, summed (RegistryTotals), and the lineage of a
// process's registries that carries counters and histograms on across reloads (MetricsLineage).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "telemetry/histogram.h"
#include "telemetry/live_gauges.h"
#include "telemetry/metrics_registry.h"

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

// The registries of one process, across config snapshots (a reload builds a new registry). The current
// registry renders its series plus what the others recorded under the same model and provider names: those
// still alive (an older snapshot's requests may still be running) are read live, and each one that is
// destroyed is folded, by names, into totals kept here. So counters and histograms go on across a reload
// instead of restarting from zero; the series of a model or provider that the reload removed stop being
// exported (and resume with their totals if it comes back). It also holds the process's LiveGauges.
// Thread rule: Join/Leave from any thread (a registry dies wherever its last snapshot is dropped); AddOthers
// from the rendering thread. One mutex, taken by a worker only when a registry is destroyed.
class MetricsLineage {
 public:
  explicit MetricsLineage(size_t shards) : live_(std::make_shared<LiveGauges>(shards)) {}
  const std::shared_ptr<LiveGauges>& live_gauges() const { return live_; }
  void Join(const MetricsRegistry* registry);
  void Leave(const MetricsRegistry* registry);
  // Adds into `totals` (indexed as `self`'s series) what the lineage's other registries recorded.
  void AddOthers(const MetricsRegistry& self, RegistryTotals& totals) const;

 private:
  // Totals keyed by series names rather than one registry's ids.
  struct NamedTotals {
    std::map<std::pair<std::string, std::string>, RegistryTotals::Pair> pairs;  // (model, provider)
    std::map<std::string, RegistryTotals::Provider> providers;
    std::vector<uint64_t> local_replies = std::vector<uint64_t>(kErrorCodeSlots, 0);
    HistogramSnapshot overhead;
  };
  // Adds `totals`, which `registry` collected, into `into` by names.
  static void Fold(const MetricsRegistry& registry, const RegistryTotals& totals, NamedTotals& into);
  // Adds what `named` holds for the series `self` has into `totals`, indexed as `self`'s.
  static void AddByNames(const NamedTotals& named, const MetricsRegistry& self, RegistryTotals& totals);

  std::shared_ptr<LiveGauges> live_;
  mutable std::mutex mutex_;
  std::vector<const MetricsRegistry*> alive_;
  NamedTotals folded_;  // the registries that are gone
};

}  // namespace sluice::telemetry
