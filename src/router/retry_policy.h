// Retry and fallback policy: which failures may be retried, backoff with full jitter, Retry-After
// (honoured, capped), a per-attempt timeout inside an overall deadline, and a retry budget so
// retries cannot multiply load during an outage. AttemptPlanner walks one request through its
// candidate list. Pure: time and randomness are passed in. Thread rule: RetryPolicy is immutable
// config; RetryBudget is per worker; AttemptPlanner is per request.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "router/circuit_breaker.h"
#include "router/rng.h"

namespace sluice::router {

enum class FailureKind : uint8_t {
  kConnect,      // refused, unreachable, DNS, TLS: the request never reached the model
  kTimeout,      // connect / first-byte deadline (or upstream 408)
  kRateLimited,  // 429
  kOverloaded,   // 503, Anthropic 529
  kServerError,  // other 5xx, broken upstream protocol
  kStreamErrorBeforeFirstByte,  // an error event arrived before anything reached the client
  kClientError,  // 4xx other than 408/429: the request itself is wrong; another target won't help
  kAfterFirstByte,  // the client already has bytes: cannot fall back
  kCancelled,       // client went away or the request deadline ended it
  kNotRetryable,    // gateway-local failures (internal error, shutting down)
};

FailureKind ClassifyStatus(int http_status);
// `sent_to_client`: whether any byte of the response reached the client (then nothing is
// retryable).
FailureKind ClassifyError(const core::Error& error, bool sent_to_client);
bool IsRetryable(FailureKind kind);
// Whether the failure is evidence against the target's health (feeds the circuit breaker). A 429 is
// quota, not sickness: it throttles the target for Retry-After instead.
bool CountsAgainstTarget(FailureKind kind);

// Retry-After: delta-seconds or an HTTP-date (IMF-fixdate, RFC 9110), relative to `wall_now`.
// std::nullopt when absent or unparsable. Past dates give zero.
std::optional<Nanos> ParseRetryAfter(std::string_view value,
                                     std::chrono::system_clock::time_point wall_now);
// OpenAI / Azure `retry-after-ms` (a decimal number of milliseconds).
std::optional<Nanos> ParseRetryAfterMs(std::string_view value);

struct RetryPolicy {
  uint32_t max_attempts = 3;  // first attempt included, across all targets
  Nanos base_backoff =
      std::chrono::milliseconds(100);  // full jitter: uniform [0, min(max, base × 2^n)]
  Nanos max_backoff = std::chrono::seconds(5);
  Nanos max_retry_after =
      std::chrono::seconds(2);  // longer Retry-After: don't wait, use another target
  Nanos per_attempt_timeout{0};  // 0: only the overall deadline
  Nanos overall_deadline = std::chrono::seconds(600);  // from the start of the request
};

// Full-jitter exponential backoff for the n-th repeat (n = 0 for the first retry of a target).
Nanos Backoff(const RetryPolicy& policy, uint32_t n, Rng& rng);

// Retries allowed ≤ ratio × requests over a sliding window, plus a floor so low-traffic routes can
// still retry. Each retry or fallback attempt withdraws one. Per worker: the floor is per worker
// too.
struct RetryBudgetPolicy {
  double ratio = 0.2;
  double min_per_second = 1.0;
  Nanos window = std::chrono::seconds(10);
};

class RetryBudget {
 public:
  static constexpr size_t kBuckets = 10;
  explicit RetryBudget(RetryBudgetPolicy policy = {}) : policy_(policy) {}
  void OnRequest(TimePoint now);
  bool TryWithdraw(TimePoint now);  // true: the retry may go; it is counted
  double Available(TimePoint now) const;

 private:
  struct Bucket {
    int64_t epoch = -1;
    uint32_t requests = 0;
    uint32_t retries = 0;
  };
  Bucket& Current(TimePoint now);
  RetryBudgetPolicy policy_;
  std::array<Bucket, kBuckets> buckets_{};
};

enum class GiveUpReason : uint8_t {
  kNone,
  kNotRetryable,
  kAttemptsExhausted,
  kNoCandidates,
  kDeadline,
  kBudgetExhausted,
  kThrottled
};
std::string_view GiveUpReasonName(GiveUpReason reason);

// Walks one request through its ordered candidates (strategies.h). A failure moves to the next
// untried candidate at once (fallback); once every candidate was tried it starts over with backoff.
// A Retry-After on a target delays only that target.
class AttemptPlanner {
 public:
  static constexpr size_t kMaxCandidates = 32;
  struct Step {
    bool attempt = false;    // false: give up with `reason`
    size_t candidate = 0;    // position in the candidate list
    TimePoint not_before{};  // wait until then (backoff / Retry-After)
    Nanos timeout{0};        // this attempt's deadline budget
    GiveUpReason reason = GiveUpReason::kNone;
  };

  AttemptPlanner(const RetryPolicy& policy, size_t candidates, TimePoint start);

  Step First(TimePoint now);
  Step AfterFailure(FailureKind kind, std::optional<Nanos> retry_after, TimePoint now,
                    RetryBudget& budget, Rng& rng);
  // The candidate could not be used at dispatch (breaker probe slot taken): move on without
  // counting an attempt or spending budget.
  Step Skip(TimePoint now);
  uint32_t attempts() const { return attempts_; }
  TimePoint deadline() const { return deadline_; }

 private:
  Step Next(TimePoint now, Rng* rng, bool repeat_allowed);
  Step GiveUp(GiveUpReason reason) const;
  Step AttemptAt(size_t pos, TimePoint at) const;

  const RetryPolicy& policy_;
  size_t count_;
  size_t pos_ = 0;
  uint32_t attempts_ = 0;
  uint32_t repeats_ = 0;  // attempts on already-tried candidates (drives the backoff exponent)
  TimePoint deadline_;
  std::array<bool, kMaxCandidates> tried_{};
  std::array<TimePoint, kMaxCandidates> throttled_until_{};
};

}  // namespace sluice::router
