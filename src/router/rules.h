// The `rules` strategy's conditions: the first rule whose conditions all hold picks the targets (in
// the rule's order: primary, then fallbacks). Conditions read the request's token estimates,
// capability needs and named attributes the server extracts (e.g. "header:x-tier", "consumer",
// "team", "metadata:env"). No rule matches: the route's targets in priority order (weighted within
// a tier), like `priority`. Thread rule: immutable, part of a Route.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::router {

struct RequestAttribute {
  std::string_view name;
  std::string_view value;
};

enum class RuleField : uint8_t {
  kInputTokens,
  kOutputTokens,
  kTotalTokens,
  kNeedsTools,
  kNeedsImages,
  kAttribute
};
enum class RuleOp : uint8_t {
  kEq,
  kNe,      // strings: attribute value; numbers: token counts; bools: "true"/"false" via number 1/0
  kPrefix,  // attribute value starts with `value`
  kExists,
  kAbsent,  // attribute present / not present
  kGt,
  kGe,
  kLt,
  kLe,  // numbers (token counts)
};

struct RuleCondition {
  RuleField field = RuleField::kAttribute;
  std::string attribute;  // kAttribute only
  RuleOp op = RuleOp::kEq;
  std::string value;    // string comparisons
  uint64_t number = 0;  // numeric comparisons (kNeedsTools/kNeedsImages: 1 = true)
};

struct Rule {
  std::string name;                // for logs and metrics
  std::vector<RuleCondition> all;  // all must hold (empty: always)
  std::vector<uint16_t> targets;   // indexes into Route::targets, attempt order
};

struct RequestTraits;
bool Holds(const RuleCondition& condition, const RequestTraits& request);
// The first matching rule, or nullptr.
const Rule* MatchRule(std::span<const Rule> rules, const RequestTraits& request);

}  // namespace sluice::router
