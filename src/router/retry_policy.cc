// Retry classification, Retry-After parsing, backoff, retry budget and the per-request attempt
// planner. Thread rule: see retry_policy.h.
#include "router/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace sluice::router {
namespace {

using core::ErrorCode;

int64_t EpochOf(Nanos window, size_t buckets, TimePoint now) {
  const int64_t width = std::max<int64_t>(1, window.count() / static_cast<int64_t>(buckets));
  return now.time_since_epoch().count() / width;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ParseUint(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && out >= 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" → seconds since the epoch.
std::optional<int64_t> ParseImfFixdate(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  int64_t day, year, hh, mm, ss;
  if (!ParseUint(s.substr(5, 2), day) || !ParseUint(s.substr(12, 4), year) ||
      !ParseUint(s.substr(17, 2), hh) || !ParseUint(s.substr(20, 2), mm) ||
      !ParseUint(s.substr(23, 2), ss)) {
    return std::nullopt;
  }
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  return DaysFromCivil(year, month, static_cast<unsigned>(day)) * 86400 + hh * 3600 + mm * 60 + ss;
}

}  // namespace

FailureKind ClassifyStatus(int status) {
  if (status == 429) return FailureKind::kRateLimited;
  if (status == 408) return FailureKind::kTimeout;
  if (status == 503 || status == 529) return FailureKind::kOverloaded;
  if (status >= 500) return FailureKind::kServerError;
  return FailureKind::kClientError;
}

FailureKind ClassifyError(const core::Error& error, bool sent_to_client) {
  if (error.code == ErrorCode::kRequestTimeout || error.code == ErrorCode::kStreamTotalTimeout ||
      error.code == ErrorCode::kShuttingDown) {
    return FailureKind::kCancelled;  // the request's own limits, not the target's health
  }
  if (sent_to_client) return FailureKind::kAfterFirstByte;
  switch (error.code) {
    case ErrorCode::kUpstreamConnectFailed:
    case ErrorCode::kUpstreamDnsFailed:
    case ErrorCode::kUpstreamTlsFailed:
      return FailureKind::kConnect;
    case ErrorCode::kUpstreamTimeout:
    case ErrorCode::kStreamIdleTimeout:  // before the first byte reached the client: the target
                                         // stalled
      return FailureKind::kTimeout;
    case ErrorCode::kUpstreamProtocolError:
      return FailureKind::kServerError;
    case ErrorCode::kUpstreamError:
      return ClassifyStatus(error.Status());
    default:
      return FailureKind::kNotRetryable;
  }
}

bool IsRetryable(FailureKind kind) {
  switch (kind) {
    case FailureKind::kConnect:
    case FailureKind::kTimeout:
    case FailureKind::kRateLimited:
    case FailureKind::kOverloaded:
    case FailureKind::kServerError:
    case FailureKind::kStreamErrorBeforeFirstByte:
      return true;
    default:
      return false;
  }
}

bool CountsAgainstTarget(FailureKind kind) {
  switch (kind) {
    case FailureKind::kConnect:
    case FailureKind::kTimeout:
    case FailureKind::kOverloaded:
    case FailureKind::kServerError:
    case FailureKind::kStreamErrorBeforeFirstByte:
    case FailureKind::kAfterFirstByte:  // a stream that broke mid-way is still the target's failure
      return true;
    default:
      return false;
  }
}

std::optional<Nanos> ParseRetryAfter(std::string_view value,
                                     std::chrono::system_clock::time_point wall_now) {
  value = Trim(value);
  int64_t seconds = 0;
  if (ParseUint(value, seconds)) {
    return std::chrono::duration_cast<Nanos>(
        std::chrono::seconds(std::min<int64_t>(seconds, 1LL << 31)));
  }
  const std::optional<int64_t> at = ParseImfFixdate(value);
  if (!at) return std::nullopt;
  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(wall_now.time_since_epoch()).count();
  return std::chrono::duration_cast<Nanos>(std::chrono::seconds(std::max<int64_t>(0, *at - now_s)));
}

std::optional<Nanos> ParseRetryAfterMs(std::string_view value) {
  value = Trim(value);
  double ms = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || !(ms >= 0) ||
      ms > 1e10) {
    return std::nullopt;
  }
  return Nanos(static_cast<int64_t>(ms * 1e6));
}

Nanos Backoff(const RetryPolicy& policy, uint32_t n, Rng& rng) {
  Nanos ceiling = policy.base_backoff;
  for (uint32_t i = 0; i < n && ceiling < policy.max_backoff; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.max_backoff);
  if (ceiling.count() <= 0) return Nanos(0);
  return Nanos(static_cast<int64_t>(rng.Unit() * static_cast<double>(ceiling.count())));
}

RetryBudget::Bucket& RetryBudget::Current(TimePoint now) {
  const int64_t epoch = EpochOf(policy_.window, kBuckets, now);
  Bucket& b = buckets_[static_cast<size_t>(epoch) % kBuckets];
  if (b.epoch != epoch) b = Bucket{epoch, 0, 0};
  return b;
}

void RetryBudget::OnRequest(TimePoint now) { ++Current(now).requests; }

double RetryBudget::Available(TimePoint now) const {
  const int64_t epoch = EpochOf(policy_.window, kBuckets, now);
  double requests = 0, retries = 0;
  for (const Bucket& b : buckets_) {
    if (b.epoch > epoch - static_cast<int64_t>(kBuckets) && b.epoch <= epoch) {
      requests += b.requests;
      retries += b.retries;
    }
  }
  const double window_s = std::chrono::duration<double>(policy_.window).count();
  return policy_.ratio * requests + policy_.min_per_second * window_s - retries;
}

bool RetryBudget::TryWithdraw(TimePoint now) {
  if (Available(now) < 1.0) return false;
  ++Current(now).retries;
  return true;
}

std::string_view GiveUpReasonName(GiveUpReason reason) {
  switch (reason) {
    case GiveUpReason::kNone:
      return "none";
    case GiveUpReason::kNotRetryable:
      return "not_retryable";
    case GiveUpReason::kAttemptsExhausted:
      return "attempts_exhausted";
    case GiveUpReason::kNoCandidates:
      return "no_candidates";
    case GiveUpReason::kDeadline:
      return "deadline";
    case GiveUpReason::kBudgetExhausted:
      return "retry_budget_exhausted";
    case GiveUpReason::kThrottled:
      return "throttled";
  }
  return "unknown";
}

AttemptPlanner::AttemptPlanner(const RetryPolicy& policy, size_t candidates, TimePoint start)
    : policy_(policy),
      count_(std::min(candidates, kMaxCandidates)),
      deadline_(start + policy.overall_deadline) {}

AttemptPlanner::Step AttemptPlanner::GiveUp(GiveUpReason reason) const {
  Step s;
  s.reason = reason;
  return s;
}

AttemptPlanner::Step AttemptPlanner::AttemptAt(size_t pos, TimePoint at) const {
  Step s;
  s.attempt = true;
  s.candidate = pos;
  s.not_before = at;
  s.timeout = deadline_ - at;
  if (policy_.per_attempt_timeout.count() > 0)
    s.timeout = std::min(s.timeout, policy_.per_attempt_timeout);
  return s;
}

AttemptPlanner::Step AttemptPlanner::Next(TimePoint now, Rng* rng, bool repeat_allowed) {
  if (count_ == 0) return GiveUp(GiveUpReason::kNoCandidates);
  // Fallback first: the next untried candidate, at once.
  for (size_t i = 0; i < count_; ++i) {
    if (!tried_[i]) return AttemptAt(i, now);
  }
  if (!repeat_allowed || rng == nullptr) return GiveUp(GiveUpReason::kNoCandidates);
  // Everything was tried: go round again from the candidate after the last one, with backoff; a
  // target that asked us (Retry-After) to wait longer than max_retry_after is not waited for.
  bool any_throttled = false;
  for (size_t k = 1; k <= count_; ++k) {
    const size_t i = (pos_ + k) % count_;
    if (throttled_until_[i] > now + policy_.max_retry_after) {
      any_throttled = true;
      continue;
    }
    TimePoint at = now + Backoff(policy_, repeats_, *rng);
    at = std::max(at, throttled_until_[i]);
    if (at >= deadline_) return GiveUp(GiveUpReason::kDeadline);
    ++repeats_;
    return AttemptAt(i, at);
  }
  return GiveUp(any_throttled ? GiveUpReason::kThrottled : GiveUpReason::kNoCandidates);
}

AttemptPlanner::Step AttemptPlanner::First(TimePoint now) {
  if (now >= deadline_) return GiveUp(GiveUpReason::kDeadline);
  Step s = Next(now, nullptr, false);
  if (s.attempt) {
    pos_ = s.candidate;
    tried_[pos_] = true;
    ++attempts_;
  }
  return s;
}

AttemptPlanner::Step AttemptPlanner::AfterFailure(FailureKind kind,
                                                  std::optional<Nanos> retry_after, TimePoint now,
                                                  RetryBudget& budget, Rng& rng) {
  if (count_ > 0 && retry_after) throttled_until_[pos_] = now + *retry_after;
  if (!IsRetryable(kind)) return GiveUp(GiveUpReason::kNotRetryable);
  if (attempts_ >= policy_.max_attempts) return GiveUp(GiveUpReason::kAttemptsExhausted);
  if (now >= deadline_) return GiveUp(GiveUpReason::kDeadline);
  const uint32_t repeats_before = repeats_;
  Step s = Next(now, &rng, true);
  if (!s.attempt) return s;
  // The budget is checked last so a request that gives up anyway does not spend it.
  if (!budget.TryWithdraw(now)) {
    repeats_ = repeats_before;
    return GiveUp(GiveUpReason::kBudgetExhausted);
  }
  pos_ = s.candidate;
  tried_[pos_] = true;
  ++attempts_;
  return s;
}

AttemptPlanner::Step AttemptPlanner::Skip(TimePoint now) {
  if (attempts_ > 0) --attempts_;  // the skipped attempt was never sent
  if (now >= deadline_) return GiveUp(GiveUpReason::kDeadline);
  Step s = Next(now, nullptr, false);
  if (s.attempt) {
    pos_ = s.candidate;
    tried_[pos_] = true;
    ++attempts_;
  }
  return s;
}

}  // namespace sluice::router
