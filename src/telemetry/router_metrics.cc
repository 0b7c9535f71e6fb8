// See router_metrics.h.
#include "telemetry/router_metrics.h"

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

RouterMetrics::RouterMetrics(std::vector<std::string> targets, std::vector<std::string> models, size_t shards)
    : targets_(std::move(targets)), models_(std::move(models)) {
  for (size_t i = 0; i < shards; ++i)
    shards_.push_back(std::unique_ptr<RouterShard>(new RouterShard(targets_.size(), models_.size())));
}

uint64_t RouterMetrics::TotalAttempts(uint32_t slot, size_t outcome) const {
  uint64_t sum = 0;
  for (const auto& s : shards_) sum += s->targets_[s->Clamp(slot)].attempts[outcome].load(std::memory_order_relaxed);
  return sum;
}

void RouterMetrics::Render(std::string& out) const {
  AppendHeader(out, "sluice_router_attempts_total", "counter",
               "Upstream attempts per routing target (provider/model), by outcome.");
  for (size_t t = 0; t < targets_.size(); ++t) {
    for (size_t o = 0; o < kAttemptOutcomeCount; ++o) {
      uint64_t sum = TotalAttempts(static_cast<uint32_t>(t), o);
      if (sum == 0 && o != kOutcomeSuccess) continue;
      AppendSample(out, "sluice_router_attempts_total",
                   Label("target", targets_[t]) + "," + Label("outcome", kAttemptOutcomes[o]), sum);
    }
  }
  AppendHeader(out, "sluice_router_target_in_flight", "gauge", "Attempts in flight per routing target.");
  for (size_t t = 0; t < targets_.size(); ++t) {
    int64_t sum = 0;
    for (const auto& s : shards_) sum += s->targets_[t].in_flight.load(std::memory_order_relaxed);
    out += "sluice_router_target_in_flight{";
    out += Label("target", targets_[t]);
    out += "} ";
    AppendInt(out, sum);
    out.push_back('\n');
  }
  AppendHeader(out, "sluice_router_ejections_total", "counter",
               "Circuit-breaker ejections per routing target (summed over workers: health is learned per worker).");
  for (size_t t = 0; t < targets_.size(); ++t) {
    uint64_t sum = 0;
    for (const auto& s : shards_) sum += s->targets_[t].ejections.load(std::memory_order_relaxed);
    AppendSample(out, "sluice_router_ejections_total", Label("target", targets_[t]), sum);
  }
  AppendHeader(out, "sluice_router_target_first_byte_seconds", "histogram",
               "Per routing target: attempt start to the first streamed event, or to the response head.");
  for (size_t t = 0; t < targets_.size(); ++t) {
    HistogramSnapshot h;
    bool any = false;
    for (const auto& s : shards_) {
      s->targets_[t].first_byte.AddTo(h);
      any = any || !s->targets_[t].first_byte.Empty();
    }
    if (any) AppendHistogram(out, "sluice_router_target_first_byte_seconds", Label("target", targets_[t]),
                             TtftLayout(), h);
  }
  AppendHeader(out, "sluice_router_fallback_served_total", "counter",
               "Requests answered by a target other than the first one tried, per model.");
  for (size_t m = 0; m < models_.size(); ++m) {
    uint64_t sum = 0;
    for (const auto& s : shards_) sum += s->fallbacks_[m].load(std::memory_order_relaxed);
    AppendSample(out, "sluice_router_fallback_served_total", Label("model", models_[m]), sum);
  }
  AppendHeader(out, "sluice_router_give_ups_total", "counter",
               "Requests the router stopped trying, by reason (the client got the last error).");
  for (size_t r = 1; r < kGiveUpReasonCount; ++r) {
    uint64_t sum = 0;
    for (const auto& s : shards_) sum += s->give_ups_[r].load(std::memory_order_relaxed);
    if (sum) AppendSample(out, "sluice_router_give_ups_total", Label("reason", kGiveUpReasons[r]), sum);
  }
}

}  // namespace sluice::telemetry
