// The immutable runtime built from a validated config snapshot: providers with parsed origins and their
// outgoing auth headers, the client-facing model table, and pre-rendered constant bodies.
// Thread rule: built once, then shared read-only by every worker (std::shared_ptr<const Runtime>).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/schema.h"
#include "provider/adapter.h"
#include "telemetry/metrics_registry.h"
#include "tokenizer/model_table.h"
#include "upstream/exchange.h"
#include "upstream/origin.h"

namespace sluice::server {

struct RuntimeProvider {
  uint32_t id = 0;
  const config::ProviderConfig* config = nullptr;
  upstream::Origin origin;
  // Headers sent with every request to this provider; the auth header holds the secret and is never logged.
  std::vector<std::pair<std::string, std::string>> headers;
  config::UpstreamTimeouts timeouts;
  telemetry::ProviderId metric_id;
  // Set when the provider speaks another dialect than the client (translation through the IR); null for
  // OpenAI-compatible upstreams, which get the client's bytes.
  const provider::ProviderAdapter* adapter = nullptr;
};

struct RuntimeModel {
  uint32_t id = 0;
  std::string name;            // client-facing
  std::string upstream_model;  // sent upstream
  const RuntimeProvider* provider = nullptr;
  uint64_t max_body_bytes = 0;
  telemetry::ModelId metric_id;
};

struct Runtime {
  std::shared_ptr<const config::Config> config;
  std::vector<RuntimeProvider> providers;
  std::vector<RuntimeModel> models;
  std::unordered_map<std::string, const RuntimeModel*> model_by_name;
  std::string models_list_body;  // GET /v1/models, OpenAI shape
  // Metric series for this snapshot, one shard per worker (written by that worker only).
  std::shared_ptr<telemetry::MetricsRegistry> metrics;
  // Which tokenizer (exact) or estimator each model uses, for local token counting.
  tokenizer::ModelTable token_models = tokenizer::ModelTable::Default();

  const RuntimeModel* FindModel(std::string_view name) const;
};

// Throws std::runtime_error at start-up if something the validator let through cannot be built.
std::shared_ptr<const Runtime> BuildRuntime(std::shared_ptr<const config::Config> config, unsigned workers);

}  // namespace sluice::server
