// Parser for a route's `rules:` (the `rules` strategy): each rule is a name, a `when:` mapping of
// conditions that must all hold, and the targets to try in order. Conditions compile to the
// router's RuleCondition model (router/rules.h); prompt conditions become "prompt:<n>" attributes
// that route_config.h evaluates. Thread rule: called by one thread during a load.
#include <algorithm>
#include <cctype>

#include "config/parse.h"
#include "config/units.h"

namespace sluice::config {
namespace {

struct OpName {
  std::string_view name;
  RuleOpConfig op;
};
constexpr OpName kNumberOps[] = {{"gt", RuleOpConfig::kGt}, {"ge", RuleOpConfig::kGe},
                                 {"lt", RuleOpConfig::kLt}, {"le", RuleOpConfig::kLe},
                                 {"eq", RuleOpConfig::kEq}, {"ne", RuleOpConfig::kNe}};

void ParseTokenCondition(Reader& r, const Field& field, RuleFieldConfig which,
                         std::vector<RuleConditionConfig>& out) {
  if (!field.value || !field.value.IsMap()) {
    r.Error(field, "expected a comparison such as { gt: 1000 } (gt, ge, lt, le, eq, ne)");
    return;
  }
  std::optional<Mapping> m = r.Map(field, {"gt", "ge", "lt", "le", "eq", "ne"});
  if (!m) return;
  for (const Field& entry : m->entries()) {
    RuleConditionConfig c;
    c.field = which;
    for (const OpName& op : kNumberOps)
      if (entry.key == op.name) c.op = op.op;
    if (ReadUint(r, &entry, 0, 100'000'000, c.number)) out.push_back(std::move(c));
  }
}

void ParseBoolCondition(Reader& r, const Field& field, RuleFieldConfig which,
                        std::vector<RuleConditionConfig>& out) {
  bool value = false;
  if (!ReadBool(r, &field, value)) return;
  RuleConditionConfig c;
  c.field = which;
  c.op = RuleOpConfig::kEq;
  c.number = value ? 1 : 0;
  out.push_back(std::move(c));
}

// "value" (equals) or { eq: v, ne: v, prefix: v, exists: bool }.
void ParseStringCondition(Reader& r, const Field& field, std::string attribute,
                          std::vector<RuleConditionConfig>& out) {
  if (field.value && field.value.IsScalar()) {
    RuleConditionConfig c;
    c.attribute = std::move(attribute);
    c.op = RuleOpConfig::kEq;
    if (ReadString(r, &field, c.value)) out.push_back(std::move(c));
    return;
  }
  if (!field.value || !field.value.IsMap()) {
    r.Error(field,
            "expected a value or a comparison such as { prefix: team- } (eq, ne, prefix, exists)");
    return;
  }
  std::optional<Mapping> m = r.Map(field, {"eq", "ne", "prefix", "exists"});
  if (!m) return;
  if (field.value.size() == 0) r.Error(field, "expected at least one of eq, ne, prefix, exists");
  for (const Field& entry : m->entries()) {
    RuleConditionConfig c;
    c.attribute = attribute;
    if (entry.key == "exists") {
      bool exists = false;
      if (!ReadBool(r, &entry, exists)) continue;
      c.op = exists ? RuleOpConfig::kExists : RuleOpConfig::kAbsent;
    } else {
      c.op = entry.key == "eq"   ? RuleOpConfig::kEq
             : entry.key == "ne" ? RuleOpConfig::kNe
                                 : RuleOpConfig::kPrefix;
      if (!ReadString(r, &entry, c.value)) continue;
    }
    out.push_back(std::move(c));
  }
}

// header: { x-tier: premium }  /  metadata: { env: prod }
void ParseNamedConditions(Reader& r, const Field& field, std::string_view prefix, bool header,
                          std::vector<RuleConditionConfig>& out) {
  std::optional<Mapping> m = r.Map(field);
  if (!m) return;
  if (field.value.size() == 0) r.Error(field, "expected at least one name: condition");
  for (const Field& entry : m->entries()) {
    std::string name = entry.key;
    if (header) {
      if (!IsHeaderToken(name)) {
        r.Error(entry.path, entry.key_mark, "'" + name + "' is not a valid HTTP header name");
        continue;
      }
      // Header names are case-insensitive; the server supplies them lower-cased.
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    ParseStringCondition(r, entry, std::string(prefix) + name, out);
  }
}

void ParsePromptCondition(Reader& r, const Field& field, std::vector<RuleConditionConfig>& out) {
  std::optional<Mapping> m = r.Map(field, {"matches", "contains"});
  if (!m) return;
  if (!field.value || field.value.size() == 0)
    r.Error(field, "expected 'matches' (a regex) or 'contains' (keywords)");
  if (const Field* matches = m->Get("matches")) {
    RuleConditionConfig c;
    c.field = RuleFieldConfig::kPrompt;
    if (ReadString(r, matches, c.regex)) {
      if (c.regex.empty()) {
        r.Error(*matches, "must not be empty");
      } else if (std::string e = RegexError(c.regex, false); !e.empty()) {
        r.Error(*matches, e);
      } else {
        out.push_back(std::move(c));
      }
    }
  }
  if (const Field* contains = m->Get("contains")) {
    RuleConditionConfig c;
    c.field = RuleFieldConfig::kPrompt;
    if (ReadStringList(r, *contains, c.keywords)) {
      if (c.keywords.empty()) {
        r.Error(*contains, "must list at least one keyword");
      } else {
        out.push_back(std::move(c));
      }
    }
  }
}

void ParseWhen(Reader& r, const Field& field, std::vector<RuleConditionConfig>& out) {
  std::optional<Mapping> m =
      r.Map(field, {"input_tokens", "output_tokens", "total_tokens", "tools", "images", "consumer",
                    "team", "header", "metadata", "prompt"});
  if (!m) return;
  for (const Field& entry : m->entries()) {
    const std::string& k = entry.key;
    if (k == "input_tokens") ParseTokenCondition(r, entry, RuleFieldConfig::kInputTokens, out);
    if (k == "output_tokens") ParseTokenCondition(r, entry, RuleFieldConfig::kOutputTokens, out);
    if (k == "total_tokens") ParseTokenCondition(r, entry, RuleFieldConfig::kTotalTokens, out);
    if (k == "tools") ParseBoolCondition(r, entry, RuleFieldConfig::kTools, out);
    if (k == "images") ParseBoolCondition(r, entry, RuleFieldConfig::kImages, out);
    if (k == "consumer" || k == "team") ParseStringCondition(r, entry, k, out);
    if (k == "header") ParseNamedConditions(r, entry, "header:", true, out);
    if (k == "metadata") ParseNamedConditions(r, entry, "metadata:", false, out);
    if (k == "prompt") ParsePromptCondition(r, entry, out);
  }
}

// A rule's target reference: a target name, "provider/model", or a provider used by one target.
std::optional<size_t> FindTarget(const std::vector<TargetConfig>& targets, std::string_view ref,
                                 std::string& why) {
  for (size_t i = 0; i < targets.size(); ++i)
    if (targets[i].name == ref) return i;
  for (size_t i = 0; i < targets.size(); ++i)
    if (targets[i].provider + "/" + targets[i].model == ref) return i;
  std::optional<size_t> by_provider;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].provider != ref) continue;
    if (by_provider) {
      why = "provider '" + std::string(ref) +
            "' has several targets in this route; use a target name";
      return std::nullopt;
    }
    by_provider = i;
  }
  if (by_provider) return by_provider;
  why = "no target '" + std::string(ref) + "' in this route (targets:";
  for (const TargetConfig& t : targets) why += " " + t.name;
  why += ")";
  return std::nullopt;
}

void ParseRule(Reader& r, const Field& field, size_t index,
               const std::vector<TargetConfig>& targets, std::vector<RuleConfig>& out) {
  std::optional<Mapping> m = r.Map(field, {"name", "when", "targets", "target"});
  if (!m) return;
  if (!field.value || !field.value.IsMap()) {
    r.Error(field, "expected a rule mapping: { name, when, targets }");
    return;
  }
  RuleConfig rule;
  rule.name = "rule-" + std::to_string(index + 1);
  if (const Field* name = m->Get("name"); ReadString(r, name, rule.name) && rule.name.empty())
    r.Error(*name, "must not be empty");
  for (const RuleConfig& other : out) {
    if (other.name == rule.name) r.Error(field, "rule name '" + rule.name + "' is used twice");
  }
  if (const Field* when = m->Get("when")) ParseWhen(r, *when, rule.when);
  const Field* list = m->Get("targets");
  const Field* one = m->Get("target");
  if (list != nullptr && one != nullptr) {
    r.Error(one->path, one->key_mark, "write either 'target' or 'targets', not both");
    return;
  }
  const Field* refs = list ? list : one;
  if (refs == nullptr) {
    r.Error(field.path, field.Where(), "missing required key 'targets'");
    return;
  }
  std::optional<std::vector<Field>> items = ReadList(r, *refs, true);
  if (!items) return;
  if (items->empty()) r.Error(*refs, "must name at least one target");
  for (const Field& item : *items) {
    std::string ref;
    if (!ReadString(r, &item, ref)) continue;
    std::string why;
    std::optional<size_t> t = FindTarget(targets, ref, why);
    if (!t) {
      r.Error(item, why);
    } else if (std::find(rule.targets.begin(), rule.targets.end(), *t) != rule.targets.end()) {
      r.Error(item, "target '" + ref + "' is listed twice in this rule");
    } else {
      rule.targets.push_back(*t);
    }
  }
  out.push_back(std::move(rule));
}

}  // namespace

void ParseRules(Reader& r, const Field& field, const std::vector<TargetConfig>& targets,
                std::vector<RuleConfig>& out) {
  std::optional<std::vector<Field>> items = ReadList(r, field, false);
  if (!items) return;
  if (items->empty()) r.Error(field, "must list at least one rule");
  for (size_t i = 0; i < items->size(); ++i) ParseRule(r, (*items)[i], i, targets, out);
}

}  // namespace sluice::config
