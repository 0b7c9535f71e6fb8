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
  const size_t np = registry->provider_names_.size();
  std::lock_guard lock(mutex_);
  alive_.erase(std::remove(alive_.begin(), alive_.end(), registry), alive_.end());
  for (size_t i = 0; i < t.pairs.size(); ++i)
    folded_pairs_[{registry->model_names_[i / np], registry->provider_names_[i % np]}].Add(t.pairs[i]);
  for (size_t p = 1; p < np; ++p) folded_providers_[registry->provider_names_[p]].Add(t.providers[p]);
  for (size_t c = 0; c < kErrorCodeSlots; ++c) folded_local_replies_[c] += t.local_replies[c];
  folded_overhead_.Add(t.overhead);
}

void MetricsLineage::AddOthers(const MetricsRegistry& self, RegistryTotals& totals) const {
  const size_t np = self.provider_names_.size();
  // The index of a (model, provider) pair in `self`, or npos when `self` has no such series.
  auto pair_index = [&](const std::string& model, const std::string& provider) {
    auto m = self.model_ids_.find(model);
    auto p = self.provider_ids_.find(provider);
    if (m == self.model_ids_.end() || p == self.provider_ids_.end()) return std::string::npos;
    return static_cast<size_t>(m->second) * np + p->second;
  };
  std::lock_guard lock(mutex_);  // a registry being destroyed waits here, its shards intact, until this is done
  for (const MetricsRegistry* other : alive_) {
    if (other == &self) continue;
    const RegistryTotals t = other->Collect();
    const size_t other_np = other->provider_names_.size();
    for (size_t i = 0; i < t.pairs.size(); ++i) {
      const size_t j = pair_index(other->model_names_[i / other_np], other->provider_names_[i % other_np]);
      if (j != std::string::npos) totals.pairs[j].Add(t.pairs[i]);
    }
    for (size_t p = 1; p < other_np; ++p) {
      auto it = self.provider_ids_.find(other->provider_names_[p]);
      if (it != self.provider_ids_.end() && it->second != 0) totals.providers[it->second].Add(t.providers[p]);
    }
    for (size_t c = 0; c < kErrorCodeSlots; ++c) totals.local_replies[c] += t.local_replies[c];
    totals.overhead.Add(t.overhead);
  }
  for (const auto& [names, pair] : folded_pairs_) {
    const size_t j = pair_index(names.first, names.second);
    if (j != std::string::npos) totals.pairs[j].Add(pair);
  }
  for (const auto& [name, provider] : folded_providers_) {
    auto it = self.provider_ids_.find(name);
    if (it != self.provider_ids_.end() && it->second != 0) totals.providers[it->second].Add(provider);
  }
  for (size_t c = 0; c < kErrorCodeSlots; ++c) totals.local_replies[c] += folded_local_replies_[c];
  totals.overhead.Add(folded_overhead_);
}

}  // namespace sluice::telemetry
