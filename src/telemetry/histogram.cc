// Histogram and bucket layouts (see histogram.h). Thread rule: as in histogram.h.
#include "telemetry/histogram.h"

#include <algorithm>
#include <cassert>

namespace sluice::telemetry {
namespace {

constexpr uint64_t kUs = 1'000;
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kS = 1'000'000'000;

}  // namespace

BucketLayout::BucketLayout(std::vector<uint64_t> upper_bounds_ns)
    : bounds_(std::move(upper_bounds_ns)) {
  assert(std::adjacent_find(bounds_.begin(), bounds_.end(), std::greater_equal<>()) ==
         bounds_.end());
}

size_t BucketLayout::IndexOf(uint64_t ns) const {
  return static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), ns) -
                             bounds_.begin());
}

const BucketLayout& DurationLayout() {
  static const BucketLayout layout({5 * kMs, 10 * kMs, 25 * kMs, 50 * kMs, 100 * kMs, 250 * kMs,
                                    500 * kMs, 1 * kS, 2500 * kMs, 5 * kS, 10 * kS, 20 * kS,
                                    30 * kS, 60 * kS, 120 * kS, 300 * kS});
  return layout;
}

const BucketLayout& TtftLayout() {
  static const BucketLayout layout({5 * kMs, 10 * kMs, 25 * kMs, 50 * kMs, 100 * kMs, 200 * kMs,
                                    300 * kMs, 500 * kMs, 750 * kMs, 1 * kS, 1500 * kMs, 2 * kS,
                                    3 * kS, 5 * kS, 10 * kS, 20 * kS, 30 * kS, 60 * kS});
  return layout;
}

const BucketLayout& OverheadLayout() {
  static const BucketLayout layout({10 * kUs, 25 * kUs, 50 * kUs, 100 * kUs, 250 * kUs, 500 * kUs,
                                    1 * kMs, 2500 * kUs, 5 * kMs, 10 * kMs, 25 * kMs, 50 * kMs,
                                    100 * kMs});
  return layout;
}

uint64_t HistogramSnapshot::Count() const {
  uint64_t n = 0;
  for (uint64_t b : buckets) n += b;
  return n;
}

void HistogramSnapshot::Add(const HistogramSnapshot& other) {
  if (other.buckets.empty()) return;
  if (buckets.empty()) buckets.assign(other.buckets.size(), 0);
  if (buckets.size() != other.buckets.size()) return;  // another layout: not the same family
  for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
  sum_ns += other.sum_ns;
}

void Histogram::Init(const BucketLayout& layout) {
  layout_ = &layout;
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(layout.finite_buckets() + 1);
  for (size_t i = 0; i <= layout.finite_buckets(); ++i)
    counts_[i].store(0, std::memory_order_relaxed);
  sum_ns_.store(0, std::memory_order_relaxed);
}

void Histogram::AddTo(HistogramSnapshot& out) const {
  const size_t n = layout_->finite_buckets() + 1;
  if (out.buckets.size() != n) out.buckets.assign(n, 0);
  for (size_t i = 0; i < n; ++i) out.buckets[i] += counts_[i].load(std::memory_order_relaxed);
  out.sum_ns += sum_ns_.load(std::memory_order_relaxed);
}

bool Histogram::Empty() const {
  for (size_t i = 0; i <= layout_->finite_buckets(); ++i) {
    if (counts_[i].load(std::memory_order_relaxed) != 0) return false;
  }
  return true;
}

}  // namespace sluice::telemetry
