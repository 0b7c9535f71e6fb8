// Routing strategies: order a route's targets into the attempt list for one request (first =
// primary, the rest = fallbacks), and feed attempt outcomes back into the targets' live state.
// Every strategy: drops targets that cannot serve the request (context window, tools, images), puts
// healthy targets first, Retry-After-throttled ones after them, and ejected ones (breaker open)
// only when nothing else is left ("panic": better a probably-failing attempt than a certain error).
// No allocation: the caller provides the Candidates buffer. Pure: time and randomness are passed
// in. Thread rule: Route is immutable (shared by all workers); TargetStates and Rng belong to one
// worker.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "router/circuit_breaker.h"
#include "router/retry_policy.h"
#include "router/rng.h"
#include "router/rules.h"
#include "router/target_state.h"

namespace sluice::router {

enum class Strategy : uint8_t {
  kWeighted,
  kPriority,
  kLeastLatency,
  kLeastBusy,
  kLeastCost,
  kRules
};
std::optional<Strategy> ParseStrategy(
    std::string_view name);  // weighted|priority|fallback|least-latency|…
std::string_view StrategyName(Strategy strategy);

struct Capabilities {
  uint64_t context_window = 0;  // tokens; 0 = unknown (assumed large enough)
  bool tools = true;
  bool images = true;
};

struct Prices {  // integer micro-dollars per million tokens (design: money is integer
                 // micro-dollars)
  uint64_t input_per_mtok = 0;
  uint64_t output_per_mtok = 0;
};

struct TargetSpec {
  std::string provider;
  std::string model;      // upstream model name
  uint32_t weight = 1;    // weighted: share; 0 = fallback only. least-busy: relative capacity
  uint32_t priority = 0;  // priority: lower first; equal priorities share by weight
  Prices prices;
  Capabilities caps;
  // Set by RouteTable::Build: the TargetStates slot (shared by every route using provider+model)
  // and a stable identity hash (sticky routing must not depend on list positions).
  uint32_t slot = 0;
  uint64_t id_hash = 0;
};

struct StrategyParams {
  bool sticky = false;    // weighted/priority: hash RequestTraits::sticky_key instead of drawing
  double epsilon = 0.05;  // least-latency: share of requests sent to a random target (exploration)
  double ewma_alpha = 0.3;  // latency/throughput smoothing
  Nanos stale_after =
      std::chrono::seconds(30);  // least-latency: a measurement older than this is re-explored
};

struct Route {
  std::string name;  // the pattern as configured
  Strategy strategy = Strategy::kWeighted;
  std::vector<TargetSpec> targets;  // at most kMaxCandidates
  // Targets from index `own_targets` on were appended by RouteTable::Build from the route's
  // `fallbacks` (other routes by name): they are ordered after all of the route's own targets, in
  // listed order.
  size_t own_targets = SIZE_MAX;
  StrategyParams params;
  std::vector<Rule> rules;  // kRules only
  BreakerPolicy breaker;    // the table's policy (RouteTable::Build copies it here)
};

struct RequestTraits {
  uint64_t input_tokens = 0;   // estimate (tokenizer or bytes/4)
  uint64_t output_tokens = 0;  // max_tokens, or a route default
  bool needs_tools = false;
  bool needs_images = false;
  bool has_sticky_key = false;
  uint64_t sticky_key = 0;                       // StickyKey(consumer / header / session id)
  std::span<const RequestAttribute> attributes;  // for `rules`; the caller owns the storage
};

inline uint64_t StickyKey(std::string_view id) { return Hash64(id); }

inline constexpr size_t kMaxCandidates = AttemptPlanner::kMaxCandidates;

// The attempt order: indexes into Route::targets. `panic` when only ejected targets were left.
struct Candidates {
  std::array<uint16_t, kMaxCandidates> index{};
  size_t size = 0;
  bool panic = false;
  const Rule* rule = nullptr;  // kRules: the rule that matched (nullptr: default order)
  uint16_t operator[](size_t i) const { return index[i]; }
};

void Order(const Route& route, const TargetStates& states, const RequestTraits& request,
           TimePoint now, Rng& rng, Candidates& out);

bool CanServe(const TargetSpec& target, const RequestTraits& request);
// Estimated cost of the request on this target, micro-dollars (fractional).
double EstimatedCostMicros(const TargetSpec& target, const RequestTraits& request);
// Expected duration of the request on this target, ms (TTFT + output tokens at the measured rate).
double ExpectedLatencyMs(const TargetState& state, const RequestTraits& request);

// Outcome feedback. OnAttemptStart after TryAcquire succeeded on the breaker; then exactly one end
// call.
void OnAttemptStart(TargetState& state, TimePoint now);
void OnAttemptSuccess(TargetState& state, const BreakerPolicy& breaker,
                      const StrategyParams& params, TimePoint now, Nanos ttft,
                      double output_tokens_per_s);
void OnAttemptFailure(TargetState& state, const BreakerPolicy& breaker, FailureKind kind,
                      std::optional<Nanos> retry_after, TimePoint now);

}  // namespace sluice::router
