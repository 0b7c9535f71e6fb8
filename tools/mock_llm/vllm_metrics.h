// vLLM-style Prometheus metrics for the mock (reference §7): GET /metrics renders the gauges a load-aware
// router reads — vllm:num_requests_running (the mock's real in-flight chat calls plus an offset),
// vllm:num_requests_waiting, vllm:kv_cache_usage_perc and the legacy vllm:gpu_cache_usage_perc — plus
// the prompt/generation token counters. Tests make one instance look loaded with POST /mock/load.
// Thread rule: LoadState is atomics (any worker may read or set it); the rest is pure.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::mock_llm {

// Run-time load knobs set by POST /mock/load (cleared by POST /mock/reset).
struct LoadState {
  std::atomic<int64_t> waiting{0};
  std::atomic<int64_t> running_offset{0};
  std::atomic<double> kv_cache_usage{0.0};
  void Reset() {
    waiting.store(0);
    running_offset.store(0);
    kv_cache_usage.store(0.0);
  }
};

struct LoadUpdate {
  std::optional<int64_t> waiting;
  std::optional<int64_t> running_offset;
  std::optional<double> kv_cache_usage;
};

// {"waiting":N ≥ 0,"kv_cache_usage":0..1,"running_offset":N ≥ 0}, every key optional (absent keys keep
// their value); unknown keys and out-of-range values are errors (the message says which).
std::optional<LoadUpdate> ParseLoadUpdate(std::string_view body, std::string* error);
void ApplyLoadUpdate(const LoadUpdate& update, LoadState& state);
// {"waiting","kv_cache_usage","running_offset"} — the answer to POST /mock/load.
std::string LoadJson(const LoadState& state);

struct MetricsSnapshot {
  std::string model_name;
  int64_t running = 0;  // in-flight chat calls + running_offset (never negative)
  int64_t waiting = 0;
  double kv_cache_usage = 0;
  uint64_t prompt_tokens_total = 0;
  uint64_t generation_tokens_total = 0;
};

// Prometheus text exposition format 0.0.4 (# HELP / # TYPE lines, labels engine="0",model_name="…",
// values printed as Python floats: "3.0", "0.9").
std::string RenderVllmMetrics(const MetricsSnapshot& m);

}  // namespace sluice::mock_llm
