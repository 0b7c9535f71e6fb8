// LiveGauges and the registries' totals by names. See live_gauges.h and metrics_lineage.h.
#include "telemetry/metrics_lineage.h"

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

void NamedRegistryTotals::Fold(const MetricsRegistry& registry, const RegistryTotals& totals,
                               NamedRegistryTotals& into) {
  const size_t np = registry.provider_names_.size();
  for (size_t i = 0; i < totals.pairs.size(); ++i)
    into.pairs[{registry.model_names_[i / np], registry.provider_names_[i % np]}].Add(totals.pairs[i]);
  for (size_t p = 1; p < np; ++p) into.providers[registry.provider_names_[p]].Add(totals.providers[p]);
  for (size_t c = 0; c < kErrorCodeSlots; ++c) into.local_replies[c] += totals.local_replies[c];
  into.overhead.Add(totals.overhead);
}

void NamedRegistryTotals::AddInto(const MetricsRegistry& self, RegistryTotals& totals) const {
  const size_t np = self.provider_names_.size();
  for (const auto& [names, pair] : pairs) {
    auto m = self.model_ids_.find(names.first);
    auto p = self.provider_ids_.find(names.second);
    if (m == self.model_ids_.end() || p == self.provider_ids_.end()) continue;  // a series `self` does not have
    totals.pairs[m->second * np + p->second].Add(pair);
  }
  for (const auto& [name, provider] : providers) {
    auto it = self.provider_ids_.find(name);
    if (it != self.provider_ids_.end() && it->second != 0) totals.providers[it->second].Add(provider);
  }
  for (size_t c = 0; c < kErrorCodeSlots; ++c) totals.local_replies[c] += local_replies[c];
  totals.overhead.Add(overhead);
}

}  // namespace sluice::telemetry
