// Strategy ordering and outcome feedback (see strategies.h). Thread rule: per worker state, no
// sharing.
#include "router/strategies.h"

#include <cmath>
#include <limits>

namespace sluice::router {
namespace {

struct Entry {
  uint16_t index;
  uint8_t tier;      // 0 healthy, 1 throttled (Retry-After), 2 ejected
  uint8_t group;     // 0 the route's own targets, 1 targets borrowed from fallback routes
  double primary;    // strategy score, lower first
  double secondary;  // tie-break / weighted key, lower first
};

bool Before(const Entry& a, const Entry& b) {
  if (a.tier != b.tier) return a.tier < b.tier;
  if (a.group != b.group) return a.group < b.group;
  if (a.primary != b.primary) return a.primary < b.primary;
  return a.secondary < b.secondary;
}

// Efraimidis–Spirakis weighted order: sorting by -ln(u)/w ascending is weighted sampling without
// replacement. With u from a hash of (sticky key, target identity) the order is rendezvous hashing:
// the same key always gets the same order, and adding a target only takes over the keys it wins
// (≈ its weight share), leaving the rest where they were.
double WeightedKey(const TargetSpec& t, const StrategyParams& params, const RequestTraits& request,
                   Rng& rng, size_t i) {
  if (t.weight == 0) return 1e300 + static_cast<double>(i);  // fallback-only, in configured order
  const double u = params.sticky && request.has_sticky_key
                       ? ToUnitOpen(Mix64(request.sticky_key ^ t.id_hash))
                       : rng.Unit();
  return -std::log(u) / static_cast<double>(t.weight);
}

}  // namespace

std::optional<Strategy> ParseStrategy(std::string_view name) {
  if (name == "weighted") return Strategy::kWeighted;
  if (name == "priority" || name == "fallback") return Strategy::kPriority;
  if (name == "least-latency") return Strategy::kLeastLatency;
  if (name == "least-busy") return Strategy::kLeastBusy;
  if (name == "least-cost") return Strategy::kLeastCost;
  if (name == "rules") return Strategy::kRules;
  return std::nullopt;
}

std::string_view StrategyName(Strategy strategy) {
  switch (strategy) {
    case Strategy::kWeighted:
      return "weighted";
    case Strategy::kPriority:
      return "priority";
    case Strategy::kLeastLatency:
      return "least-latency";
    case Strategy::kLeastBusy:
      return "least-busy";
    case Strategy::kLeastCost:
      return "least-cost";
    case Strategy::kRules:
      return "rules";
  }
  return "unknown";
}

bool CanServe(const TargetSpec& t, const RequestTraits& r) {
  if (r.needs_tools && !t.caps.tools) return false;
  if (r.needs_images && !t.caps.images) return false;
  if (t.caps.context_window != 0 && r.input_tokens + r.output_tokens > t.caps.context_window)
    return false;
  return true;
}

double EstimatedCostMicros(const TargetSpec& t, const RequestTraits& r) {
  return (static_cast<double>(t.prices.input_per_mtok) * static_cast<double>(r.input_tokens) +
          static_cast<double>(t.prices.output_per_mtok) * static_cast<double>(r.output_tokens)) /
         1e6;
}

double ExpectedLatencyMs(const TargetState& s, const RequestTraits& r) {
  double ms = s.ttft_ms.seeded ? s.ttft_ms.value : 0;
  if (s.tokens_per_s.seeded && s.tokens_per_s.value > 0) {
    ms += 1000.0 * static_cast<double>(r.output_tokens) / s.tokens_per_s.value;
  }
  return ms;
}

void Order(const Route& route, const TargetStates& states, const RequestTraits& request,
           TimePoint now, Rng& rng, Candidates& out) {
  std::array<Entry, kMaxCandidates> entries;
  size_t n = 0;
  // rules: the matched rule's targets, in its order, and no others. rule_rank[i] = position + 1, 0
  // = not in it.
  const Rule* rule = route.strategy == Strategy::kRules ? MatchRule(route.rules, request) : nullptr;
  std::array<uint8_t, kMaxCandidates> rule_rank{};
  if (rule != nullptr) {
    for (size_t k = 0; k < rule->targets.size() && k < kMaxCandidates; ++k) {
      if (rule->targets[k] < kMaxCandidates && rule_rank[rule->targets[k]] == 0) {
        rule_rank[rule->targets[k]] = static_cast<uint8_t>(k + 1);
      }
    }
  }
  bool any_usable = false;
  const size_t limit = std::min(route.targets.size(), kMaxCandidates);
  for (size_t i = 0; i < limit; ++i) {
    const TargetSpec& t = route.targets[i];
    if (!CanServe(t, request) || t.slot >= states.size()) continue;
    if (rule != nullptr && rule_rank[i] == 0 && i < route.own_targets) continue;
    const TargetState& s = states[t.slot];
    Entry e{static_cast<uint16_t>(i), 0, 0, 0, 0};
    if (!s.breaker.Available(route.breaker, now)) {
      e.tier = 2;
    } else if (s.Throttled(now)) {
      e.tier = 1;
    }
    any_usable |= e.tier < 2;
    if (i >= route.own_targets) {
      e.group = 1;
      e.primary = static_cast<double>(i);  // fallback routes' targets: in listed order
      entries[n++] = e;
      continue;
    }
    switch (route.strategy) {
      case Strategy::kWeighted:
        e.secondary = WeightedKey(t, route.params, request, rng, i);
        break;
      case Strategy::kPriority:
        e.primary = t.priority;
        e.secondary = WeightedKey(t, route.params, request, rng, i);
        break;
      case Strategy::kLeastLatency: {
        const bool stale = !s.ttft_ms.seeded || now - s.ttft_ms.updated > route.params.stale_after;
        // Unmeasured or stale targets score 0 (tried first) unless a request is already finding
        // out.
        e.primary = stale && s.in_flight == 0 ? 0.0 : ExpectedLatencyMs(s, request);
        e.secondary = rng.Unit();
        break;
      }
      case Strategy::kLeastBusy:
        e.primary = (static_cast<double>(s.in_flight) + s.external_load) /
                    static_cast<double>(std::max<uint32_t>(1, t.weight));
        e.secondary = rng.Unit();
        break;
      case Strategy::kLeastCost:
        e.primary = EstimatedCostMicros(t, request);
        e.secondary = rng.Unit();
        break;
      case Strategy::kRules:
        if (rule != nullptr) {
          e.primary = rule_rank[i];
        } else {
          e.primary = t.priority;
          e.secondary = WeightedKey(t, route.params, request, rng, i);
        }
        break;
    }
    entries[n++] = e;
  }
  // Exploration: now and then send the primary attempt to a random healthy target, so a target that
  // looked slow gets measured again and can win its traffic back after it recovers.
  if (route.strategy == Strategy::kLeastLatency && n > 1 && rng.Unit() < route.params.epsilon) {
    size_t healthy = 0;
    for (size_t i = 0; i < n; ++i) healthy += entries[i].tier == 0;
    if (healthy > 0) {
      size_t pick = rng.Below(healthy);
      for (size_t i = 0; i < n; ++i) {
        if (entries[i].tier == 0 && pick-- == 0) {
          entries[i].primary = -1;
          break;
        }
      }
    }
  }
  // Insertion sort: n ≤ 32 and usually ≤ 10, faster than std::sort at this size and
  // allocation-free.
  for (size_t i = 1; i < n; ++i) {
    const Entry e = entries[i];
    size_t j = i;
    for (; j > 0 && Before(e, entries[j - 1]); --j) entries[j] = entries[j - 1];
    entries[j] = e;
  }
  out.size = 0;
  out.rule = rule;
  out.panic = !any_usable && n > 0;
  for (size_t i = 0; i < n; ++i) {
    if (entries[i].tier == 2 && any_usable) break;  // ejected targets only in panic
    out.index[out.size++] = entries[i].index;
  }
}

void OnAttemptStart(TargetState& state, TimePoint) {
  ++state.in_flight;
  ++state.attempts;
}

void OnAttemptSuccess(TargetState& state, const BreakerPolicy& breaker,
                      const StrategyParams& params, TimePoint now, Nanos ttft,
                      double output_tokens_per_s) {
  if (state.in_flight > 0) --state.in_flight;
  state.breaker.OnSuccess(breaker, now);
  state.ttft_ms.Add(std::chrono::duration<double, std::milli>(ttft).count(), params.ewma_alpha,
                    now);
  if (output_tokens_per_s > 0) state.tokens_per_s.Add(output_tokens_per_s, params.ewma_alpha, now);
}

void OnAttemptFailure(TargetState& state, const BreakerPolicy& breaker, FailureKind kind,
                      std::optional<Nanos> retry_after, TimePoint now) {
  if (state.in_flight > 0) --state.in_flight;
  ++state.failures;
  if (retry_after) state.throttled_until = std::max(state.throttled_until, now + *retry_after);
  if (CountsAgainstTarget(kind)) {
    state.breaker.OnFailure(breaker, now);
  } else if (kind == FailureKind::kClientError) {
    state.breaker.OnSuccess(breaker, now);  // it answered sanely; the request was at fault
  } else {
    state.breaker.OnCancel(breaker, now);  // 429, cancellations: no verdict on health
  }
}

}  // namespace sluice::router
