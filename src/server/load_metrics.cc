// Server load from scraped metrics, its score, and the lock-free board. Thread rule: see load_metrics.h.
#include "server/load_metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <utility>

namespace sluice::server {
namespace {

using core::Error;
using core::ErrorCode;
using telemetry::PromMetrics;
using telemetry::PromSample;

struct EngineNames {
  LoadSource source;
  std::array<std::string_view, 2> running;  // alternatives, first present wins
  std::array<std::string_view, 2> waiting;
  std::array<std::string_view, 2> kv;
};

constexpr std::array<EngineNames, 4> kEngines = {{
    {LoadSource::kVllm,
     {"vllm:num_requests_running", ""},
     {"vllm:num_requests_waiting", ""},
     {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"}},
    {LoadSource::kSglang, {"sglang:num_running_reqs", ""}, {"sglang:num_queue_reqs", ""}, {"sglang:token_usage", ""}},
    // SGLang 0.5.4 renamed the prefix to `sglang_`.
    {LoadSource::kSglang, {"sglang_num_running_reqs", ""}, {"sglang_num_queue_reqs", ""}, {"sglang_token_usage", ""}},
    {LoadSource::kTgi, {"tgi_batch_current_size", ""}, {"tgi_queue_size", ""}, {"", ""}},
}};

// Labels that name one shard of a model copy: every shard reports the same queue.
bool IsShardLabel(std::string_view name) {
  return name == "tp_rank" || name == "pp_rank" || name == "moe_ep_rank" || name == "attn_tp_rank" ||
         name == "cp_rank";
}

// The replica a sample belongs to: its labels minus the shard ones, in a canonical order.
std::string ReplicaKey(const PromSample& s) {
  std::vector<std::pair<std::string_view, std::string_view>> kept;
  for (const auto& l : s.labels) {
    if (!IsShardLabel(l.name)) kept.emplace_back(l.name, l.value);
  }
  std::sort(kept.begin(), kept.end());
  std::string key;
  for (const auto& [n, v] : kept) {
    key.append(n).push_back('\x1f');
    key.append(v).push_back('\x1e');
  }
  return key;
}

const std::vector<PromSample>* FindFirst(const PromMetrics& m, const std::array<std::string_view, 2>& names) {
  for (std::string_view n : names) {
    if (n.empty()) continue;
    if (const auto* s = m.Find(n)) return s;
  }
  return nullptr;
}

bool Matches(const PromSample& s, std::string_view model_name) {
  if (model_name.empty()) return true;
  const std::string* m = s.Label("model_name");
  return m == nullptr || *m == model_name;
}

struct Aggregate {
  bool any = false;      // at least one sample passed the model filter
  bool present = false;  // the family exists at all
  double sum = 0;        // sum over replicas of the max over shards
  double mean = 0;       // mean over replicas of the max over shards
};

// Per replica the max over its shards; then sum and mean over replicas. Counts must be finite and
// >= 0 (`count`); a ratio that is NaN is skipped (unknown), others are clamped to 0..1.
core::Result<Aggregate> Combine(const std::vector<PromSample>* samples, std::string_view model_name, bool count,
                                std::string_view metric) {
  Aggregate a;
  if (samples == nullptr) return a;
  a.present = true;
  std::map<std::string, double> replicas;
  for (const auto& s : *samples) {
    if (!Matches(s, model_name)) continue;
    double v = s.value;
    if (count && (!std::isfinite(v) || v < 0)) {
      return Error{ErrorCode::kUpstreamProtocolError, std::string(metric) + " is not a count: " + std::to_string(v),
                   0, {}};
    }
    if (!count) {
      if (std::isnan(v)) continue;
      v = std::clamp(v, 0.0, 1.0);
    }
    auto [it, inserted] = replicas.emplace(ReplicaKey(s), v);
    if (!inserted) it->second = std::max(it->second, v);
  }
  for (const auto& [key, v] : replicas) a.sum += v;
  a.any = !replicas.empty();
  if (a.any) a.mean = a.sum / static_cast<double>(replicas.size());
  return a;
}

}  // namespace

const char* LoadSourceName(LoadSource source) {
  switch (source) {
    case LoadSource::kVllm:
      return "vllm";
    case LoadSource::kSglang:
      return "sglang";
    case LoadSource::kTgi:
      return "tgi";
    case LoadSource::kNone:
      break;
  }
  return "none";
}

bool IsLoadMetricName(std::string_view name) {
  for (const auto& e : kEngines) {
    for (const auto* group : {&e.running, &e.waiting, &e.kv}) {
      for (std::string_view n : *group) {
        if (!n.empty() && n == name) return true;
      }
    }
  }
  return false;
}

core::Result<ServerLoad> ReadServerLoad(const PromMetrics& metrics, std::string_view model_name) {
  for (const auto& e : kEngines) {
    const auto* running_samples = FindFirst(metrics, e.running);
    const auto* waiting_samples = FindFirst(metrics, e.waiting);
    if (running_samples == nullptr && waiting_samples == nullptr) continue;
    auto running = Combine(running_samples, model_name, true, e.running[0]);
    if (!running.ok()) return running.error();
    auto waiting = Combine(waiting_samples, model_name, true, e.waiting[0]);
    if (!waiting.ok()) return waiting.error();
    if (!running->any && !waiting->any) {
      return Error{ErrorCode::kUpstreamProtocolError,
                   std::string(LoadSourceName(e.source)) + " metrics have no samples for model '" +
                       std::string(model_name) + "'",
                   0, {}};
    }
    ServerLoad load;
    load.source = e.source;
    load.running = running->sum;
    load.waiting = waiting->sum;
    auto kv = Combine(FindFirst(metrics, e.kv), model_name, false, e.kv[0]);
    if (kv.ok() && kv->any) load.kv_cache_usage = kv->mean;
    return load;
  }
  return Error{ErrorCode::kUpstreamProtocolError,
               "no vLLM, SGLang or TGI load gauges in the metrics (is this the server's /metrics, and are its "
               "metrics enabled?)",
               0, {}};
}

double LoadScore(const ServerLoad& load) {
  constexpr double kMaxScore = 1e9;
  double queue = load.running + load.waiting;
  if (!std::isfinite(queue) || queue < 0) return queue > 0 ? kMaxScore : 0.0;
  double used = load.kv_cache_usage.value_or(0);
  if (!std::isfinite(used)) used = 0;
  used = std::clamp(used, 0.0, 0.99);
  return std::min(queue / (1.0 - used), kMaxScore);
}

// ---- LoadBoard

LoadBoard::LoadBoard(size_t slots) : size_(slots), slots_(std::make_unique<Slot[]>(slots)) {}

namespace {
int64_t Ns(LoadBoard::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
}  // namespace

void LoadBoard::SetMaxAge(size_t slot, std::chrono::nanoseconds max_age) {
  if (slot < size_) slots_[slot].max_age_ns.store(max_age.count(), std::memory_order_relaxed);
}

void LoadBoard::Publish(size_t slot, const ServerLoad& load, Clock::time_point now) {
  if (slot >= size_) return;
  Slot& s = slots_[slot];
  s.score.store(LoadScore(load), std::memory_order_relaxed);
  s.running.store(load.running, std::memory_order_relaxed);
  s.waiting.store(load.waiting, std::memory_order_relaxed);
  s.kv.store(load.kv_cache_usage.value_or(-1), std::memory_order_relaxed);
  s.source.store(static_cast<uint8_t>(load.source), std::memory_order_relaxed);
  s.ok.store(true, std::memory_order_relaxed);
  s.ok_count.fetch_add(1, std::memory_order_relaxed);
  // A reader that sees this timestamp (acquire) sees the values above or newer ones.
  s.updated_ns.store(std::max<int64_t>(Ns(now), 1), std::memory_order_release);
}

void LoadBoard::MarkFailed(size_t slot) {
  if (slot >= size_) return;
  slots_[slot].ok.store(false, std::memory_order_release);
  slots_[slot].failed_count.fetch_add(1, std::memory_order_relaxed);
}

const LoadBoard::Slot* LoadBoard::Fresh(size_t slot, Clock::time_point now) const {
  if (slot >= size_) return nullptr;
  const Slot& s = slots_[slot];
  int64_t updated = s.updated_ns.load(std::memory_order_acquire);
  if (updated == 0 || !s.ok.load(std::memory_order_acquire)) return nullptr;
  // A reader's `now` may predate the publish it sees (another thread's clock read): that is fresh.
  if (Ns(now) - updated > s.max_age_ns.load(std::memory_order_relaxed)) return nullptr;
  return &s;
}

std::optional<double> LoadBoard::Score(size_t slot, Clock::time_point now) const {
  const Slot* s = Fresh(slot, now);
  if (s == nullptr) return std::nullopt;
  return s->score.load(std::memory_order_relaxed);
}

std::optional<LoadBoard::Reading> LoadBoard::Read(size_t slot, Clock::time_point now) const {
  const Slot* s = Fresh(slot, now);
  if (s == nullptr) return std::nullopt;
  Reading r;
  r.score = s->score.load(std::memory_order_relaxed);
  r.load.running = s->running.load(std::memory_order_relaxed);
  r.load.waiting = s->waiting.load(std::memory_order_relaxed);
  double kv = s->kv.load(std::memory_order_relaxed);
  if (kv >= 0) r.load.kv_cache_usage = kv;
  r.load.source = static_cast<LoadSource>(s->source.load(std::memory_order_relaxed));
  r.updated_at = Clock::time_point(std::chrono::nanoseconds(s->updated_ns.load(std::memory_order_relaxed)));
  return r;
}

uint64_t LoadBoard::scrapes_ok(size_t slot) const {
  return slot < size_ ? slots_[slot].ok_count.load(std::memory_order_relaxed) : 0;
}

uint64_t LoadBoard::scrapes_failed(size_t slot) const {
  return slot < size_ ? slots_[slot].failed_count.load(std::memory_order_relaxed) : 0;
}

}  // namespace sluice::server
