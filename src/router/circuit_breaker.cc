// Circuit breaker state machine (see circuit_breaker.h). Thread rule: one worker, no sharing.
#include "router/circuit_breaker.h"

#include <algorithm>

namespace sluice::router {
namespace {

int64_t EpochOf(const BreakerPolicy& p, TimePoint now) {
  const int64_t width = std::max<int64_t>(1, p.window.count() / CircuitBreaker::kBuckets);
  return now.time_since_epoch().count() / width;
}

}  // namespace

Nanos CircuitBreaker::CooldownForLevel(const BreakerPolicy& p, uint32_t level) const {
  Nanos cooldown = p.base_cooldown;
  for (uint32_t i = 0; i < level && cooldown < p.max_cooldown; ++i)
    cooldown *= 2;  // no overflow: capped
  return std::min(cooldown, p.max_cooldown);
}

BreakerState CircuitBreaker::State(const BreakerPolicy&, TimePoint now) const {
  if (state_ == BreakerState::kOpen && now >= open_until_) return BreakerState::kHalfOpen;
  return state_;
}

bool CircuitBreaker::Available(const BreakerPolicy& p, TimePoint now) const {
  switch (State(p, now)) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      return false;
    case BreakerState::kHalfOpen:
      // A breaker that just became half-open has no probes yet (Promote resets the count).
      return state_ == BreakerState::kOpen || probes_in_flight_ < p.half_open_probes;
  }
  return false;
}

void CircuitBreaker::Promote(const BreakerPolicy&, TimePoint now) {
  if (state_ == BreakerState::kOpen && now >= open_until_) {
    state_ = BreakerState::kHalfOpen;
    probes_in_flight_ = 0;
    probe_successes_ = 0;
  }
}

bool CircuitBreaker::TryAcquire(const BreakerPolicy& p, TimePoint now) {
  Promote(p, now);
  switch (state_) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      return false;
    case BreakerState::kHalfOpen:
      if (probes_in_flight_ >= p.half_open_probes) return false;
      ++probes_in_flight_;
      return true;
  }
  return false;
}

void CircuitBreaker::OnSuccess(const BreakerPolicy& p, TimePoint now) {
  Promote(p, now);
  switch (state_) {
    case BreakerState::kClosed:
      consecutive_failures_ = 0;
      Record(p, now, false);
      return;
    case BreakerState::kOpen:
      return;  // an attempt started before the ejection: no verdict on the probe
    case BreakerState::kHalfOpen:
      if (probes_in_flight_ == 0) return;  // late answer from before the ejection, not a probe
      --probes_in_flight_;
      if (++probe_successes_ >= std::max<uint32_t>(1, p.successes_to_close)) Close(now);
      return;
  }
}

void CircuitBreaker::OnFailure(const BreakerPolicy& p, TimePoint now) {
  Promote(p, now);
  switch (state_) {
    case BreakerState::kClosed:
      ++consecutive_failures_;
      Record(p, now, true);
      if ((p.consecutive_failures > 0 && consecutive_failures_ >= p.consecutive_failures) ||
          RateTripped(p, now)) {
        Open(p, now);
      }
      return;
    case BreakerState::kOpen:
      return;  // already ejected; a late failure must not extend the cooldown
    case BreakerState::kHalfOpen:
      if (probes_in_flight_ == 0) return;
      Open(p, now);  // failed probe: back to open with the next (longer) cooldown
      return;
  }
}

void CircuitBreaker::OnCancel(const BreakerPolicy& p, TimePoint now) {
  Promote(p, now);
  if (state_ == BreakerState::kHalfOpen && probes_in_flight_ > 0) --probes_in_flight_;
}

void CircuitBreaker::Open(const BreakerPolicy& p, TimePoint now) {
  if (state_ == BreakerState::kClosed && p.level_decay.count() > 0 && level_ > 0) {
    const auto decayed = static_cast<uint64_t>((now - closed_since_) / p.level_decay);
    level_ = decayed >= level_ ? 0 : level_ - static_cast<uint32_t>(decayed);
  }
  open_until_ = now + CooldownForLevel(p, level_);
  ++level_;
  ++ejections_;
  state_ = BreakerState::kOpen;
  consecutive_failures_ = 0;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  buckets_ = {};
}

void CircuitBreaker::Close(TimePoint now) {
  state_ = BreakerState::kClosed;
  closed_since_ = now;
  consecutive_failures_ = 0;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  buckets_ = {};
}

void CircuitBreaker::Record(const BreakerPolicy& p, TimePoint now, bool failure) {
  const int64_t epoch = EpochOf(p, now);
  Bucket& b = buckets_[static_cast<size_t>(epoch) % kBuckets];
  if (b.epoch != epoch) b = Bucket{epoch, 0, 0};
  ++b.attempts;
  if (failure) ++b.failures;
}

bool CircuitBreaker::RateTripped(const BreakerPolicy& p, TimePoint now) const {
  if (p.failure_rate <= 0) return false;
  const int64_t epoch = EpochOf(p, now);
  uint64_t attempts = 0, failures = 0;
  for (const Bucket& b : buckets_) {
    if (b.epoch > epoch - static_cast<int64_t>(kBuckets) && b.epoch <= epoch) {
      attempts += b.attempts;
      failures += b.failures;
    }
  }
  return attempts >= std::max<uint32_t>(1, p.min_requests) &&
         static_cast<double>(failures) >= p.failure_rate * static_cast<double>(attempts);
}

}  // namespace sluice::router
