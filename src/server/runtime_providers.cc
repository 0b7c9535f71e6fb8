// How each configured provider becomes a RuntimeProvider: its origin, its wire format, the adapter that
// translates to it, and the headers of a same-dialect request. One switch over the provider types:
//  - OpenAI, the compatible presets and Azure (classic and v1) share the OpenAI wire: the preset gives the
//    splice quirks and adapter options, OpenAiEndpointConfig the paths and the auth header.
//  - Anthropic: a shared stateless adapter; same-dialect clients get x-api-key.
//  - Gemini (Developer API), Vertex and Bedrock: adapters owned by the provider (they carry its project,
//    location, region and credentials). Bedrock signs the Host, so it is told the origin's exact Host.
// Thread rule: runs once per config snapshot, before any worker sees it.
#include <stdexcept>

#include "provider/anthropic.h"
#include "provider/bedrock.h"
#include "provider/gemini.h"
#include "provider/openai.h"
#include "provider/openai_endpoint.h"
#include "provider/openai_presets.h"
#include "server/runtime.h"

namespace sluice::server {
namespace {

void BuildOpenAiWire(const config::ProviderConfig& p, RuntimeProvider& rp) {
  const provider::OpenAiPreset& preset = provider::OpenAiPresetFor(p.type_name);
  std::optional<provider::OpenAiEndpointConfig> endpoint =
      provider::MakeOpenAiEndpointConfig(p.type_name, p.base_url, p.api_version, p.auth);
  if (!endpoint) throw std::runtime_error("provider " + p.name + ": unsupported auth '" + p.auth + "'");
  provider::OpenAiAdapterOptions options = provider::AdapterOptionsFor(preset);
  options.endpoint = *endpoint;
  auto adapter = std::make_shared<const provider::OpenAiAdapter>(options);
  rp.wire = Wire::kOpenAi;
  rp.openai_endpoint = *endpoint;
  rp.splice_options = provider::SpliceOptionsFor(preset);
  rp.openai_adapter = adapter.get();
  rp.adapter = adapter.get();
  rp.owned_adapter = std::move(adapter);
  rp.headers.emplace_back("Content-Type", "application/json");
  // Local servers (vLLM without --api-key, Ollama) need no key: no header rather than "Bearer ".
  if (auto auth = provider::OpenAiAuthHeader(*endpoint, p.api_key.value))
    rp.headers.emplace_back(std::move(auth->name), std::move(auth->value));
}

void BuildGemini(const config::ProviderConfig& p, bool vertex, RuntimeProvider& rp) {
  provider::GeminiOptions options;
  options.vertex = vertex;
  options.project = p.project;
  options.location = p.location;
  if (!p.api_version.empty()) options.api_version = p.api_version;
  else if (vertex) options.api_version = "v1";
  // Vertex with a project authenticates with an OAuth2 access token (Bearer); express mode (no project)
  // takes an API key.
  options.vertex_key_is_access_token = !vertex || !p.project.empty();
  if (vertex && !p.project.empty() && p.location.empty())
    throw std::runtime_error("provider " + p.name + ": vertex needs a location");
  auto adapter = std::make_shared<const provider::GeminiAdapter>(options);
  rp.wire = Wire::kGemini;
  rp.adapter = adapter.get();
  rp.owned_adapter = std::move(adapter);
}

void BuildBedrock(const config::ProviderConfig& p, RuntimeProvider& rp) {
  provider::BedrockOptions options;
  options.region = p.region;
  options.access_key_id = p.access_key_id.value;
  options.secret_access_key = p.secret_access_key.value;
  options.session_token = p.session_token.value;
  // The signature covers Host; the transport sends the origin's, so sign exactly that.
  options.host = rp.origin.host_header;
  auto adapter = std::make_shared<const provider::BedrockAdapter>(std::move(options));
  if (adapter->host() != rp.origin.host_header)
    throw std::runtime_error("provider " + p.name + ": signed Host differs from the upstream's");
  rp.signed_host = adapter->host();
  rp.wire = Wire::kBedrock;
  rp.adapter = adapter.get();
  rp.owned_adapter = std::move(adapter);
}

}  // namespace

RuntimeProvider BuildRuntimeProvider(const config::ProviderConfig& p, const config::Config& config) {
  RuntimeProvider rp;
  rp.config = &p;
  auto origin = upstream::ParseOrigin(p.base_url);
  if (!origin.ok()) throw std::runtime_error("provider " + p.name + ": " + origin.error().message);
  rp.origin = std::move(origin).value();
  rp.timeouts = p.timeouts ? *p.timeouts : config.upstream.timeouts;
  switch (p.type) {
    case config::ProviderType::kOpenAi:
    case config::ProviderType::kOpenAiCompatible:
    case config::ProviderType::kAzureOpenAi:
      BuildOpenAiWire(p, rp);
      break;
    case config::ProviderType::kAnthropic: {
      static const provider::AnthropicAdapter kAnthropic;  // immutable, shared by every worker
      rp.wire = Wire::kAnthropic;
      rp.adapter = &kAnthropic;
      // Same-dialect (Anthropic client) requests carry these; translated ones get the adapter's own.
      rp.headers.emplace_back("Content-Type", "application/json");
      if (!p.api_key.empty()) rp.headers.emplace_back("x-api-key", p.api_key.value);
      break;
    }
    case config::ProviderType::kGemini:
      BuildGemini(p, false, rp);
      break;
    case config::ProviderType::kVertex:
      BuildGemini(p, true, rp);
      break;
    case config::ProviderType::kBedrock:
      BuildBedrock(p, rp);
      break;
  }
  if (!rp.adapter) throw std::runtime_error("provider " + p.name + ": type '" + p.type_name + "' has no adapter");
  for (const auto& [k, v] : p.headers) rp.extra_headers.emplace_back(k, v);
  return rp;
}

}  // namespace sluice::server
