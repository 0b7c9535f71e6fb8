// The gateway's Prometheus metrics (docs/metrics.md lists every family, label and bucket).
//
// MetricsRegistry is built once per config snapshot from the known models and providers, so every
// series is pre-allocated and addressed by small integer ids (ModelId, ProviderId): the hot path
// indexes arrays, never hashes strings or takes locks. Each worker owns one WorkerMetrics shard
// (cache-line aligned, separate allocation: no false sharing) and is its only writer;
// RenderPrometheus() sums all shards at scrape time, plus, through the process's MetricsLineage
// (metrics_lineage.h), what the registries of other config snapshots recorded under the same names, and
// the process's LiveGauges (live_gauges.h).
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
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"
#include "telemetry/histogram.h"
#include "telemetry/live_gauges.h"

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
class MetricsLineage;
struct RegistryTotals;

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
  RegistryTotals Collect() const;  // this registry's own values, summed over its shards

 private:
  friend struct NamedRegistryTotals;
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
