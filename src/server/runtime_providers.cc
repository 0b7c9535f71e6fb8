// How each configured provider becomes a RuntimeProvider: its origin, its wire format, the adapter that
// translates to it, and the headers of a same-dialect request. One switch over the provider types.
// Thread rule: runs once per config snapshot, before any worker sees it.
#include <stdexcept>

#include "provider/anthropic.h"
#include "provider/openai.h"
#include "server/runtime.h"

namespace sluice::server {

RuntimeProvider BuildRuntimeProvider(const config::ProviderConfig& p, const config::Config& config) {
  RuntimeProvider rp;
  rp.config = &p;
  auto origin = upstream::ParseOrigin(p.base_url);
  if (!origin.ok()) throw std::runtime_error("provider " + p.name + ": " + origin.error().message);
  rp.origin = std::move(origin).value();
  rp.timeouts = p.timeouts ? *p.timeouts : config.upstream.timeouts;
  switch (p.type) {
    case config::ProviderType::kOpenAi:
    case config::ProviderType::kOpenAiCompatible: {
      static const provider::OpenAiAdapter kOpenAi;  // immutable, shared by every worker
      rp.wire = Wire::kOpenAi;
      rp.adapter = &kOpenAi;
      rp.headers.emplace_back("Content-Type", "application/json");
      if (!p.api_key.empty()) rp.headers.emplace_back("Authorization", "Bearer " + p.api_key.value);
      break;
    }
    case config::ProviderType::kAnthropic: {
      static const provider::AnthropicAdapter kAnthropic;
      rp.wire = Wire::kAnthropic;
      rp.adapter = &kAnthropic;
      // Same-dialect (Anthropic client) requests carry these; translated ones get the adapter's own.
      rp.headers.emplace_back("Content-Type", "application/json");
      if (!p.api_key.empty()) rp.headers.emplace_back("x-api-key", p.api_key.value);
      break;
    }
    default:
      throw std::runtime_error("provider " + p.name + ": type '" + p.type_name +
                               "' is not supported by this build yet (see docs/providers.md)");
  }
  for (const auto& [k, v] : p.headers) rp.extra_headers.emplace_back(k, v);
  return rp;
}

}  // namespace sluice::server
