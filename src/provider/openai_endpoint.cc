// OpenAI-dialect upstream paths and auth headers (see openai_endpoint.h). Thread rule: pure functions.
#include "provider/openai_endpoint.h"

namespace sluice::provider {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) { return s.ends_with(suffix); }

std::string_view LastSegment(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// "v1", "v4", "v1beta": a base URL that already names the API version.
bool IsVersionSegment(std::string_view seg) {
  if (seg.size() < 2 || seg[0] != 'v' || seg[1] < '0' || seg[1] > '9') return false;
  for (char c : seg.substr(1))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

std::string_view ApiSuffix(OpenAiApi api) {
  switch (api) {
    case OpenAiApi::kChatCompletions:
      return "/chat/completions";
    case OpenAiApi::kEmbeddings:
      return "/embeddings";
    case OpenAiApi::kResponses:
      return "/responses";
    case OpenAiApi::kModels:
      return "/models";
  }
  return "/chat/completions";
}

std::string AzurePath(const OpenAiEndpointConfig& c, OpenAiApi api, std::string_view model) {
  std::string path;
  std::string_view suffix = ApiSuffix(api);
  if (IsAzureV1(c)) {
    if (!EndsWith(c.base_path, "/openai/v1")) path = EndsWith(c.base_path, "/openai") ? "/v1" : "/openai/v1";
    path += suffix;
    // The v1 API takes no dated version; "preview" / "latest" opt into preview features.
    const std::string& v = c.api_version;
    if (!v.empty() && v != "v1" && !(v[0] >= '0' && v[0] <= '9')) path.append("?api-version=").append(v);
    return path;
  }
  if (!EndsWith(c.base_path, "/openai")) path = "/openai";
  // Deployment-scoped APIs name the deployment in the path; responses and models are resource-wide.
  if (api == OpenAiApi::kChatCompletions || api == OpenAiApi::kEmbeddings)
    path.append("/deployments/").append(PercentEncodePathSegment(model));
  path += suffix;
  path.append("?api-version=");
  path.append(c.api_version.empty() ? kAzureDefaultApiVersion : std::string_view(c.api_version));
  return path;
}

}  // namespace

std::optional<OpenAiEndpointConfig> MakeOpenAiEndpointConfig(std::string_view type_name, std::string_view base_url,
                                                             std::string_view api_version, std::string_view auth) {
  OpenAiEndpointConfig c;
  c.flavor = type_name == "azure" || type_name == "azure_openai" ? OpenAiFlavor::kAzure : OpenAiFlavor::kOpenAi;
  if (auth.empty() || auth == "default") {
    c.auth = OpenAiAuth::kDefault;
  } else if (auth == "api-key" || auth == "api_key") {
    c.auth = OpenAiAuth::kApiKey;
  } else if (auth == "bearer" || auth == "entra") {
    c.auth = OpenAiAuth::kBearer;
  } else {
    return std::nullopt;
  }
  c.api_version = std::string(api_version);
  std::string_view rest = base_url;
  if (size_t scheme = rest.find("://"); scheme != std::string_view::npos) rest = rest.substr(scheme + 3);
  size_t slash = rest.find('/');
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (size_t q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  c.base_path = std::string(path);
  return c;
}

bool IsAzureV1(const OpenAiEndpointConfig& config) {
  return config.flavor == OpenAiFlavor::kAzure &&
         (EndsWith(config.base_path, "/openai/v1") || config.api_version == "v1");
}

std::string OpenAiUpstreamPath(const OpenAiEndpointConfig& config, OpenAiApi api, std::string_view model) {
  if (config.flavor == OpenAiFlavor::kAzure) return AzurePath(config, api, model);
  std::string path = IsVersionSegment(LastSegment(config.base_path)) ? "" : "/v1";
  path += ApiSuffix(api);
  return path;
}

std::optional<Header> OpenAiAuthHeader(const OpenAiEndpointConfig& config, std::string_view key) {
  if (key.empty()) return std::nullopt;  // local servers without --api-key: no "Bearer " with nothing after it
  OpenAiAuth auth = config.auth;
  if (auth == OpenAiAuth::kDefault)
    auth = config.flavor == OpenAiFlavor::kAzure ? OpenAiAuth::kApiKey : OpenAiAuth::kBearer;
  if (auth == OpenAiAuth::kApiKey) return Header{"api-key", std::string(key)};
  std::string value;
  value.reserve(7 + key.size());
  value.append("Bearer ").append(key);
  return Header{"authorization", std::move(value)};
}

std::string PercentEncodePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (unsigned char c : segment) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace sluice::provider
