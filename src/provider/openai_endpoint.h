// Where and how to call an OpenAI-dialect provider: the upstream path (and query) of each API and its
// authentication header. The one place that knows the URL forms (reference §1, §6, §7):
//  - OpenAI and compatible servers: `<base path>/v1/chat/completions`; a base URL that already ends in a
//    version segment (`/v1`, `/openai/v1`, `/api/v1`, Zhipu's `/api/paas/v4`) gets `/chat/completions`.
//    `Authorization: Bearer <key>`, and no header at all with an empty key (local vLLM, Ollama).
//  - Azure OpenAI, classic: `/openai/deployments/{deployment}/chat/completions?api-version=V`
//    (deployment = the upstream model name, percent-encoded; V defaults to kAzureDefaultApiVersion),
//    `api-key: <key>`.
//  - Azure OpenAI, v1 API: `/openai/v1/chat/completions` (the body's model names the deployment), chosen
//    when the base URL ends in `/openai/v1` or api_version is "v1"; another api_version (e.g. "preview")
//    is sent as `?api-version=`.
//  - Azure with Entra ID: `Authorization: Bearer <token>` instead of `api-key` (auth: entra).
// Paths are relative to the base URL's path prefix, which the transport prepends (upstream::Origin), so
// the prefix is an input here only to decide the form.
// Thread rule: immutable config and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "provider/adapter.h"

namespace sluice::provider {

inline constexpr std::string_view kAzureDefaultApiVersion = "2024-10-21";  // latest GA of the classic API

enum class OpenAiApi : uint8_t { kChatCompletions, kEmbeddings, kResponses, kModels };

enum class OpenAiFlavor : uint8_t { kOpenAi, kAzure };  // kOpenAi covers every compatible server

enum class OpenAiAuth : uint8_t {
  kDefault,  // OpenAI: Bearer; Azure: api-key
  kApiKey,   // `api-key: <key>` (Azure's key header; also some gateways)
  kBearer,   // `Authorization: Bearer <key>` (Azure: an Entra ID token)
};

struct OpenAiEndpointConfig {
  OpenAiFlavor flavor = OpenAiFlavor::kOpenAi;
  std::string base_path;    // the path of the provider's base_url: "", "/v1", "/openai/v1", … (no trailing /)
  std::string api_version;  // Azure: "" → kAzureDefaultApiVersion; "v1" → the v1 API; else sent as is
  OpenAiAuth auth = OpenAiAuth::kDefault;
};

// Builds the config from a provider's settings; `base_url` is the full URL (scheme and host are ignored).
// `type_name` "azure"/"azure_openai" selects the Azure flavor. `auth` accepts "", "api-key", "bearer",
// "entra" (= bearer); anything else yields nullopt (the config validator reports it).
std::optional<OpenAiEndpointConfig> MakeOpenAiEndpointConfig(std::string_view type_name, std::string_view base_url,
                                                             std::string_view api_version, std::string_view auth);

// True when this config uses Azure's v1 API (no deployment in the path).
bool IsAzureV1(const OpenAiEndpointConfig& config);

// The upstream path and query for `api`, relative to the base URL's path prefix. `model` is the upstream
// model name (Azure classic: the deployment; ignored for kModels and kResponses).
std::string OpenAiUpstreamPath(const OpenAiEndpointConfig& config, OpenAiApi api, std::string_view model);

// The authentication header for `key`; nullopt when the key is empty (servers without auth).
std::optional<Header> OpenAiAuthHeader(const OpenAiEndpointConfig& config, std::string_view key);

// Percent-encodes everything but RFC 3986 unreserved characters (for a deployment name in a path).
std::string PercentEncodePathSegment(std::string_view segment);

}  // namespace sluice::provider
