// Checks across routes, run after every route is parsed: fallbacks name existing exact routes (and
// quietly lose routes skipped with an optional provider), a route with its fallbacks stays within
// the router's candidate limit, and least-cost routes know every target's price.
// Thread rule: one thread during a load.
#include <algorithm>
#include <set>

#include "config/model_catalog.h"
#include "config/parse.h"
#include "config/units.h"

namespace sluice::config {
namespace {

constexpr size_t kMaxCandidates = 32;  // router::kMaxCandidates

const Field& At(const std::vector<Field>& fields, size_t i, const Field& fallback) {
  return i < fields.size() ? fields[i] : fallback;
}

void ResolveFallbacks(Reader& r, Config& config, ModelConfig& model, const ParseNotes& notes) {
  const Field& entry = notes.model_fields.at(model.name);
  auto fields_it = notes.route_fallback_fields.find(model.name);
  const std::vector<Field> none;
  const std::vector<Field>& fields =
      fields_it == notes.route_fallback_fields.end() ? none : fields_it->second;
  std::vector<std::string_view> exact_names;
  for (const ModelConfig& m : config.models)
    if (!m.is_pattern() && m.name != model.name) exact_names.push_back(m.name);

  std::vector<std::string> kept;
  std::set<std::string> slots;  // provider/model of every candidate, for the limit
  for (const TargetConfig& t : model.targets) slots.insert(t.provider + "/" + t.model);
  for (size_t i = 0; i < model.fallbacks.size(); ++i) {
    const std::string& name = model.fallbacks[i];
    const Field& where = At(fields, i, entry);
    if (notes.dropped_models.count(name)) continue;  // its provider's warning names it
    if (name == model.name) {
      r.Error(where, "a route cannot fall back to itself");
      continue;
    }
    const ModelConfig* other = config.FindModel(name);
    if (other == nullptr) {
      std::string message = "unknown route '" + name + "'";
      if (std::string hint = Suggest(name, exact_names); !hint.empty())
        message += " (did you mean '" + hint + "'?)";
      r.Error(where, message);
      continue;
    }
    if (other->is_pattern()) {
      r.Error(where, "fallbacks name exact routes; '" + name + "' is a pattern");
      continue;
    }
    for (const TargetConfig& t : other->targets) slots.insert(t.provider + "/" + t.model);
    kept.push_back(name);
  }
  // Too many own targets is reported by the parser; here only what the fallbacks add.
  if (!kept.empty() && slots.size() > kMaxCandidates) {
    r.Error(fields.empty() ? entry : fields.front(),
            "the route and its fallbacks have " + std::to_string(slots.size()) +
                " distinct targets; at most " + std::to_string(kMaxCandidates));
  }
  model.fallbacks = std::move(kept);
}

// least-cost orders by price: a target without one would always look free.
void CheckPrices(Reader& r, const ModelConfig& model, const ParseNotes& notes) {
  if (model.strategy != "least-cost") return;
  const Field& entry = notes.model_fields.at(model.name);
  auto fields_it = notes.route_target_fields.find(model.name);
  for (size_t i = 0; i < model.targets.size(); ++i) {
    const TargetConfig& t = model.targets[i];
    if (t.prices || BuiltinPrices(t.model)) continue;
    const Field& where =
        fields_it == notes.route_target_fields.end() ? entry : At(fields_it->second, i, entry);
    r.Error(where, "least-cost needs a price for target '" + t.name +
                       (t.model == kPassThroughModel
                            ? "', whose model is the client's (set prices: { input, output })"
                            : "': model '" + t.model +
                                  "' is not in the built-in price table (set prices: { input, "
                                  "output } in USD per million tokens)"));
  }
}

}  // namespace

void ResolveRoutes(Reader& r, Config& config, const ParseNotes& notes) {
  for (ModelConfig& model : config.models) {
    ResolveFallbacks(r, config, model, notes);
    CheckPrices(r, model, notes);
  }
}

}  // namespace sluice::config
