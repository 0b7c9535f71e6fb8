// Retry policy: classification, Retry-After parsing, full-jitter backoff, retry budget under an
// outage, and the attempt planner (fallback order, wrap-around with backoff, Retry-After,
// deadline).
#include "router/retry_policy.h"

#include <gtest/gtest.h>

namespace sluice::router {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryClassify, StatusesAndErrors) {
  EXPECT_EQ(ClassifyStatus(429), FailureKind::kRateLimited);
  EXPECT_EQ(ClassifyStatus(529), FailureKind::kOverloaded);
  EXPECT_EQ(ClassifyStatus(503), FailureKind::kOverloaded);
  EXPECT_EQ(ClassifyStatus(500), FailureKind::kServerError);
  EXPECT_EQ(ClassifyStatus(408), FailureKind::kTimeout);
  EXPECT_EQ(ClassifyStatus(400), FailureKind::kClientError);
  EXPECT_EQ(ClassifyStatus(401), FailureKind::kClientError);
  EXPECT_TRUE(IsRetryable(ClassifyStatus(529)));
  EXPECT_FALSE(IsRetryable(ClassifyStatus(404)));

  core::Error e;
  e.code = core::ErrorCode::kUpstreamConnectFailed;
  EXPECT_EQ(ClassifyError(e, false), FailureKind::kConnect);
  EXPECT_EQ(ClassifyError(e, true), FailureKind::kAfterFirstByte);
  EXPECT_FALSE(IsRetryable(ClassifyError(e, true)));
  e.code = core::ErrorCode::kUpstreamError;
  e.http_status = 529;
  EXPECT_EQ(ClassifyError(e, false), FailureKind::kOverloaded);
  e.http_status = 422;
  EXPECT_FALSE(IsRetryable(ClassifyError(e, false)));
  e.code = core::ErrorCode::kUpstreamTimeout;
  EXPECT_EQ(ClassifyError(e, false), FailureKind::kTimeout);
  e.code = core::ErrorCode::kRequestTimeout;
  EXPECT_EQ(ClassifyError(e, true), FailureKind::kCancelled);

  EXPECT_FALSE(CountsAgainstTarget(FailureKind::kRateLimited));
  EXPECT_FALSE(CountsAgainstTarget(FailureKind::kClientError));
  EXPECT_TRUE(CountsAgainstTarget(FailureKind::kConnect));
}

TEST(RetryAfter, SecondsDateAndMs) {
  // 2026-11-26 09:00:00 UTC
  const auto wall = std::chrono::system_clock::time_point(seconds(1795683600));
  EXPECT_EQ(ParseRetryAfter(" 7 ", wall), seconds(7));
  EXPECT_EQ(ParseRetryAfter("Thu, 26 Nov 2026 09:00:30 GMT", wall), seconds(30));
  EXPECT_EQ(ParseRetryAfter("Thu, 26 Nov 2026 08:00:00 GMT", wall), seconds(0));
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", wall), seconds(0));
  EXPECT_FALSE(ParseRetryAfter("", wall));
  EXPECT_FALSE(ParseRetryAfter("-3", wall));
  EXPECT_FALSE(ParseRetryAfter("soon", wall));
  EXPECT_FALSE(ParseRetryAfter("Thu, 26 Foo 2026 09:00:30 GMT", wall));
  EXPECT_EQ(ParseRetryAfterMs("1500"), milliseconds(1500));
  EXPECT_EQ(ParseRetryAfterMs("20.5"), std::chrono::microseconds(20500));
  EXPECT_FALSE(ParseRetryAfterMs("x"));
}

TEST(Backoff, FullJitterWithinGrowingCappedCeiling) {
  RetryPolicy p;
  p.base_backoff = milliseconds(100);
  p.max_backoff = milliseconds(1000);
  Rng rng(7);
  for (uint32_t n = 0; n < 8; ++n) {
    const Nanos ceiling = std::min<Nanos>(milliseconds(100) * (1 << n), milliseconds(1000));
    Nanos max_seen{0}, min_seen = ceiling;
    for (int i = 0; i < 2000; ++i) {
      const Nanos d = Backoff(p, n, rng);
      ASSERT_GE(d.count(), 0);
      ASSERT_LT(d, ceiling);
      max_seen = std::max(max_seen, d);
      min_seen = std::min(min_seen, d);
    }
    EXPECT_GT(max_seen, ceiling * 9 / 10) << n;  // full jitter spans the whole range
    EXPECT_LT(min_seen, ceiling / 10) << n;
  }
}

TEST(RetryBudget, HoldsRetriesToRatioDuringOutage) {
  RetryBudgetPolicy bp;
  bp.ratio = 0.2;
  bp.min_per_second = 1.0;
  bp.window = seconds(10);
  RetryBudget budget(bp);
  TimePoint t{};
  // 60 s of total outage at 100 requests/s, each request wanting 2 retries.
  uint64_t requests = 0, retries = 0;
  for (int ms = 0; ms < 60'000; ms += 10) {
    t = TimePoint{} + milliseconds(ms);
    budget.OnRequest(t);
    ++requests;
    for (int r = 0; r < 2; ++r) retries += budget.TryWithdraw(t);
  }
  const double ratio = static_cast<double>(retries) / static_cast<double>(requests);
  EXPECT_LE(ratio, 0.2 + 0.01 + 0.005);  // ratio + floor (1/s at 100 req/s): not the 200% asked for
  EXPECT_GE(ratio, 0.15);                // and the budget is actually usable
}

TEST(RetryBudget, FloorLetsLowTrafficRetry) {
  RetryBudget budget({0.2, 1.0, seconds(10)});
  TimePoint t{};
  budget.OnRequest(t);
  int allowed = 0;
  for (int i = 0; i < 50; ++i) allowed += budget.TryWithdraw(t);
  EXPECT_EQ(allowed, 10);  // 0.2 × 1 + 1/s × 10 s = 10.2
  t += seconds(11);        // the window slid: the budget refills
  EXPECT_TRUE(budget.TryWithdraw(t));
}

TEST(AttemptPlanner, FallsBackThenWrapsWithBackoff) {
  RetryPolicy p;
  p.max_attempts = 5;
  p.base_backoff = milliseconds(100);
  p.max_backoff = seconds(2);
  RetryBudget budget;
  Rng rng(1);
  TimePoint t{};
  AttemptPlanner planner(p, 3, t);
  auto s = planner.First(t);
  ASSERT_TRUE(s.attempt);
  EXPECT_EQ(s.candidate, 0u);
  s = planner.AfterFailure(FailureKind::kConnect, std::nullopt, t, budget, rng);
  ASSERT_TRUE(s.attempt);
  EXPECT_EQ(s.candidate, 1u);
  EXPECT_EQ(s.not_before, t);  // fallback to an untried target: no wait
  s = planner.AfterFailure(FailureKind::kServerError, std::nullopt, t, budget, rng);
  EXPECT_EQ(s.candidate, 2u);
  s = planner.AfterFailure(FailureKind::kOverloaded, std::nullopt, t, budget, rng);
  ASSERT_TRUE(s.attempt);
  EXPECT_EQ(s.candidate, 0u);  // round again, with backoff
  EXPECT_LT(s.not_before - t, milliseconds(100));
  s = planner.AfterFailure(FailureKind::kTimeout, std::nullopt, t, budget, rng);
  EXPECT_EQ(s.candidate, 1u);
  s = planner.AfterFailure(FailureKind::kTimeout, std::nullopt, t, budget, rng);
  EXPECT_FALSE(s.attempt);
  EXPECT_EQ(s.reason, GiveUpReason::kAttemptsExhausted);
  EXPECT_EQ(planner.attempts(), 5u);
}

TEST(AttemptPlanner, NonRetryableStops) {
  RetryPolicy p;
  RetryBudget budget;
  Rng rng(1);
  AttemptPlanner planner(p, 3, TimePoint{});
  planner.First(TimePoint{});
  auto s = planner.AfterFailure(FailureKind::kClientError, std::nullopt, TimePoint{}, budget, rng);
  EXPECT_FALSE(s.attempt);
  EXPECT_EQ(s.reason, GiveUpReason::kNotRetryable);
  AttemptPlanner p2(p, 3, TimePoint{});
  p2.First(TimePoint{});
  s = p2.AfterFailure(FailureKind::kAfterFirstByte, std::nullopt, TimePoint{}, budget, rng);
  EXPECT_EQ(s.reason, GiveUpReason::kNotRetryable);
}

TEST(AttemptPlanner, HonoursRetryAfterCappedAndDeadline) {
  RetryPolicy p;
  p.max_attempts = 4;
  p.base_backoff = milliseconds(10);
  p.max_retry_after = seconds(30);
  p.overall_deadline = seconds(60);
  p.per_attempt_timeout = seconds(20);
  RetryBudget budget;
  Rng rng(3);
  TimePoint t{};
  AttemptPlanner planner(p, 1, t);
  auto s = planner.First(t);
  EXPECT_EQ(s.timeout, seconds(20));
  // The only target says: come back in 8 s. We wait at least that long (backoff is only 10 ms).
  s = planner.AfterFailure(FailureKind::kRateLimited, seconds(8), t, budget, rng);
  ASSERT_TRUE(s.attempt);
  EXPECT_EQ(s.not_before, t + seconds(8));
  // Then it asks for 45 s: longer than max_retry_after: give up rather than wait.
  t = s.not_before;
  s = planner.AfterFailure(FailureKind::kRateLimited, seconds(45), t, budget, rng);
  EXPECT_FALSE(s.attempt);
  EXPECT_EQ(s.reason, GiveUpReason::kThrottled);

  // Retry-After within the cap but past the overall deadline: give up at once.
  AttemptPlanner p2(p, 1, TimePoint{});
  p2.First(TimePoint{});
  s = p2.AfterFailure(FailureKind::kOverloaded, seconds(25), TimePoint{} + seconds(40), budget,
                      rng);
  EXPECT_FALSE(s.attempt);
  EXPECT_EQ(s.reason, GiveUpReason::kDeadline);
  // The per-attempt timeout never exceeds what is left of the deadline.
  AttemptPlanner p3(p, 2, TimePoint{});
  p3.First(TimePoint{});
  s = p3.AfterFailure(FailureKind::kTimeout, std::nullopt, TimePoint{} + seconds(50), budget, rng);
  ASSERT_TRUE(s.attempt);
  EXPECT_EQ(s.timeout, seconds(10));
}

TEST(AttemptPlanner, RetryAfterOnOneTargetDoesNotDelayFallback) {
  RetryPolicy p;
  RetryBudget budget;
  Rng rng(3);
  AttemptPlanner planner(p, 2, TimePoint{});
  planner.First(TimePoint{});
  auto s = planner.AfterFailure(FailureKind::kRateLimited, seconds(20), TimePoint{}, budget, rng);
  ASSERT_TRUE(s.attempt);
  EXPECT_EQ(s.candidate, 1u);
  EXPECT_EQ(s.not_before, TimePoint{});
}

TEST(AttemptPlanner, BudgetExhaustedStopsRetries) {
  RetryPolicy p;
  RetryBudget budget({0.0, 0.0, seconds(10)});  // no retries at all
  Rng rng(3);
  AttemptPlanner planner(p, 2, TimePoint{});
  planner.First(TimePoint{});
  auto s = planner.AfterFailure(FailureKind::kConnect, std::nullopt, TimePoint{}, budget, rng);
  EXPECT_FALSE(s.attempt);
  EXPECT_EQ(s.reason, GiveUpReason::kBudgetExhausted);
}

TEST(AttemptPlanner, SkipDoesNotCountAnAttempt) {
  RetryPolicy p;
  p.max_attempts = 2;
  AttemptPlanner planner(p, 3, TimePoint{});
  planner.First(TimePoint{});
  auto s = planner.Skip(TimePoint{});
  ASSERT_TRUE(s.attempt);
  EXPECT_EQ(s.candidate, 1u);
  EXPECT_EQ(planner.attempts(), 1u);
}

}  // namespace
}  // namespace sluice::router
