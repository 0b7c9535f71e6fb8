// Parser for `models:`, the client-facing routes: the `provider`/`model` shorthand or a `targets`
// list, strategy, stickiness, fallbacks, rules, parameter policy, access list and retry override.
// Targets on optional providers that are skipped drop out here; a route left without targets is
// skipped with them. Cross-route checks (fallbacks, prices) are in validate_routes.cc.
// Thread rule: called by one thread during a load.
#include <algorithm>

#include "config/model_catalog.h"
#include "config/parse.h"
#include "config/units.h"

namespace sluice::config {
namespace {

constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr size_t kMaxTargets = 32;  // router::kMaxCandidates, fallbacks included

// Client-facing model names appear in request bodies and metric labels: printable, no spaces.
bool IsModelName(std::string_view name) {
  return !name.empty() && name.size() <= 256 &&
         std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

struct Draft {
  TargetConfig target;
  Field field;
  bool dropped = false;
};

struct RouteContext {
  const ModelConfig& route;
  bool pattern;
  ParseNotes& notes;
  std::vector<std::string_view> provider_names;
};

enum class ProviderRef { kOk, kDropped, kBad };

ProviderRef ResolveProvider(Reader& r, const Field& field, RouteContext& ctx, std::string& out) {
  std::optional<Scalar> s = r.Text(field);
  if (!s) return ProviderRef::kBad;
  out = s->value;
  if (ctx.notes.dropped_providers.count(out)) return ProviderRef::kDropped;
  if (!ctx.notes.provider_fields.count(out)) {
    std::string message = "unknown provider";
    message += s->from_env() ? s->Shown() : " '" + out + "'";
    if (std::string hint = Suggest(out, ctx.provider_names); !hint.empty() && !s->from_env())
      message += " (did you mean '" + hint + "'?)";
    r.Error(field, std::move(message));
    return ProviderRef::kBad;
  }
  return ProviderRef::kOk;
}

void ReadUpstreamModel(Reader& r, const Field* field, const RouteContext& ctx, std::string& out) {
  out = ctx.pattern ? std::string(kPassThroughModel) : ctx.route.name;
  if (field != nullptr && ReadString(r, field, out) && out.empty())
    r.Error(*field, "must not be empty (remove the key to use the default)");
}

void ParsePrices(Reader& r, const Field& field, TargetConfig& t) {
  std::optional<Mapping> m = r.Map(field, {"input", "output"});
  if (!m) return;
  Prices prices;
  bool ok = true;
  for (auto [key, slot] :
       {std::pair{"input", &prices.input_per_mtok}, std::pair{"output", &prices.output_per_mtok}}) {
    const Field* f = m->Get(key);
    if (f == nullptr) {
      r.Error(field.path, field.key_mark,
              std::string("missing required key '") + key + "' (USD per million tokens)");
      ok = false;
      continue;
    }
    std::optional<Scalar> s = r.Text(*f);
    if (!s) {
      ok = false;
      continue;
    }
    std::optional<uint64_t> micros = ParseUsdToMicros(s->value);
    if (!micros) {
      r.Error(*f, "expected US dollars per million tokens, e.g. 2.50 (at most 6 decimals)" +
                      s->Shown());
      ok = false;
      continue;
    }
    *slot = *micros;
  }
  if (ok) t.prices = prices;
}

// One entry of `targets:`. False when it cannot be used (already reported).
bool ParseTarget(Reader& r, const Field& field, RouteContext& ctx, Draft& out) {
  out.field = field;
  std::optional<Mapping> m =
      r.Map(field, {"name", "provider", "model", "weight", "priority", "prices", "context_window",
                    "tools", "images", "params"});
  if (!m) return false;
  if (!field.value.IsMap()) {
    r.Error(field, "expected a target mapping, e.g. { provider: openai, model: gpt-4o }");
    return false;
  }
  TargetConfig& t = out.target;
  const Field* provider = m->Get("provider");
  bool ok = true;
  if (provider == nullptr) {
    r.Error(field.path, field.Where(), "missing required key 'provider'");
    ok = false;
  } else {
    const ProviderRef ref = ResolveProvider(r, *provider, ctx, t.provider);
    out.dropped = ref == ProviderRef::kDropped;
    ok = ref != ProviderRef::kBad;
  }
  ReadUpstreamModel(r, m->Get("model"), ctx, t.model);
  if (const Field* name = m->Get("name"); ReadString(r, name, t.name) && t.name.empty())
    r.Error(*name, "must not be empty");
  if (t.name.empty()) t.name = t.provider + "/" + t.model;
  ReadUintAs(r, m->Get("weight"), 0, 1'000'000, t.weight);
  ReadUintAs(r, m->Get("priority"), 0, 1'000, t.priority);
  if (const Field* prices = m->Get("prices")) ParsePrices(r, *prices, t);
  uint64_t window = 0;
  if (ReadUint(r, m->Get("context_window"), 1, 100'000'000, window)) t.context_window = window;
  ReadBool(r, m->Get("tools"), t.tools);
  ReadBool(r, m->Get("images"), t.images);
  if (const Field* params = m->Get("params")) ParseParamPolicy(r, *params, t.params);
  return ok;
}

void ParseStrategy(Reader& r, const Field& field, ModelConfig& model) {
  static const std::vector<std::string_view> kNames{
      "weighted", "priority", "fallback", "least-latency", "least-busy", "least-cost", "rules"};
  std::optional<Scalar> s = r.Text(field);
  if (!s) return;
  if (std::find(kNames.begin(), kNames.end(), s->value) == kNames.end()) {
    std::string message = "unknown strategy" + s->Shown() +
                          "; one of weighted, priority (alias fallback), least-latency, "
                          "least-busy, least-cost, rules";
    if (std::string hint = Suggest(s->value, kNames); !hint.empty() && !s->from_env())
      message += " (did you mean '" + hint + "'?)";
    r.Error(field, std::move(message));
    return;
  }
  model.strategy = s->value == "fallback" ? "priority" : s->value;
}

// Rules were resolved against every written target; renumber them after dropped ones left.
void RemapRules(Reader& r, const Field& entry, const std::vector<Draft>& drafts,
                std::vector<RuleConfig>& rules) {
  std::vector<size_t> new_index(drafts.size(), SIZE_MAX);
  size_t next = 0;
  for (size_t i = 0; i < drafts.size(); ++i)
    if (!drafts[i].dropped) new_index[i] = next++;
  std::vector<RuleConfig> kept;
  for (RuleConfig& rule : rules) {
    std::vector<size_t> targets;
    for (size_t t : rule.targets)
      if (t < new_index.size() && new_index[t] != SIZE_MAX) targets.push_back(new_index[t]);
    if (targets.empty()) {
      r.Warn(entry, "rule '" + rule.name +
                        "' is skipped: every target it names uses a skipped optional provider");
      continue;
    }
    rule.targets = std::move(targets);
    kept.push_back(std::move(rule));
  }
  rules = std::move(kept);
}

void ParseRoute(Reader& r, const Field& entry, const RoutingConfig& routing,
                std::vector<ModelConfig>& out, ParseNotes& notes,
                const std::vector<std::string_view>& provider_names) {
  std::optional<Mapping> mm =
      r.Map(entry, {"provider", "model", "max_body_bytes", "targets", "strategy", "sticky",
                    "epsilon", "fallbacks", "rules", "params", "allow", "retry", "drop_unsupported_params",
                    "allow_token_estimate"});
  if (!mm) return;
  ModelConfig model;
  model.name = entry.key;
  RouteContext ctx{model, model.is_pattern(), notes, provider_names};
  if (model.name.size() >= 2 && model.name.front() == '/' && model.name.back() == '/') {
    if (std::string e = RegexError(model.name.substr(1, model.name.size() - 2), true); !e.empty())
      r.Error(entry.path, entry.key_mark, "route pattern: " + e);
  }

  const Field* provider = mm->Get("provider");
  const Field* upstream = mm->Get("model");
  const Field* targets = mm->Get("targets");
  std::vector<Draft> drafts;
  bool targets_ok = true;
  if (targets != nullptr && (provider != nullptr || upstream != nullptr)) {
    r.Error(targets->path, targets->key_mark,
            "write either 'provider' (and 'model') or a 'targets' list, not both");
    targets_ok = false;
  } else if (targets != nullptr) {
    std::optional<std::vector<Field>> items = ReadList(r, *targets, false);
    if (!items) {
      targets_ok = false;
    } else if (items->empty()) {
      r.Error(*targets, "must list at least one target");
      targets_ok = false;
    } else if (items->size() > kMaxTargets) {
      r.Error(*targets, "at most " + std::to_string(kMaxTargets) + " targets per route");
      targets_ok = false;
    }
    for (size_t i = 0; items && i < items->size(); ++i) {
      Draft d;
      targets_ok = ParseTarget(r, (*items)[i], ctx, d) && targets_ok;
      drafts.push_back(std::move(d));
    }
  } else if (provider == nullptr) {
    r.Error(entry.path, entry.key_mark, "missing required key 'provider' (or a 'targets' list)");
    targets_ok = false;
  } else {
    Draft d;
    d.field = *provider;
    const ProviderRef ref = ResolveProvider(r, *provider, ctx, d.target.provider);
    d.dropped = ref == ProviderRef::kDropped;
    targets_ok = ref != ProviderRef::kBad;
    ReadUpstreamModel(r, upstream, ctx, d.target.model);
    d.target.name = d.target.provider + "/" + d.target.model;
    if (!d.dropped) notes.model_provider_fields.emplace(model.name, *provider);
    drafts.push_back(std::move(d));
  }
  // Two targets with one name (or one provider + model) would share routing state and confuse
  // rules.
  for (size_t i = 0; i < drafts.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const TargetConfig& a = drafts[j].target;
      const TargetConfig& b = drafts[i].target;
      if (a.provider == b.provider && a.model == b.model) {
        r.Error(drafts[i].field, "provider '" + b.provider + "' with model '" + b.model +
                                     "' is listed twice; give one target the combined weight");
      } else if (a.name == b.name) {
        r.Error(drafts[i].field, "target name '" + b.name + "' is used twice in this route");
      }
    }
  }

  const Field* strategy = mm->Get("strategy");
  if (strategy != nullptr) ParseStrategy(r, *strategy, model);
  if (const Field* rules = mm->Get("rules")) {
    if (strategy == nullptr) model.strategy = "rules";
    if (model.strategy != "rules") {
      r.Error(rules->path, rules->key_mark,
              "rules apply only with strategy: rules (the strategy is '" + model.strategy + "')");
    }
    std::vector<TargetConfig> all;
    for (const Draft& d : drafts) all.push_back(d.target);
    ParseRules(r, *rules, all, model.rules);
  } else if (model.strategy == "rules") {
    r.Error(*strategy, "strategy 'rules' needs a 'rules' list");
  }
  if (const Field* sticky = mm->Get("sticky")) {
    ParseSticky(r, *sticky, model.sticky);
    if (model.strategy != "weighted" && model.strategy != "priority" && model.strategy != "rules")
      r.Warn(*sticky, "sticky has no effect with strategy '" + model.strategy +
                          "' (only weighted, priority and rules use it)");
  }
  if (const Field* epsilon = mm->Get("epsilon")) {
    double v = 0;
    if (ReadNumber(r, epsilon, 0, 1, v)) model.epsilon = v;
    if (model.strategy != "least-latency")
      r.Warn(*epsilon, "epsilon has no effect with strategy '" + model.strategy + "'");
  }
  if (const Field* fallbacks = mm->Get("fallbacks")) {
    if (ReadStringList(r, *fallbacks, model.fallbacks)) {
      if (std::optional<std::vector<Field>> items = ReadList(r, *fallbacks, true))
        notes.route_fallback_fields[model.name] = *items;
    }
  }
  if (const Field* params = mm->Get("params")) ParseParamPolicy(r, *params, model.params);
  if (const Field* allow = mm->Get("allow")) ParseAccess(r, *allow, model.allow);
  if (const Field* retry = mm->Get("retry")) {
    RetryConfig merged = routing.retry;  // unspecified keys inherit routing.retry
    ParseRetry(r, *retry, merged, nullptr);
    model.retry = merged;
  }
  ReadBool(r, mm->Get("drop_unsupported_params"), model.drop_unsupported_params);
  if (bool allow = false; ReadBool(r, mm->Get("allow_token_estimate"), allow)) model.allow_token_estimate = allow;
  if (ReadSize(r, mm->Get("max_body_bytes"), 0, 4 * kGiB, model.max_body_bytes))
    notes.model_body_fields.emplace(model.name, *mm->Get("max_body_bytes"));

  // Optional providers that were skipped take their targets along; a route left empty goes too.
  const bool all_dropped = !drafts.empty() && std::all_of(drafts.begin(), drafts.end(),
                                                          [](const Draft& d) { return d.dropped; });
  for (const Draft& d : drafts) {
    if (!d.dropped) continue;
    auto& dropped = notes.dropped_providers.at(d.target.provider);
    std::string label = all_dropped ? model.name : model.name + " (target " + d.target.name + ")";
    if (std::find(dropped.models.begin(), dropped.models.end(), label) == dropped.models.end())
      dropped.models.push_back(std::move(label));
  }
  if (all_dropped) {
    ++notes.models_dropped;
    notes.dropped_models.insert(model.name);
    return;
  }
  RemapRules(r, entry, drafts, model.rules);
  std::vector<Field> target_fields;
  for (Draft& d : drafts) {
    if (d.dropped) continue;
    target_fields.push_back(d.field);
    model.targets.push_back(std::move(d.target));
  }
  if (targets_ok && model.strategy == "weighted" && !model.targets.empty() &&
      std::all_of(model.targets.begin(), model.targets.end(),
                  [](const TargetConfig& t) { return t.weight == 0; })) {
    const bool some_dropped = model.targets.size() != drafts.size();
    r.Error(targets ? targets->path : entry.path, targets ? targets->key_mark : entry.key_mark,
            some_dropped
                ? "every target with a non-zero weight uses a skipped optional provider"
                : "every target has weight 0; a weighted route needs at least one above 0");
  }
  if (!model.targets.empty()) {
    model.provider = model.targets[0].provider;
    model.model = model.targets[0].model;
  }
  notes.route_target_fields[model.name] = std::move(target_fields);
  if (strategy != nullptr) notes.route_strategy_fields.emplace(model.name, *strategy);
  notes.model_fields.emplace(model.name, entry);
  out.push_back(std::move(model));
}

}  // namespace

void ParseModels(Reader& r, const Field* field, const RoutingConfig& routing,
                 std::vector<ModelConfig>& out, ParseNotes& notes) {
  if (field == nullptr) return;
  notes.models_section = *field;
  std::optional<Mapping> m = r.Map(*field);
  if (!m) return;
  std::vector<std::string_view> provider_names;
  for (const auto& [name, unused] : notes.provider_fields) provider_names.push_back(name);
  for (const Field& entry : m->entries()) {
    ++notes.model_entries;
    if (!IsModelName(entry.key)) {
      r.Error(entry.path, entry.key_mark,
              "model name must be 1-256 printable characters without spaces");
      continue;
    }
    ParseRoute(r, entry, routing, out, notes, provider_names);
  }
}

}  // namespace sluice::config
