// Gauges of what is open right now, kept once per process: see LiveGauges below.
// Thread rule: LiveGaugeShard i is written only by worker i (relaxed atomics, single writer); the sums are
// safe from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace sluice::telemetry {

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

}  // namespace sluice::telemetry
