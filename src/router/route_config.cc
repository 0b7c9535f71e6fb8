// BuildRouting and prompt matching (see route_config.h). Thread rule: built once per snapshot;
// immutable afterwards.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "router/route_config.h"

#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "config/model_catalog.h"

namespace sluice::router {
namespace {

core::Error BuildError(std::string message) {
  core::Error e;
  e.code = core::ErrorCode::kInternal;
  e.message = "routing: " + std::move(message);
  return e;
}

struct MatchDataDeleter {
  void operator()(pcre2_match_data* md) const { pcre2_match_data_free(md); }
};

pcre2_match_data* ThreadMatchData() {
  thread_local std::unique_ptr<pcre2_match_data, MatchDataDeleter> md(
      pcre2_match_data_create(1, nullptr));
  return md.get();
}

// Keywords become one caseless alternation; every ASCII punctuation character is escaped so a
// keyword is always literal text (PCRE2 allows escaping any non-alphanumeric character).
std::string KeywordPattern(const std::vector<std::string>& keywords) {
  std::string out = "(?:";
  for (size_t i = 0; i < keywords.size(); ++i) {
    if (i) out += '|';
    for (unsigned char c : keywords[i]) {
      if (c < 0x80 && !std::isalnum(c)) out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out + ")";
}

RuleOp ToRuleOp(config::RuleOpConfig op) {
  switch (op) {
    case config::RuleOpConfig::kEq:
      return RuleOp::kEq;
    case config::RuleOpConfig::kNe:
      return RuleOp::kNe;
    case config::RuleOpConfig::kPrefix:
      return RuleOp::kPrefix;
    case config::RuleOpConfig::kExists:
      return RuleOp::kExists;
    case config::RuleOpConfig::kAbsent:
      return RuleOp::kAbsent;
    case config::RuleOpConfig::kGt:
      return RuleOp::kGt;
    case config::RuleOpConfig::kGe:
      return RuleOp::kGe;
    case config::RuleOpConfig::kLt:
      return RuleOp::kLt;
    case config::RuleOpConfig::kLe:
      return RuleOp::kLe;
  }
  return RuleOp::kEq;
}

RuleField ToRuleField(config::RuleFieldConfig field) {
  switch (field) {
    case config::RuleFieldConfig::kInputTokens:
      return RuleField::kInputTokens;
    case config::RuleFieldConfig::kOutputTokens:
      return RuleField::kOutputTokens;
    case config::RuleFieldConfig::kTotalTokens:
      return RuleField::kTotalTokens;
    case config::RuleFieldConfig::kTools:
      return RuleField::kNeedsTools;
    case config::RuleFieldConfig::kImages:
      return RuleField::kNeedsImages;
    case config::RuleFieldConfig::kAttribute:
    case config::RuleFieldConfig::kPrompt:
      return RuleField::kAttribute;
  }
  return RuleField::kAttribute;
}

TargetSpec ToTargetSpec(const config::TargetConfig& t) {
  TargetSpec spec;
  spec.provider = t.provider;
  spec.model = t.model;
  spec.weight = t.weight;
  spec.priority = t.priority;
  const bool pass_through = t.model == config::kPassThroughModel;
  std::optional<config::Prices> prices = t.prices       ? t.prices
                                         : pass_through ? std::nullopt
                                                        : config::BuiltinPrices(t.model);
  if (prices) spec.prices = Prices{prices->input_per_mtok, prices->output_per_mtok};
  spec.caps.context_window = t.context_window ? *t.context_window
                             : pass_through   ? 0
                                              : config::BuiltinContextWindow(t.model);
  spec.caps.tools = t.tools;
  spec.caps.images = t.images;
  return spec;
}

// The parameter policy of every candidate in the order RouteTable::Build lays them out: the
// route's own targets, then each fallback route's own targets not already present (by
// provider/model), in listed order. A borrowed target keeps its own target-level params.
std::vector<config::ParamPolicy> TargetParams(const config::Config& config,
                                              const config::ModelConfig& model) {
  std::vector<config::ParamPolicy> out;
  std::vector<std::string> present;
  auto add = [&](const config::TargetConfig& t) {
    std::string key = t.provider + "/" + t.model;
    if (std::find(present.begin(), present.end(), key) != present.end()) return;
    present.push_back(std::move(key));
    out.push_back(config::ParamPolicy::Merge(model.params, t.params));
  };
  for (const config::TargetConfig& t : model.targets) add(t);
  for (const std::string& name : model.fallbacks) {
    if (const config::ModelConfig* other = config.FindModel(name)) {
      for (const config::TargetConfig& t : other->targets) add(t);
    }
  }
  return out;
}

}  // namespace

struct PromptMatcher::Code {
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

PromptMatcher::PromptMatcher(PromptMatcher&&) noexcept = default;
PromptMatcher& PromptMatcher::operator=(PromptMatcher&&) noexcept = default;
PromptMatcher::~PromptMatcher() = default;

core::Result<PromptMatcher> PromptMatcher::Compile(const config::RuleConditionConfig& condition,
                                                   std::string attribute) {
  const bool keywords = condition.regex.empty();
  const std::string pattern = keywords ? KeywordPattern(condition.keywords) : condition.regex;
  uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (keywords) options |= PCRE2_CASELESS;
  int err = 0;
  PCRE2_SIZE offset = 0;
  auto code = std::make_unique<Code>();
  code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                             &err, &offset, nullptr);
  if (code->code == nullptr) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return BuildError("prompt pattern: bad regex at offset " + std::to_string(offset) + ": " +
                      reinterpret_cast<const char*>(msg));
  }
  pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter without JIT
  PromptMatcher m;
  m.code_ = std::move(code);
  m.attribute_ = std::move(attribute);
  return m;
}

bool PromptMatcher::Matches(std::string_view text) const {
  const int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                             0, ThreadMatchData(), nullptr);
  return rc >= 0;
}

void RoutePolicy::MatchPrompt(std::string_view text, std::vector<RequestAttribute>& out) const {
  for (const PromptMatcher& m : prompt_matchers) {
    if (m.Matches(text)) out.push_back(RequestAttribute{m.attribute(), "1"});
  }
}

const RoutePolicy* RoutingTables::Policy(std::string_view route_name) const {
  auto it = by_name.find(std::string(route_name));
  return it == by_name.end() ? nullptr : &policies[it->second];
}

RetryPolicy ToRetryPolicy(const config::RetryConfig& c) {
  RetryPolicy p;
  p.max_attempts = c.max_attempts;
  p.base_backoff = c.initial_backoff;
  p.max_backoff = c.max_backoff;
  p.max_retry_after = c.max_retry_after;
  p.per_attempt_timeout = c.attempt_timeout;
  p.overall_deadline = c.deadline;
  return p;
}

RetryBudgetPolicy ToBudgetPolicy(const config::RetryBudgetConfig& c) {
  return RetryBudgetPolicy{c.ratio, c.min_per_second, c.window};
}

BreakerPolicy ToBreakerPolicy(const config::BreakerConfig& c) {
  BreakerPolicy p;
  p.consecutive_failures = c.consecutive_failures;
  p.failure_rate = c.failure_rate;
  p.min_requests = c.min_requests;
  p.window = c.window;
  p.base_cooldown = c.base_cooldown;
  p.max_cooldown = c.max_cooldown;
  p.half_open_probes = c.half_open_probes;
  p.successes_to_close = c.successes_to_close;
  p.level_decay = c.level_decay;
  return p;
}

core::Result<RoutingTables> BuildRouting(const config::Config& config) {
  std::vector<RouteEntry> entries;
  std::vector<RoutePolicy> policies;
  for (const config::ModelConfig& model : config.models) {
    const std::string where = "route '" + model.name + "': ";
    RouteEntry entry;
    entry.pattern = model.name;
    entry.fallbacks = model.fallbacks;
    Route& route = entry.route;
    route.name = model.name;
    std::optional<Strategy> strategy = ParseStrategy(model.strategy);
    if (!strategy) return BuildError(where + "unknown strategy '" + model.strategy + "'");
    route.strategy = *strategy;
    for (const config::TargetConfig& t : model.targets) route.targets.push_back(ToTargetSpec(t));
    route.params.sticky = model.sticky.by != config::StickyBy::kNone;
    if (model.epsilon) route.params.epsilon = *model.epsilon;

    RoutePolicy policy;
    policy.name = model.name;
    policy.strategy = model.strategy;
    policy.retry = ToRetryPolicy(model.retry ? *model.retry : config.routing.retry);
    policy.target_params = TargetParams(config, model);
    policy.allow = model.allow;
    policy.sticky = model.sticky;
    policy.max_body_bytes = model.max_body_bytes;
    policy.drop_unsupported_params = model.drop_unsupported_params;
    policy.allow_token_estimate = model.allow_token_estimate.value_or(config.tokenizer.allow_estimate);
    for (const config::RuleConfig& rc : model.rules) {
      Rule rule;
      rule.name = rc.name;
      for (size_t t : rc.targets) {
        if (t >= model.targets.size())
          return BuildError(where + "rule '" + rc.name + "' names a target that does not exist");
        rule.targets.push_back(static_cast<uint16_t>(t));
      }
      for (const config::RuleConditionConfig& cc : rc.when) {
        RuleCondition c;
        c.field = ToRuleField(cc.field);
        c.op = ToRuleOp(cc.op);
        c.value = cc.value;
        c.number = cc.number;
        c.attribute = cc.attribute;
        if (cc.field == config::RuleFieldConfig::kPrompt) {
          c.attribute =
              std::string(kPromptAttributePrefix) + std::to_string(policy.prompt_matchers.size());
          c.op = RuleOp::kExists;
          core::Result<PromptMatcher> m = PromptMatcher::Compile(cc, c.attribute);
          if (!m) return BuildError(where + m.error().message);
          policy.prompt_matchers.push_back(std::move(m).value());
        }
        rule.all.push_back(std::move(c));
      }
      route.rules.push_back(std::move(rule));
    }
    entries.push_back(std::move(entry));
    policies.push_back(std::move(policy));
  }

  const BreakerPolicy breaker = ToBreakerPolicy(config.routing.breaker);
  core::Result<RouteTable> table = RouteTable::Build(std::move(entries), breaker);
  if (!table) return BuildError(table.error().message);
  RoutingTables out{.table = std::move(table).value(),
                    .breaker = breaker,
                    .budget = ToBudgetPolicy(config.routing.budget),
                    .consumer_header = config.routing.consumer_header,
                    .team_header = config.routing.team_header,
                    .policies = std::move(policies),
                    .by_name = {}};
  for (size_t i = 0; i < out.policies.size(); ++i) out.by_name.emplace(out.policies[i].name, i);
  return out;
}

}  // namespace sluice::router
