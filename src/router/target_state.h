// Live state of one upstream target (provider + upstream model), as one worker sees it: latency and
// throughput EWMAs, requests in flight, scraped server load, Retry-After throttling and the circuit
// breaker. Thread rule: each worker owns its own TargetStates (shared-nothing, like its connection
// pools), so plain fields and no atomics. Health is therefore learned per worker; with W workers a
// dead target costs up to W × consecutive_failures failures before every worker ejects it — the
// price of no cross-core traffic. The one cross-thread input, scraped vLLM/SGLang load, is copied
// in by the owning worker (SetExternalLoad).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "router/circuit_breaker.h"

namespace sluice::router {

// Exponentially weighted moving average. Unseeded until the first sample, so "never measured" is
// distinguishable from "measured fast".
struct Ewma {
  double value = 0;
  bool seeded = false;
  TimePoint updated{};

  void Add(double sample, double alpha, TimePoint now) {
    value = seeded ? value + alpha * (sample - value) : sample;
    seeded = true;
    updated = now;
  }
};

struct TargetState {
  Ewma ttft_ms;  // time to first token (or to response headers for non-streaming), milliseconds
  Ewma tokens_per_s;  // output tokens per second after the first token
  uint32_t in_flight = 0;
  double external_load = 0;     // e.g. vLLM num_requests_running + num_requests_waiting, scraped
  TimePoint throttled_until{};  // Retry-After from a 429/503/529: not preferred before this
  CircuitBreaker breaker;
  uint64_t attempts = 0;
  uint64_t failures = 0;

  bool Throttled(TimePoint now) const { return now < throttled_until; }
  void SetExternalLoad(double load) { external_load = load; }
};

// One worker's states for every target of a config snapshot, indexed by TargetSpec::slot
// (route_table.h). Routes that share a (provider, upstream model) share its slot, so its health is
// learned once.
using TargetStates = std::vector<TargetState>;

}  // namespace sluice::router
