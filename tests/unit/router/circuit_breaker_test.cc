// Circuit breaker: opens on consecutive failures or failure rate, half-opens after a growing
// cooldown, recovers on a successful probe. Injected time only.
#include "router/circuit_breaker.h"

#include <gtest/gtest.h>

namespace sluice::router {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

BreakerPolicy Policy() {
  BreakerPolicy p;
  p.consecutive_failures = 3;
  p.failure_rate = 0;  // only consecutive failures unless a test turns the rate on
  p.base_cooldown = seconds(5);
  p.max_cooldown = seconds(40);
  p.level_decay = seconds(600);
  return p;
}

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresOnly) {
  const BreakerPolicy p = Policy();
  CircuitBreaker b;
  TimePoint t{};
  b.OnFailure(p, t);
  b.OnFailure(p, t);
  b.OnSuccess(p, t);  // resets the streak
  b.OnFailure(p, t);
  b.OnFailure(p, t);
  EXPECT_EQ(b.State(p, t), BreakerState::kClosed);
  b.OnFailure(p, t);
  EXPECT_EQ(b.State(p, t), BreakerState::kOpen);
  EXPECT_FALSE(b.Available(p, t));
  EXPECT_FALSE(b.TryAcquire(p, t));
  EXPECT_EQ(b.open_until(), t + seconds(5));
  EXPECT_EQ(b.ejections(), 1u);
}

TEST(CircuitBreaker, HalfOpenAllowsOneProbeThenClosesOnSuccess) {
  const BreakerPolicy p = Policy();
  CircuitBreaker b;
  TimePoint t{};
  for (int i = 0; i < 3; ++i) b.OnFailure(p, t);
  EXPECT_FALSE(b.Available(p, t + milliseconds(4999)));
  t += seconds(5);
  EXPECT_EQ(b.State(p, t), BreakerState::kHalfOpen);
  EXPECT_TRUE(b.Available(p, t));
  EXPECT_TRUE(b.TryAcquire(p, t));
  EXPECT_FALSE(b.Available(p, t));  // the single probe slot is taken
  EXPECT_FALSE(b.TryAcquire(p, t));
  b.OnSuccess(p, t + milliseconds(100));
  EXPECT_EQ(b.State(p, t), BreakerState::kClosed);
  EXPECT_TRUE(b.TryAcquire(p, t));
}

TEST(CircuitBreaker, CooldownGrowsExponentiallyToCapAndDecays) {
  const BreakerPolicy p = Policy();
  CircuitBreaker b;
  TimePoint t{};
  for (int i = 0; i < 3; ++i) b.OnFailure(p, t);
  const seconds expected[] = {seconds(10), seconds(20), seconds(40), seconds(40)};
  for (seconds cooldown : expected) {
    t = b.open_until();
    ASSERT_TRUE(b.TryAcquire(p, t));  // probe
    b.OnFailure(p, t);                // probe fails: open again, longer
    EXPECT_EQ(b.State(p, t), BreakerState::kOpen);
    EXPECT_EQ(b.open_until() - t, cooldown);
  }
  // Recover, stay healthy for a long time: the level decays and the next ejection is short again.
  t = b.open_until();
  ASSERT_TRUE(b.TryAcquire(p, t));
  b.OnSuccess(p, t);
  ASSERT_EQ(b.State(p, t), BreakerState::kClosed);
  EXPECT_EQ(b.level(), 5u);
  t += seconds(600) * 5;
  for (int i = 0; i < 3; ++i) b.OnFailure(p, t);
  EXPECT_EQ(b.open_until() - t, seconds(5));
  // A target that flaps right after recovering keeps its long cooldown.
  t = b.open_until();
  ASSERT_TRUE(b.TryAcquire(p, t));
  b.OnSuccess(p, t);
  for (int i = 0; i < 3; ++i) b.OnFailure(p, t + seconds(1));
  EXPECT_EQ(b.open_until() - (t + seconds(1)), seconds(10));
}

TEST(CircuitBreaker, LateAnswersDoNotCountAsProbes) {
  const BreakerPolicy p = Policy();
  CircuitBreaker b;
  TimePoint t{};
  for (int i = 0; i < 3; ++i) b.OnFailure(p, t);
  b.OnFailure(p, t + seconds(1));  // in flight before the ejection: must not extend the cooldown
  EXPECT_EQ(b.open_until(), t + seconds(5));
  t += seconds(6);
  b.OnSuccess(p, t);  // late success with no probe in flight: still half-open
  EXPECT_EQ(b.State(p, t), BreakerState::kHalfOpen);
  ASSERT_TRUE(b.TryAcquire(p, t));
  b.OnCancel(p, t);  // probe cancelled: slot freed, no verdict
  EXPECT_TRUE(b.Available(p, t));
}

TEST(CircuitBreaker, OpensOnFailureRateOverWindow) {
  BreakerPolicy p = Policy();
  p.consecutive_failures = 0;
  p.failure_rate = 0.5;
  p.min_requests = 10;
  p.window = seconds(10);
  CircuitBreaker b;
  TimePoint t{};
  // Alternating: never 2 failures in a row, but a 50% rate.
  for (int i = 0; i < 9; ++i) {
    (i % 2 ? b.OnFailure(p, t) : b.OnSuccess(p, t));
    t += milliseconds(100);
  }
  EXPECT_EQ(b.State(p, t), BreakerState::kClosed);  // 4/9, below min_requests anyway
  b.OnFailure(p, t);                                // 5/10
  EXPECT_EQ(b.State(p, t), BreakerState::kOpen);
}

TEST(CircuitBreaker, OldFailuresLeaveTheWindow) {
  BreakerPolicy p = Policy();
  p.consecutive_failures = 0;
  p.failure_rate = 0.5;
  p.min_requests = 4;
  CircuitBreaker b;
  TimePoint t{};
  b.OnFailure(p, t);
  b.OnFailure(p, t);
  b.OnSuccess(p, t);
  t += seconds(11);  // the two failures are out of the 10 s window
  b.OnSuccess(p, t);
  b.OnSuccess(p, t);
  b.OnSuccess(p, t);
  b.OnFailure(p, t);  // 1/4 now
  EXPECT_EQ(b.State(p, t), BreakerState::kClosed);
}

}  // namespace
}  // namespace sluice::router
