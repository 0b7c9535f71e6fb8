// Rule evaluation for the `rules` strategy (see rules.h). Thread rule: pure functions.
#include "router/rules.h"

#include "router/strategies.h"

namespace sluice::router {
namespace {

const RequestAttribute* FindAttribute(const RequestTraits& r, std::string_view name) {
  for (const RequestAttribute& a : r.attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool CompareNumber(RuleOp op, uint64_t have, uint64_t want) {
  switch (op) {
    case RuleOp::kEq:
      return have == want;
    case RuleOp::kNe:
      return have != want;
    case RuleOp::kGt:
      return have > want;
    case RuleOp::kGe:
      return have >= want;
    case RuleOp::kLt:
      return have < want;
    case RuleOp::kLe:
      return have <= want;
    default:
      return false;  // string operators on a number: never true (config validation rejects them)
  }
}

}  // namespace

bool Holds(const RuleCondition& c, const RequestTraits& r) {
  switch (c.field) {
    case RuleField::kInputTokens:
      return CompareNumber(c.op, r.input_tokens, c.number);
    case RuleField::kOutputTokens:
      return CompareNumber(c.op, r.output_tokens, c.number);
    case RuleField::kTotalTokens:
      return CompareNumber(c.op, r.input_tokens + r.output_tokens, c.number);
    case RuleField::kNeedsTools:
      return CompareNumber(c.op, r.needs_tools ? 1 : 0, c.number);
    case RuleField::kNeedsImages:
      return CompareNumber(c.op, r.needs_images ? 1 : 0, c.number);
    case RuleField::kAttribute:
      break;
  }
  const RequestAttribute* a = FindAttribute(r, c.attribute);
  switch (c.op) {
    case RuleOp::kExists:
      return a != nullptr;
    case RuleOp::kAbsent:
      return a == nullptr;
    case RuleOp::kEq:
      return a != nullptr && a->value == c.value;
    case RuleOp::kNe:
      return a == nullptr || a->value != c.value;
    case RuleOp::kPrefix:
      return a != nullptr && a->value.substr(0, c.value.size()) == c.value;
    default:
      return false;
  }
}

const Rule* MatchRule(std::span<const Rule> rules, const RequestTraits& request) {
  for (const Rule& rule : rules) {
    bool all = true;
    for (const RuleCondition& c : rule.all) {
      if (!Holds(c, request)) {
        all = false;
        break;
      }
    }
    if (all) return &rule;
  }
  return nullptr;
}

}  // namespace sluice::router
