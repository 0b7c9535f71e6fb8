// Lookups and small pure helpers on a loaded Config. Thread rule: const member functions on an
// immutable snapshot.
#include "config/schema.h"

#include <algorithm>

namespace sluice::config {

// Linear scans: configs hold tens of entries and lookups happen when runtime objects are built, not
// per request (the runtime snapshot keeps its own hash maps).
const ProviderConfig* Config::FindProvider(const std::string& name) const {
  auto it = std::find_if(providers.begin(), providers.end(),
                         [&](const auto& p) { return p.name == name; });
  return it == providers.end() ? nullptr : &*it;
}

const ModelConfig* Config::FindModel(const std::string& name) const {
  auto it =
      std::find_if(models.begin(), models.end(), [&](const auto& m) { return m.name == name; });
  return it == models.end() ? nullptr : &*it;
}

const char* ParamName(Param param) {
  switch (param) {
    case Param::kTemperature:
      return "temperature";
    case Param::kTopP:
      return "top_p";
    case Param::kMaxTokens:
      return "max_tokens";
    case Param::kPresencePenalty:
      return "presence_penalty";
    case Param::kFrequencyPenalty:
      return "frequency_penalty";
  }
  return "unknown";
}

std::optional<double> ParamRule::Apply(std::optional<double> requested) const {
  std::optional<double> value = override_value ? override_value
                                : requested    ? requested
                                               : default_value;
  if (!value) return std::nullopt;
  if (min && *value < *min) value = *min;
  if (max && *value > *max) value = *max;
  return value;
}

bool ParamPolicy::empty() const {
  return std::all_of(rules.begin(), rules.end(), [](const ParamRule& r) { return r.empty(); });
}

ParamPolicy ParamPolicy::Merge(const ParamPolicy& base, const ParamPolicy& over) {
  ParamPolicy out = base;
  for (size_t i = 0; i < kParamCount; ++i) {
    const ParamRule& o = over.rules[i];
    ParamRule& r = out.rules[i];
    if (o.default_value) r.default_value = o.default_value;
    if (o.override_value) r.override_value = o.override_value;
    if (o.min) r.min = o.min;
    if (o.max) r.max = o.max;
  }
  return out;
}

bool AccessPolicy::Allows(std::string_view consumer, std::string_view team) const {
  if (empty()) return true;
  // An absent identity never matches: "" is not a consumer name (the parser rejects empty names).
  if (!consumer.empty() &&
      std::find(consumers.begin(), consumers.end(), consumer) != consumers.end())
    return true;
  return !team.empty() && std::find(teams.begin(), teams.end(), team) != teams.end();
}

bool IsModelPattern(std::string_view name) {
  const bool regex = name.size() >= 2 && name.front() == '/' && name.back() == '/';
  return regex || name.find('*') != std::string_view::npos;
}

bool ModelConfig::is_pattern() const { return IsModelPattern(name); }

}  // namespace sluice::config
