// Checks that span sections, run after every section is parsed. Thread rule: one thread during a
// load.
#include "config/parse.h"
#include "config/units.h"

namespace sluice::config {
namespace {

bool IsWildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::" || host.empty();
}

// Two listeners collide when they share a non-ephemeral port and their addresses overlap.
bool Collide(const Endpoint& a, const Endpoint& b) {
  if (a.port == 0 || a.port != b.port) return false;
  return a.host == b.host || IsWildcard(a.host) || IsWildcard(b.host);
}

}  // namespace

void ValidateCrossSection(Reader& r, const Config& config, const ParseNotes& notes) {
  if (config.admin.enabled && Collide(config.server.listen, config.admin.listen)) {
    const Field& at = notes.admin_listen ? *notes.admin_listen : *notes.server_listen;
    r.Error(at, "admin.listen and server.listen use the same port " +
                    std::to_string(config.admin.listen.port));
  }

  for (const ModelConfig& model : config.models) {
    auto body = notes.model_body_fields.find(model.name);
    if (body != notes.model_body_fields.end() &&
        model.max_body_bytes > config.server.limits.max_body_bytes) {
      // The server rejects a body before it can read the model name in it, so a larger per-model
      // limit could never take effect.
      r.Error(body->second, "exceeds server.limits.max_body_bytes (" +
                                FormatSize(config.server.limits.max_body_bytes) +
                                "), which applies first; raise that instead");
    }
  }

  if (config.models.empty() && notes.model_entries == notes.models_dropped) {
    const std::string message =
        notes.models_dropped > 0
            ? "no models left: every model uses an optional provider that is skipped (set its API "
              "key)"
            : "at least one model is required, e.g. models: { gpt-4o: { provider: openai } }";
    if (notes.models_section) {
      r.Error(*notes.models_section, message);
    } else {
      r.Error("models", YAML::Mark::null_mark(), message);
    }
  }

  for (const auto& [name, dropped] : notes.dropped_providers) {
    std::string message =
        "optional provider '" + name + "' is skipped because " + dropped.variables +
        (dropped.variables.find(',') == std::string::npos ? " is" : " are") + " not set (or empty)";
    if (!dropped.models.empty()) {
      message += "; skipped with it: model";
      message += dropped.models.size() == 1 ? " " : "s ";
      for (size_t i = 0; i < dropped.models.size(); ++i)
        message += (i ? ", " : "") + dropped.models[i];
    }
    r.Warn(dropped.field.path, dropped.field.key_mark, std::move(message));
  }

  for (const ProviderConfig& provider : config.providers) {
    bool used = false;
    for (const ModelConfig& model : config.models) {
      for (const TargetConfig& t : model.targets) used = used || t.provider == provider.name;
    }
    auto field = notes.provider_fields.find(provider.name);
    if (!used && field != notes.provider_fields.end())
      r.Warn(field->second.path, field->second.key_mark,
             "provider '" + provider.name + "' is not used by any model");
  }
}

}  // namespace sluice::config
