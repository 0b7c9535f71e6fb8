// The gateway's Prometheus metrics (docs/metrics.md lists every family, label and bucket).
//
// MetricsRegistry is built once per config snapshot from the known models and providers, so every
// series is pre-allocated and addressed by small integer ids (ModelId, ProviderId): the hot path
// indexes arrays, never hashes strings or takes locks. Each worker owns one WorkerMetrics shard
// (cache-line aligned, separate allocation: no false sharing) and is its only writer;
// RenderPrometheus() sums all shards at scrape time.
//
// Bounded labels: a request for a model that is not configured is recorded as model="unknown"
// (never the client's string), a request answered before reaching a provider as provider="none".
// Upstream error codes and local reply codes come from the fixed core::ErrorCode table and a fixed
// set of HTTP statuses.
//
// Thread rule: the registry is immutable after construction. Shard(i) is written only by worker i
// (relaxed atomics, single writer). RenderPrometheus() and the Total*() readers are safe from any
// thread at any time. A registry must outlive every request that records into it (hold it by
// shared_ptr in the snapshot).
#pragma once

#include <atomic>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "telemetry/histogram.h"

namespace sluice::telemetry {

struct ModelId {
  uint32_t value = 0;
};
struct ProviderId {
  uint32_t value = 0;
};
inline constexpr ModelId kUnknownModel{0};   // label model="unknown"
inline constexpr ProviderId kNoProvider{0};  // label provider="none"
inline constexpr std::string_view kUnknownModelLabel = "unknown";
inline constexpr std::string_view kNoProviderLabel = "none";

enum class StatusClass : uint8_t { k2xx, k4xx, k5xx };
inline constexpr size_t kStatusClasses = 3;
// 5xx for >= 500, 4xx for >= 400 (including 499, client closed), 2xx otherwise: the gateway's API
// sends no 1xx/3xx replies, so "2xx" is "not an error".
StatusClass ClassOfStatus(int status);

enum class TokenDirection : uint8_t { kInput, kOutput, kCachedInput, kReasoning };
inline constexpr size_t kTokenDirections = 4;

struct TokenCounts {
  uint64_t input = 0;         // prompt tokens, cached ones included (as providers report them)
  uint64_t output = 0;        // completion tokens, reasoning included
  uint64_t cached_input = 0;  // subset of input read from the provider's prompt cache
  uint64_t reasoning = 0;     // subset of output spent on reasoning
};

// Everything known about a finished request, recorded once at completion (OnComplete).
struct RequestRecord {
  ModelId model = kUnknownModel;
  ProviderId provider = kNoProvider;  // the target that answered (the last attempt), or none
  int status = 0;                     // HTTP status sent to the client
  uint64_t total_ns = 0;              // request received → last byte written
  uint64_t upstream_wait_ns = 0;      // time spent waiting on upstreams, all attempts; ≤ total_ns
  bool stream = false;
  uint64_t ttft_ns = 0;  // streams: request received → first token written; 0 = none
  TokenCounts tokens{};  // from the upstream's usage
};

// Upstream error label: a core::ErrorCode, or for ErrorCode::kUpstreamError the upstream's HTTP
// status
// ("http_429"; statuses outside a fixed list collapse to "http_4xx"/"http_5xx"/"http_other").
inline constexpr size_t kErrorCodeSlots = 256;  // every value of core::ErrorCode's uint8_t
inline constexpr int kUpstreamStatuses[] = {400, 401, 403, 404, 408, 409, 413,
                                            422, 429, 500, 502, 503, 504, 529};
inline constexpr size_t kUpstreamErrorSlots =
    kErrorCodeSlots + std::size(kUpstreamStatuses) + 3;  // + http_4xx, http_5xx, http_other
size_t UpstreamErrorSlot(core::ErrorCode code, int http_status);
std::string UpstreamErrorLabel(size_t slot);

class MetricsRegistry;

// What is open right now (requests, streams, client connections) and the count of connections accepted.
// They outlive config snapshots: a reload builds a new MetricsRegistry, but what it finds open ends under the
// new one, so all the registries of a process share one LiveGauges (a gauge raised in one registry's shard
// and lowered in the next one's would read negative). Shard(i) is written only by worker i.
class alignas(64) LiveGaugeShard {
 public:
  void Add(std::atomic<int64_t>& gauge, int64_t d) {
    gauge.store(gauge.load(std::memory_order_relaxed) + d, std::memory_order_relaxed);
  }
  std::atomic<int64_t> requests_in_flight{0};
  std::atomic<int64_t> streams_in_flight{0};
  std::atomic<int64_t> connections_open{0};
  std::atomic<uint64_t> connections_total{0};
};

class LiveGauges {
 public:
  explicit LiveGauges(size_t shards);
  LiveGaugeShard& Shard(size_t worker_index) { return *shards_[worker_index % shards_.size()]; }
  int64_t RequestsInFlight() const { return Sum(&LiveGaugeShard::requests_in_flight); }
  int64_t StreamsInFlight() const { return Sum(&LiveGaugeShard::streams_in_flight); }
  int64_t ConnectionsOpen() const { return Sum(&LiveGaugeShard::connections_open); }
  uint64_t ConnectionsTotal() const;

 private:
  int64_t Sum(std::atomic<int64_t> LiveGaugeShard::*gauge) const;
  std::vector<std::unique_ptr<LiveGaugeShard>> shards_;
};

class alignas(64) WorkerMetrics {
 public:
  void RecordRequest(const RequestRecord& r);
  void RecordUpstream(ProviderId provider, uint64_t duration_ns);  // once per upstream attempt
  void RecordUpstreamError(ProviderId provider, core::ErrorCode code, int http_status = 0);
  void RecordUpstreamConnection(ProviderId provider, bool reused);
  void RecordLocalReply(core::ErrorCode code);

  // The gauges of what is open: process-wide, whichever registry's shard records them (LiveGauges).
  void RequestStarted() { live_->Add(live_->requests_in_flight, 1); }
  void RequestEnded() { live_->Add(live_->requests_in_flight, -1); }
  void StreamStarted() { live_->Add(live_->streams_in_flight, 1); }
  void StreamEnded() { live_->Add(live_->streams_in_flight, -1); }
  void ConnectionOpened() {
    live_->Add(live_->connections_open, 1);
    Bump(live_->connections_total);
  }
  void ConnectionClosed() { live_->Add(live_->connections_open, -1); }

 private:
  friend class MetricsRegistry;
  struct PairSeries {  // one (model, provider) pair
    std::atomic<uint64_t> requests[kStatusClasses] = {};
    std::atomic<uint64_t> tokens[kTokenDirections] = {};
    Histogram duration;
    Histogram ttft;
  };
  struct ProviderSeries {
    Histogram upstream_duration;
    std::atomic<uint64_t> connections[2] = {};        // [reused]
    std::unique_ptr<std::atomic<uint64_t>[]> errors;  // [UpstreamErrorSlot]
  };

  WorkerMetrics(size_t models, size_t providers, LiveGaugeShard& live);
  size_t PairIndex(ModelId m, ProviderId p) const;
  size_t ProviderIndex(ProviderId p) const { return p.value < providers_ ? p.value : 0; }

  size_t models_;
  size_t providers_;
  std::unique_ptr<PairSeries[]> pairs_;                     // [model * providers_ + provider]
  std::unique_ptr<ProviderSeries[]> provider_;              // [provider]
  std::unique_ptr<std::atomic<uint64_t>[]> local_replies_;  // [ErrorCode]
  Histogram overhead_;
  LiveGaugeShard* live_;
};

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
  std::shared_ptr<LiveGauges> live_;
  mutable std::mutex mutex_;
  std::vector<const MetricsRegistry*> alive_;
  std::map<std::pair<std::string, std::string>, RegistryTotals::Pair> folded_pairs_;  // (model, provider)
  std::map<std::string, RegistryTotals::Provider> folded_providers_;
  std::vector<uint64_t> folded_local_replies_ = std::vector<uint64_t>(kErrorCodeSlots, 0);
  HistogramSnapshot folded_overhead_;
};

struct MetricsSpec {
  std::vector<std::string> models;     // client-facing names, config order (duplicates collapse)
  std::vector<std::string> providers;  // provider names, config order
  // (model, provider) pairs the config can produce: their series are exported from zero so that
  // rate() sees the first request. Other pairs appear once non-zero. (unknown, none) is always
  // exported.
  std::vector<std::pair<std::string, std::string>> routes;
};

class MetricsRegistry {
 public:
  // `lineage`: the process's registries of earlier and later snapshots, whose counters this one carries on,
  // and its gauges. Without one the registry stands alone, with gauges of its own.
  MetricsRegistry(const MetricsSpec& spec, size_t shards, std::shared_ptr<MetricsLineage> lineage = nullptr);
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Build-time lookups (hash maps): resolve once per config snapshot and keep the ids, not per
  // request.
  ModelId FindModel(std::string_view name) const;        // kUnknownModel when not configured
  ProviderId FindProvider(std::string_view name) const;  // kNoProvider when not configured

  size_t shard_count() const { return shards_.size(); }
  WorkerMetrics& Shard(size_t worker_index) { return *shards_[worker_index]; }

  // Prometheus text format 0.0.4 (Content-Type: text/plain; version=0.0.4; charset=utf-8).
  std::string RenderPrometheus() const;

  // Sums across shards, for tests and the admin API.
  uint64_t TotalRequests(ModelId m, ProviderId p, StatusClass c) const;
  uint64_t TotalTokens(ModelId m, ProviderId p, TokenDirection d) const;
  int64_t RequestsInFlight() const;

 private:
  friend class MetricsLineage;
  RegistryTotals Collect() const;  // this registry's own values, summed over its shards
  void RenderPairs(const RegistryTotals& totals, std::string& out) const;
  void RenderProviders(const RegistryTotals& totals, std::string& out) const;
  void RenderGlobals(const RegistryTotals& totals, std::string& out) const;

  std::vector<std::string> model_names_;     // [ModelId], [0] = "unknown"
  std::vector<std::string> provider_names_;  // [ProviderId], [0] = "none"
  std::unordered_map<std::string, uint32_t> model_ids_;
  std::unordered_map<std::string, uint32_t> provider_ids_;
  std::vector<bool> declared_pairs_;  // [model * providers + provider]
  std::shared_ptr<MetricsLineage> lineage_;
  std::shared_ptr<LiveGauges> live_;
  std::vector<std::unique_ptr<WorkerMetrics>> shards_;
};

}  // namespace sluice::telemetry
