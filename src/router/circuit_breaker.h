// Circuit breaker / outlier ejection for one upstream target. closed → open (after N consecutive
// failures, or a failure rate over a sliding window) → half-open after a cooldown that grows
// exponentially with each ejection (up to a cap) → closed after enough successful probes; a failed
// probe re-opens it for longer. Time is passed in (no clock inside), so tests drive it
// deterministically. Thread rule: owned by one worker (inside TargetState); not thread-safe, needs
// no atomics.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace sluice::router {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Nanos = std::chrono::nanoseconds;

struct BreakerPolicy {
  uint32_t consecutive_failures = 5;  // open after this many failures in a row (0: off)
  double failure_rate = 0.5;   // open when failures/attempts over the window reach this (0: off)
  uint32_t min_requests = 20;  // ...but only with at least this many attempts in the window
  Nanos window = std::chrono::seconds(10);
  Nanos base_cooldown = std::chrono::seconds(5);   // first ejection
  Nanos max_cooldown = std::chrono::seconds(300);  // cooldown = base × 2^(level), capped here
  uint32_t half_open_probes = 1;    // concurrent probe attempts allowed while half-open
  uint32_t successes_to_close = 1;  // successful probes needed to close
  // Each full `level_decay` spent closed forgets one ejection level, so a target that flapped once
  // long ago starts over at base_cooldown while a flapping one keeps a long cooldown.
  Nanos level_decay = std::chrono::seconds(60);
};

enum class BreakerState : uint8_t { kClosed, kOpen, kHalfOpen };

class CircuitBreaker {
 public:
  static constexpr size_t kBuckets = 10;  // window resolution: window / kBuckets

  // State as of `now` (open turns into half-open once the cooldown has elapsed).
  BreakerState State(const BreakerPolicy& p, TimePoint now) const;
  // True when an attempt may be sent now: closed, or half-open with a free probe slot. Does not
  // claim.
  bool Available(const BreakerPolicy& p, TimePoint now) const;
  // Claims the right to send one attempt; in half-open this takes a probe slot. Must be followed by
  // exactly one OnSuccess/OnFailure/OnCancel for that attempt.
  bool TryAcquire(const BreakerPolicy& p, TimePoint now);
  void OnSuccess(const BreakerPolicy& p, TimePoint now);
  void OnFailure(const BreakerPolicy& p, TimePoint now);
  // The attempt ended without a verdict on the target (client went away, deadline of the whole
  // request).
  void OnCancel(const BreakerPolicy& p, TimePoint now);

  TimePoint open_until() const { return open_until_; }
  uint32_t level() const { return level_; }          // ejections so far (after decay)
  uint64_t ejections() const { return ejections_; }  // total, for metrics
  Nanos CooldownForLevel(const BreakerPolicy& p, uint32_t level) const;

 private:
  struct Bucket {
    int64_t epoch = -1;  // which window slice this bucket currently counts
    uint32_t attempts = 0;
    uint32_t failures = 0;
  };
  void Record(const BreakerPolicy& p, TimePoint now, bool failure);
  bool RateTripped(const BreakerPolicy& p, TimePoint now) const;
  void Open(const BreakerPolicy& p, TimePoint now);
  void Close(TimePoint now);
  void Promote(const BreakerPolicy& p,
               TimePoint now);  // open → half-open once the cooldown is over

  BreakerState state_ = BreakerState::kClosed;
  uint32_t consecutive_failures_ = 0;
  uint32_t probes_in_flight_ = 0;
  uint32_t probe_successes_ = 0;
  uint32_t level_ = 0;
  uint64_t ejections_ = 0;
  TimePoint open_until_{};
  TimePoint closed_since_{};
  std::array<Bucket, kBuckets> buckets_{};
};

}  // namespace sluice::router
