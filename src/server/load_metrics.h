// Self-hosted server load for the least-busy strategy: what a vLLM, SGLang or TGI /metrics body says
// about a server's queue (ReadServerLoad), the score the router uses as TargetState::external_load
// (LoadScore), and the LoadBoard through which the one scraper hands readings to every worker.
// Thread rule: ReadServerLoad/LoadScore are pure. A LoadBoard slot is written by one scraper coroutine
// and read by any worker thread at once, lock-free (atomics only).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/result.h"
#include "telemetry/prometheus_parse.h"

namespace sluice::server {

enum class LoadSource : uint8_t { kNone, kVllm, kSglang, kTgi };
const char* LoadSourceName(LoadSource source);  // "vllm", "sglang", "tgi", "none"

struct ServerLoad {
  double running = 0;  // requests in the running batch
  double waiting = 0;  // requests queued behind it
  std::optional<double> kv_cache_usage;  // 0..1 (1 = KV cache full); unknown for TGI
  LoadSource source = LoadSource::kNone;
};

// True for the metric names ReadServerLoad reads: the parser's keep filter, so a scrape stores a
// handful of samples instead of a server's hundreds of histogram buckets.
bool IsLoadMetricName(std::string_view name);

// The load a server's metrics describe. Engines are tried in order vLLM, SGLang (`sglang:` and the
// newer `sglang_` prefix), TGI; the first whose running or waiting gauge is present wins.
//  - vLLM: vllm:num_requests_running, vllm:num_requests_waiting, vllm:kv_cache_usage_perc (else the
//    legacy vllm:gpu_cache_usage_perc).
//  - SGLang: num_running_reqs, num_queue_reqs, token_usage.
//  - TGI: tgi_batch_current_size, tgi_queue_size (no KV figure).
// Samples are grouped per replica: labels that only name a shard of one model copy (tp_rank, pp_rank,
// moe_ep_rank, attn_tp_rank, cp_rank) repeat the same queue, so within a group the maximum counts;
// groups that differ otherwise (vLLM's `engine` for data-parallel engines, SGLang's dp_rank, several
// models) are separate queues and are summed. KV usage is the mean over the groups: data-parallel
// engines share the incoming work, so the server's room is their average.
// `model_name` non-empty keeps only samples whose model_name label equals it (samples without that
// label always count); an engine whose samples all name other models is an error, not "idle".
// Errors: no known gauge, a count that is negative or not finite.
core::Result<ServerLoad> ReadServerLoad(const telemetry::PromMetrics& metrics, std::string_view model_name = {});

// The external_load the least-busy strategy adds to a target's own in-flight count (same unit:
// requests), before dividing by the target's weight:
//     score = (running + waiting) / (1 - min(kv_cache_usage, 0.99))
// i.e. queue length per unit of KV cache still free. Why this shape:
//  - With the cache mostly free it is just the queue (x1 at 0%, x1.25 at 20%), so it adds to in_flight
//    in the same unit and equal servers compare by queue length.
//  - A server keeps admitting requests until its KV cache is full, then queues and preempts: 50% used
//    doubles the score, 90% is x10 and a full cache x100 (capped at 0.99), so a nearly full server is
//    chosen only when every other target is in the same state or far busier.
//  - A full cache with nothing running (prefix-cache blocks being reused) scores 0: nothing waits.
// Unknown KV usage (TGI) counts as 0. The result is finite, >= 0 and at most 1e9.
double LoadScore(const ServerLoad& load);

// One lock-free slot per provider index. A slot is fresh while its last scrape succeeded and is
// younger than its max age; otherwise readers get nullopt and must fall back to their own view
// (external_load 0: in-flight counts and the circuit breaker still apply).
class LoadBoard {
 public:
  using Clock = std::chrono::steady_clock;
  struct Reading {
    double score = 0;
    ServerLoad load;
    Clock::time_point updated_at{};
  };

  explicit LoadBoard(size_t slots);
  size_t size() const { return size_; }

  // Scraper side. Slots out of range are ignored.
  void SetMaxAge(size_t slot, std::chrono::nanoseconds max_age);
  void Publish(size_t slot, const ServerLoad& load, Clock::time_point now);
  void MarkFailed(size_t slot);

  // Worker side: the score when the slot is fresh at `now`.
  std::optional<double> Score(size_t slot, Clock::time_point now) const;
  std::optional<Reading> Read(size_t slot, Clock::time_point now) const;
  uint64_t scrapes_ok(size_t slot) const;
  uint64_t scrapes_failed(size_t slot) const;

 private:
  // Own cache line each: the scraper's stores to one slot do not disturb readers of another.
  struct alignas(64) Slot {
    std::atomic<double> score{0}, running{0}, waiting{0}, kv{-1};  // kv < 0: unknown
    std::atomic<uint8_t> source{0};
    std::atomic<bool> ok{false};
    std::atomic<int64_t> updated_ns{0};  // steady clock; published last (release)
    std::atomic<int64_t> max_age_ns{3'000'000'000};
    std::atomic<uint64_t> ok_count{0}, failed_count{0};
  };
  const Slot* Fresh(size_t slot, Clock::time_point now) const;

  size_t size_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace sluice::server
