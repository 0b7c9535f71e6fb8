// One kind of metrics across config snapshots: a reload builds new metrics objects (a MetricsRegistry, a
// RouterMetrics) while the old snapshot's requests may still be running. The lineage keeps the ones alive and
// what the dead ones recorded, by series names, so the current one can render its series plus the others'.
// `Named` is a by-names accumulation of `Totals` with
//   static void Fold(const Registry& registry, const Totals& totals, Named& into);  // by registry's names
//   void AddInto(const Registry& self, Totals& totals) const;  // what `self` has series for, by its ids
// and `Registry` has `Totals Collect() const`.
// Thread rule: Join/Leave from any thread (an object dies wherever its last snapshot is dropped); AddOthers
// from the rendering thread. One mutex, taken by a worker only when an object is destroyed.
#pragma once

#include <algorithm>
#include <mutex>
#include <vector>

namespace sluice::telemetry {

template <typename Registry, typename Totals, typename Named>
class SnapshotLineage {
 public:
  void Join(const Registry* registry) {
    std::lock_guard lock(mutex_);
    alive_.push_back(registry);
  }
  // Called from the registry's destructor, while its shards still exist.
  void Leave(const Registry* registry) {
    const Totals totals = registry->Collect();
    std::lock_guard lock(mutex_);
    alive_.erase(std::remove(alive_.begin(), alive_.end(), registry), alive_.end());
    Named::Fold(*registry, totals, folded_);
  }
  // Adds into `totals` (indexed as `self`'s series) what the lineage's other registries recorded.
  void AddOthers(const Registry& self, Totals& totals) const {
    Named others;
    {
      std::lock_guard lock(mutex_);  // a registry being destroyed waits here, its shards intact, until this is done
      others = folded_;
      for (const Registry* other : alive_) {
        if (other != &self) Named::Fold(*other, other->Collect(), others);
      }
    }
    others.AddInto(self, totals);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<const Registry*> alive_;
  Named folded_;  // the registries that are gone
};

}  // namespace sluice::telemetry
