// Fixed-bucket histogram for per-worker metric shards. Observations are integer nanoseconds, so the
// hot path does no floating point: one lower_bound over ≤ 20 bounds and two relaxed stores.
// BucketLayout holds the upper bounds (immutable, shared); Histogram holds one series' counters.
// The documented layouts (docs/metrics.md) are kDurationLayout, kTtftLayout and kOverheadLayout.
// Thread rule: Observe() has exactly one writer thread (the shard's worker); AddTo() may run
// concurrently on any thread (relaxed atomic reads: each value is exact, the set is a near-instant
// snapshot).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace sluice::telemetry {

// Single-writer increment: a plain load + store is cheaper than a locked read-modify-write, and is
// correct because only the owning worker writes the shard. Readers see whole values (no tearing).
inline void Bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

class BucketLayout {
 public:
  // `upper_bounds_ns` must be strictly increasing; +Inf is implicit and always last.
  explicit BucketLayout(std::vector<uint64_t> upper_bounds_ns);
  size_t finite_buckets() const { return bounds_.size(); }
  std::span<const uint64_t> bounds() const { return bounds_; }
  // Bucket of an observation: the first i with ns <= bound(i), or finite_buckets() for +Inf.
  size_t IndexOf(uint64_t ns) const;

 private:
  std::vector<uint64_t> bounds_;
};

// 5 ms … 300 s: whole requests and upstream exchanges (non-streaming answers to multi-minute
// streams).
const BucketLayout& DurationLayout();
// 5 ms … 60 s: time to first token, denser between 100 ms and 3 s where TTFT usually sits.
const BucketLayout& TtftLayout();
// 10 µs … 100 ms: the gateway's own overhead, where a regression of tens of microseconds must show.
const BucketLayout& OverheadLayout();

// Accumulated values of one or more Histogram series (non-cumulative bucket counts).
struct HistogramSnapshot {
  std::vector<uint64_t> buckets;  // finite_buckets() + 1 entries, the last is +Inf
  uint64_t sum_ns = 0;
  uint64_t Count() const;  // sum of buckets: always equals the +Inf cumulative bucket
  void Add(const HistogramSnapshot& other);  // same layout (or this one still empty)
};

class Histogram {
 public:
  Histogram() = default;
  explicit Histogram(const BucketLayout& layout) { Init(layout); }
  void Init(const BucketLayout& layout);

  void Observe(uint64_t ns) {
    Bump(counts_[layout_->IndexOf(ns)]);
    Bump(sum_ns_, ns);
  }
  // Adds this series' current values into `out` (sized on first use).
  void AddTo(HistogramSnapshot& out) const;
  bool Empty() const;  // no observation yet
  const BucketLayout& layout() const { return *layout_; }

 private:
  const BucketLayout* layout_ = nullptr;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> sum_ns_{0};
};

}  // namespace sluice::telemetry
