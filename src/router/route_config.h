// Configuration → router objects: BuildRouting turns a validated config::Config (models:, routing:)
// into a RouteTable plus the per-route policies the proxy applies around it (retry policy, request
// parameter policy per target, access list, stickiness source, prompt matchers for `rules`).
// Prices and context windows come from the target's config, else the built-in table
// (config/model_catalog.h). Thread rule: built once per config snapshot, then immutable and shared
// by every worker; MatchPrompt uses a per-thread PCRE2 match block.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/schema.h"
#include "core/result.h"
#include "router/route_table.h"

namespace sluice::router {

// Request attribute names for `rules` conditions (router/rules.h). The server supplies them per
// request as RequestTraits::attributes.
inline constexpr std::string_view kConsumerAttribute = "consumer";  // routing.consumer_header value
inline constexpr std::string_view kTeamAttribute = "team";          // routing.team_header value
inline constexpr std::string_view kHeaderAttributePrefix = "header:";  // + lower-case header name
inline constexpr std::string_view kMetadataAttributePrefix = "metadata:";  // + request metadata key
inline constexpr std::string_view kPromptAttributePrefix = "prompt:";      // set by MatchPrompt

// One `prompt:` condition compiled (a regex, or keywords as a caseless alternation). Searched
// anywhere in the text, UTF-8 aware, invalid UTF-8 tolerated.
class PromptMatcher {
 public:
  static core::Result<PromptMatcher> Compile(const config::RuleConditionConfig& condition,
                                             std::string attribute);
  PromptMatcher(PromptMatcher&&) noexcept;
  PromptMatcher& operator=(PromptMatcher&&) noexcept;
  ~PromptMatcher();
  bool Matches(std::string_view text) const;
  const std::string& attribute() const { return attribute_; }

 private:
  PromptMatcher() = default;
  struct Code;
  std::unique_ptr<Code> code_;
  std::string attribute_;
};

struct RoutePolicy {
  std::string name;      // == Route::name (the configured pattern)
  std::string strategy;  // canonical strategy name, for logs
  RetryPolicy retry;     // the route's `retry:` over routing.retry
  // Parameter policy per Route::targets index (fallback-appended targets included): the route's
  // `params` with the target's own `params` merged over it. Apply with config::ParamRule::Apply to
  // each config::Param of the outgoing request.
  std::vector<config::ParamPolicy> target_params;
  config::AccessPolicy allow;   // check before routing; empty = everyone
  config::StickyConfig sticky;  // where the sticky key comes from (kNone: not sticky)
  uint64_t max_body_bytes = 0;  // 0 = server limit
  bool drop_unsupported_params = false;  // leave out what a target cannot honour instead of a 400
  // count_tokens may answer with a local estimate (the route's `allow_token_estimate`, else
  // tokenizer.allow_estimate); false: the first target's provider counts.
  bool allow_token_estimate = true;
  std::vector<PromptMatcher> prompt_matchers;

  // Appends {attribute, "1"} for every prompt condition `text` matches (the text the server
  // chooses: the user messages' text). Only routes with prompt conditions have matchers.
  void MatchPrompt(std::string_view text, std::vector<RequestAttribute>& out) const;
};

struct RoutingTables {
  RouteTable table;
  BreakerPolicy breaker;                              // also copied into every Route
  RetryBudgetPolicy budget;                           // one RetryBudget per worker built from this
  std::string consumer_header = "x-sluice-consumer";  // lower case
  std::string team_header = "x-sluice-team";
  std::vector<RoutePolicy> policies;  // config order

  // The policy of a route found in `table` (looked up by Route::name: one hash of a short string).
  const RoutePolicy* Policy(const Route& route) const { return Policy(route.name); }
  const RoutePolicy* Policy(std::string_view route_name) const;
  const std::vector<std::string>& slot_names() const { return table.slot_names(); }

  std::unordered_map<std::string, size_t> by_name;  // RoutePolicy index by route name
};

// The model to send upstream for a target: its configured model, or the client's for a
// pass-through target (model "*", the default in pattern routes).
inline std::string_view UpstreamModel(const TargetSpec& target, std::string_view requested) {
  return target.model == config::kPassThroughModel ? requested : target.model;
}

RetryPolicy ToRetryPolicy(const config::RetryConfig& retry);
RetryBudgetPolicy ToBudgetPolicy(const config::RetryBudgetConfig& budget);
BreakerPolicy ToBreakerPolicy(const config::BreakerConfig& breaker);

// Errors (kInternal, with the route name) only for what validation cannot see; a config that
// loaded without errors builds.
core::Result<RoutingTables> BuildRouting(const config::Config& config);

}  // namespace sluice::router
