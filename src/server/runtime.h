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
#include "dialect/openai_request.h"
#include "provider/adapter.h"
#include "provider/openai.h"
#include "provider/openai_endpoint.h"
#include "router/route_config.h"
#include "server/client_api.h"
#include "server/load_metrics.h"
#include "telemetry/metrics_registry.h"
#include "telemetry/router_metrics.h"
#include "tokenizer/model_table.h"
#include "upstream/exchange.h"
#include "upstream/origin.h"

namespace sluice::server {

struct RuntimeProvider {
  uint32_t id = 0;
  const config::ProviderConfig* config = nullptr;
  upstream::Origin origin;
  // Headers of a same-dialect request (content type, auth); the auth header holds the secret and is never
  // logged. Translated requests get the adapter's headers instead.
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // config `headers:`, sent on every request
  config::UpstreamTimeouts timeouts;
  // This provider's series in its snapshot's registry: a request records upstream events there, not in the
  // worker's current registry, whose ids a reload may have renumbered.
  telemetry::ProviderId metric_id;
  telemetry::MetricsRegistry* metrics = nullptr;
  telemetry::WorkerMetrics& Metrics(unsigned worker_index) const { return metrics->Shard(worker_index); }
  Wire wire = Wire::kOpenAi;
  // Codecs between the IR and this provider's API, used when the client speaks another dialect (a client
  // of the same dialect gets its own bytes spliced instead). Never null once built.
  const provider::ProviderAdapter* adapter = nullptr;
  std::shared_ptr<const provider::ProviderAdapter> owned_adapter;  // adapters with per-provider options
  // OpenAI-wire providers (OpenAI, compatible presets, Azure): where each API lives and how to authenticate
  // (same-dialect splice), the preset's splice quirks, and the adapter as its concrete type (tool-call id
  // remapping for presets with an id rule, e.g. Mistral).
  provider::OpenAiEndpointConfig openai_endpoint;
  dialect::OpenAiUpstreamOptions splice_options;
  const provider::OpenAiAdapter* openai_adapter = nullptr;
  // The Host value a signing adapter (Bedrock SigV4) signed: the transport sends origin.host_header, and
  // the two must be equal (checked when the runtime is built).
  std::string signed_host;
};

// One place a request for a model can go: a provider and the model name it knows.
struct RuntimeTarget {
  const RuntimeProvider* provider = nullptr;
  std::string upstream_model;
};

// A configured model entry: a route (exact name or pattern) over one or more targets.
struct RuntimeModel {
  uint32_t id = 0;
  std::string name;            // client-facing name or pattern (the metrics label)
  std::string upstream_model;  // the first target's model ("*": the client's)
  const RuntimeProvider* provider = nullptr;  // the first target's
  const router::Route* route = nullptr;
  const router::RoutePolicy* policy = nullptr;
  std::vector<const RuntimeProvider*> target_providers;  // by Route::targets index
  uint64_t max_body_bytes = 0;
  telemetry::ModelId metric_id;
};

struct Runtime {
  std::shared_ptr<const config::Config> config;
  std::vector<RuntimeProvider> providers;
  std::vector<RuntimeModel> models;
  std::unique_ptr<router::RoutingTables> routing;
  std::unordered_map<const router::Route*, const RuntimeModel*> model_by_route;
  std::string models_list_body;  // GET /v1/models, OpenAI shape
  // Metric series for this snapshot, one shard per worker (written by that worker only).
  std::shared_ptr<telemetry::MetricsRegistry> metrics;
  std::shared_ptr<telemetry::RouterMetrics> router_metrics;  // per target slot, one shard per worker
  // Scraped server load (vLLM/SGLang/TGI /metrics) by provider index, for least-busy routing; written by the
  // one LoadScraper, read lock-free by every worker.
  std::unique_ptr<LoadBoard> load_board;
  // Which tokenizer (exact) or estimator each model uses, for local token counting.
  tokenizer::ModelTable token_models = tokenizer::ModelTable::Default();

  // The model entry serving a client-facing name: exact, else the most specific pattern.
  const RuntimeModel* FindModel(std::string_view name) const;
};

// Builds one provider of a snapshot (runtime_providers.cc). Throws std::runtime_error when it cannot be built.
RuntimeProvider BuildRuntimeProvider(const config::ProviderConfig& provider, const config::Config& config);

// Throws std::runtime_error at start-up if something the validator let through cannot be built.
// `lineage`: the process's metrics across snapshots (null: the snapshot's metrics stand alone).
std::shared_ptr<const Runtime> BuildRuntime(std::shared_ptr<const config::Config> config, unsigned workers,
                                            std::shared_ptr<telemetry::MetricsLineage> lineage);

}  // namespace sluice::server
