// LiveGauges and MetricsLineage. See live_gauges.h and metrics_lineage.h.
#include "telemetry/metrics_lineage.h"

#include <algorithm>

namespace sluice::telemetry {

LiveGauges::LiveGauges(size_t shards) {
  if (shards == 0) shards = 1;
  for (size_t i = 0; i < shards; ++i) shards_.emplace_back(std::make_unique<LiveGaugeShard>());
}

int64_t LiveGauges::Sum(std::atomic<int64_t> LiveGaugeShard::*gauge) const {
  int64_t n = 0;
  for (const auto& s : shards_) n += ((*s).*gauge).load(std::memory_order_relaxed);
  return n;
}

uint64_t LiveGauges::ConnectionsTotal() const {
  uint64_t n = 0;
  for (const auto& s : shards_) n += s->connections_total.load(std::memory_order_relaxed);
  return n;
}

void RegistryTotals::Pair::Add(const Pair& other) {
  for (size_t c = 0; c < kStatusClasses; ++c) requests[c] += other.requests[c];
  for (size_t d = 0; d < kTokenDirections; ++d) tokens[d] += other.tokens[d];
  duration.Add(other.duration);
  ttft.Add(other.ttft);
}

void RegistryTotals::Provider::Add(const Provider& other) {
  upstream_duration.Add(other.upstream_duration);
  for (size_t r = 0; r < 2; ++r) connections[r] += other.connections[r];
  for (size_t e = 0; e < kUpstreamErrorSlots; ++e) errors[e] += other.errors[e];
}

void MetricsLineage::Join(const MetricsRegistry* registry) {
  std::lock_guard lock(mutex_);
  alive_.push_back(registry);
}

void MetricsLineage::Leave(const MetricsRegistry* registry) {
  const RegistryTotals t = registry->Collect();  // its shards are still there: called from its destructor
  std::lock_guard lock(mutex_);
  alive_.erase(std::remove(alive_.begin(), alive_.end(), registry), alive_.end());
  Fold(*registry, t, folded_);
}

void MetricsLineage::AddOthers(const MetricsRegistry& self, RegistryTotals& totals) const {
  NamedTotals others;
  {
    std::lock_guard lock(mutex_);  // a registry being destroyed waits here, its shards intact, until this is done
    others = folded_;
    for (const MetricsRegistry* other : alive_) {
      if (other != &self) Fold(*other, other->Collect(), others);
    }
  }
  AddByNames(others, self, totals);
}

void MetricsLineage::Fold(const MetricsRegistry& registry, const RegistryTotals& totals, NamedTotals& into) {
  const size_t np = registry.provider_names_.size();
  for (size_t i = 0; i < totals.pairs.size(); ++i)
    into.pairs[{registry.model_names_[i / np], registry.provider_names_[i % np]}].Add(totals.pairs[i]);
  for (size_t p = 1; p < np; ++p) into.providers[registry.provider_names_[p]].Add(totals.providers[p]);
  for (size_t c = 0; c < kErrorCodeSlots; ++c) into.local_replies[c] += totals.local_replies[c];
  into.overhead.Add(totals.overhead);
}

void MetricsLineage::AddByNames(const NamedTotals& named, const MetricsRegistry& self, RegistryTotals& totals) {
  const size_t np = self.provider_names_.size();
  for (const auto& [names, pair] : named.pairs) {
    auto m = self.model_ids_.find(names.first);
    auto p = self.provider_ids_.find(names.second);
    if (m == self.model_ids_.end() || p == self.provider_ids_.end()) continue;  // a series `self` does not have
    totals.pairs[m->second * np + p->second].Add(pair);
  }
  for (const auto& [name, provider] : named.providers) {
    auto it = self.provider_ids_.find(name);
    if (it != self.provider_ids_.end() && it->second != 0) totals.providers[it->second].Add(provider);
  }
  for (size_t c = 0; c < kErrorCodeSlots; ++c) totals.local_replies[c] += named.local_replies[c];
  totals.overhead.Add(named.overhead);
}

}  // namespace sluice::telemetry
