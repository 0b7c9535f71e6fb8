// See router_metrics.h.
#include "telemetry/router_metrics.h"

#include "telemetry/metrics_lineage.h"
#include "telemetry/prometheus_text.h"

namespace sluice::telemetry {
RouterShard::RouterShard(size_t targets, size_t models)
    : targets_count_(targets ? targets : 1),
      models_count_(models ? models : 1),
      targets_(new Target[targets_count_]),
      fallbacks_(new std::atomic<uint64_t>[models_count_]) {
  for (size_t i = 0; i < targets_count_; ++i) targets_[i].first_byte.Init(TtftLayout());
  for (size_t i = 0; i < models_count_; ++i) fallbacks_[i].store(0, std::memory_order_relaxed);
}

void RouterShard::RecordAttempt(uint32_t slot, size_t outcome) {
  if (outcome >= kAttemptOutcomeCount) outcome = kOutcomeSkipped;
  Bump(targets_[Clamp(slot)].attempts[outcome]);
}

void RouterShard::RecordEjections(uint32_t slot, uint64_t total) {
  targets_[Clamp(slot)].ejections.store(total, std::memory_order_relaxed);
}

void RouterShard::RecordFallbackServed(uint32_t model) { Bump(fallbacks_[model < models_count_ ? model : 0]); }

void RouterShard::RecordGiveUp(size_t reason) { Bump(give_ups_[reason < kGiveUpReasonCount ? reason : 0]); }

RouterMetrics::RouterMetrics(std::vector<std::string> targets, std::vector<std::string> models, size_t shards,
                             std::shared_ptr<MetricsLineage> lineage)
    : targets_(std::move(targets)), models_(std::move(models)), lineage_(std::move(lineage)) {
  for (size_t i = 0; i < shards; ++i)
    shards_.push_back(std::unique_ptr<RouterShard>(new RouterShard(targets_.size(), models_.size())));
  if (lineage_) lineage_->routers().Join(this);
}

RouterMetrics::~RouterMetrics() {
  if (lineage_) lineage_->routers().Leave(this);  // folds what it recorded while its shards still exist
}

void RouterTotals::Target::Add(const Target& other) {
  for (size_t o = 0; o < kAttemptOutcomeCount; ++o) attempts[o] += other.attempts[o];
  in_flight += other.in_flight;
  ejections += other.ejections;
  first_byte.Add(other.first_byte);
}

RouterTotals RouterMetrics::Collect() const {
  RouterTotals totals;
  totals.targets.resize(targets_.size());
  totals.fallbacks.assign(models_.size(), 0);
  for (const auto& s : shards_) {
    for (size_t t = 0; t < targets_.size(); ++t) {
      const RouterShard::Target& from = s->targets_[t];
      RouterTotals::Target& to = totals.targets[t];
      for (size_t o = 0; o < kAttemptOutcomeCount; ++o)
        to.attempts[o] += from.attempts[o].load(std::memory_order_relaxed);
      to.in_flight += from.in_flight.load(std::memory_order_relaxed);
      to.ejections += from.ejections.load(std::memory_order_relaxed);
      from.first_byte.AddTo(to.first_byte);
    }
    for (size_t m = 0; m < models_.size(); ++m)
      totals.fallbacks[m] += s->fallbacks_[m].load(std::memory_order_relaxed);
    for (size_t r = 0; r < kGiveUpReasonCount; ++r)
      totals.give_ups[r] += s->give_ups_[r].load(std::memory_order_relaxed);
  }
  return totals;
}

void NamedRouterTotals::Fold(const RouterMetrics& metrics, const RouterTotals& totals, NamedRouterTotals& into) {
  for (size_t t = 0; t < totals.targets.size(); ++t) into.targets[metrics.targets_[t]].Add(totals.targets[t]);
  for (size_t m = 0; m < totals.fallbacks.size(); ++m) into.fallbacks[metrics.models_[m]] += totals.fallbacks[m];
  for (size_t r = 0; r < kGiveUpReasonCount; ++r) into.give_ups[r] += totals.give_ups[r];
}

void NamedRouterTotals::AddInto(const RouterMetrics& self, RouterTotals& totals) const {
  // A handful of targets and models: a scan per name beats building an index on every scrape.
  for (size_t t = 0; t < self.targets_.size(); ++t) {
    auto it = targets.find(self.targets_[t]);
    if (it != targets.end()) totals.targets[t].Add(it->second);
  }
  for (size_t m = 0; m < self.models_.size(); ++m) {
    auto it = fallbacks.find(self.models_[m]);
    if (it != fallbacks.end()) totals.fallbacks[m] += it->second;
  }
  for (size_t r = 0; r < kGiveUpReasonCount; ++r) totals.give_ups[r] += give_ups[r];
}

void RouterMetrics::Render(std::string& out) const {
  RouterTotals totals = Collect();
  if (lineage_) lineage_->routers().AddOthers(*this, totals);
  AppendHeader(out, "sluice_router_attempts_total", "counter",
               "Upstream attempts per routing target (provider/model), by outcome.");
  for (size_t t = 0; t < targets_.size(); ++t) {
    for (size_t o = 0; o < kAttemptOutcomeCount; ++o) {
      const uint64_t sum = totals.targets[t].attempts[o];
      if (sum == 0 && o != kOutcomeSuccess) continue;
      AppendSample(out, "sluice_router_attempts_total",
                   Label("target", targets_[t]) + "," + Label("outcome", kAttemptOutcomes[o]), sum);
    }
  }
  AppendHeader(out, "sluice_router_target_in_flight", "gauge", "Attempts in flight per routing target.");
  for (size_t t = 0; t < targets_.size(); ++t) {
    out += "sluice_router_target_in_flight{";
    out += Label("target", targets_[t]);
    out += "} ";
    AppendInt(out, totals.targets[t].in_flight);
    out.push_back('\n');
  }
  AppendHeader(out, "sluice_router_ejections_total", "counter",
               "Circuit-breaker ejections per routing target (summed over workers: health is learned per worker).");
  for (size_t t = 0; t < targets_.size(); ++t)
    AppendSample(out, "sluice_router_ejections_total", Label("target", targets_[t]), totals.targets[t].ejections);
  AppendHeader(out, "sluice_router_target_first_byte_seconds", "histogram",
               "Per routing target: attempt start to the first streamed event, or to the response head.");
  for (size_t t = 0; t < targets_.size(); ++t) {
    const HistogramSnapshot& h = totals.targets[t].first_byte;
    if (!h.buckets.empty() && h.Count() > 0)
      AppendHistogram(out, "sluice_router_target_first_byte_seconds", Label("target", targets_[t]), TtftLayout(), h);
  }
  AppendHeader(out, "sluice_router_fallback_served_total", "counter",
               "Requests answered by a target other than the first one tried, per model.");
  for (size_t m = 0; m < models_.size(); ++m)
    AppendSample(out, "sluice_router_fallback_served_total", Label("model", models_[m]), totals.fallbacks[m]);
  AppendHeader(out, "sluice_router_give_ups_total", "counter",
               "Requests the router stopped trying, by reason (the client got the last error).");
  for (size_t r = 1; r < kGiveUpReasonCount; ++r) {
    if (totals.give_ups[r] == 0) continue;
    AppendSample(out, "sluice_router_give_ups_total", Label("reason", kGiveUpReasons[r]), totals.give_ups[r]);
  }
}

}  // namespace sluice::telemetry
