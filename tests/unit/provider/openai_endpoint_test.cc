// Upstream paths and auth headers of OpenAI-dialect providers (reference §1, §6, §7).
#include "provider/openai_endpoint.h"

#include <gtest/gtest.h>

namespace sluice::provider {
namespace {

OpenAiEndpointConfig Config(std::string_view type, std::string_view base_url, std::string_view api_version = {},
                            std::string_view auth = {}) {
  auto c = MakeOpenAiEndpointConfig(type, base_url, api_version, auth);
  EXPECT_TRUE(c.has_value());
  return c.value_or(OpenAiEndpointConfig{});
}

TEST(OpenAiEndpoint, OpenAiAndCompatiblePathsWithAndWithoutVersionInTheBaseUrl) {
  struct Case {
    std::string_view type, base_url, chat, embeddings, models;
  };
  for (const Case& c : {
           Case{"openai", "https://api.openai.com", "/v1/chat/completions", "/v1/embeddings", "/v1/models"},
           Case{"openai", "https://api.openai.com/", "/v1/chat/completions", "/v1/embeddings", "/v1/models"},
           Case{"vllm", "http://10.0.0.5:8000/v1", "/chat/completions", "/embeddings", "/models"},
           Case{"vllm", "http://10.0.0.5:8000/v1/", "/chat/completions", "/embeddings", "/models"},
           Case{"ollama", "http://localhost:11434", "/v1/chat/completions", "/v1/embeddings", "/v1/models"},
           Case{"groq", "https://api.groq.com/openai/v1", "/chat/completions", "/embeddings", "/models"},
           Case{"openrouter", "https://openrouter.ai/api/v1", "/chat/completions", "/embeddings", "/models"},
           Case{"zhipu", "https://open.bigmodel.cn/api/paas/v4", "/chat/completions", "/embeddings", "/models"},
           Case{"openai_compatible", "https://gw.example.com/proxy", "/v1/chat/completions", "/v1/embeddings",
                "/v1/models"},
       }) {
    OpenAiEndpointConfig cfg = Config(c.type, c.base_url);
    EXPECT_EQ(cfg.flavor, OpenAiFlavor::kOpenAi);
    EXPECT_EQ(OpenAiUpstreamPath(cfg, OpenAiApi::kChatCompletions, "m"), c.chat) << c.base_url;
    EXPECT_EQ(OpenAiUpstreamPath(cfg, OpenAiApi::kEmbeddings, "m"), c.embeddings) << c.base_url;
    EXPECT_EQ(OpenAiUpstreamPath(cfg, OpenAiApi::kModels, "m"), c.models) << c.base_url;
  }
  EXPECT_EQ(Config("openai", "https://x.test/v1?ignored=1#f").base_path, "/v1");
  EXPECT_EQ(OpenAiUpstreamPath(Config("openai", "https://api.openai.com"), OpenAiApi::kResponses, "m"),
            "/v1/responses");
}

TEST(OpenAiEndpoint, BearerAuthAndNoHeaderWithoutAKey) {
  OpenAiEndpointConfig cfg = Config("vllm", "http://localhost:8000/v1");
  EXPECT_FALSE(OpenAiAuthHeader(cfg, "").has_value());  // local vLLM / Ollama: no "Bearer " header
  auto h = OpenAiAuthHeader(cfg, "sk-test");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->name, "authorization");
  EXPECT_EQ(h->value, "Bearer sk-test");
  // A gateway that wants api-key even though it speaks OpenAI.
  h = OpenAiAuthHeader(Config("openai_compatible", "https://gw.test", {}, "api-key"), "k");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->name, "api-key");
}

TEST(OpenAiEndpoint, AzureClassicDeploymentPathsAndApiKeyHeader) {
  OpenAiEndpointConfig cfg = Config("azure", "https://res.openai.azure.com");
  EXPECT_EQ(cfg.flavor, OpenAiFlavor::kAzure);
  EXPECT_FALSE(IsAzureV1(cfg));
  EXPECT_EQ(OpenAiUpstreamPath(cfg, OpenAiApi::kChatCompletions, "gpt-4o-prod"),
            "/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(OpenAiUpstreamPath(cfg, OpenAiApi::kEmbeddings, "emb 3/large"),
            "/openai/deployments/emb%203%2Flarge/embeddings?api-version=2024-10-21");
  EXPECT_EQ(OpenAiUpstreamPath(cfg, OpenAiApi::kModels, "x"), "/openai/models?api-version=2024-10-21");
  auto h = OpenAiAuthHeader(cfg, "azkey");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->name, "api-key");
  EXPECT_EQ(h->value, "azkey");

  OpenAiEndpointConfig preview = Config("azure_openai", "https://res.cognitiveservices.azure.com/openai/",
                                        "2025-04-01-preview");
  EXPECT_EQ(OpenAiUpstreamPath(preview, OpenAiApi::kChatCompletions, "o3"),
            "/deployments/o3/chat/completions?api-version=2025-04-01-preview");  // base already has /openai
  EXPECT_EQ(OpenAiUpstreamPath(preview, OpenAiApi::kResponses, "o3"),
            "/responses?api-version=2025-04-01-preview");
}

TEST(OpenAiEndpoint, AzureV1ByBaseUrlOrApiVersion) {
  OpenAiEndpointConfig by_url = Config("azure", "https://res.openai.azure.com/openai/v1/");
  EXPECT_TRUE(IsAzureV1(by_url));
  EXPECT_EQ(OpenAiUpstreamPath(by_url, OpenAiApi::kChatCompletions, "gpt-4o-prod"), "/chat/completions");
  EXPECT_EQ(OpenAiUpstreamPath(by_url, OpenAiApi::kResponses, "gpt-4o-prod"), "/responses");

  OpenAiEndpointConfig by_version = Config("azure", "https://res.openai.azure.com", "v1");
  EXPECT_TRUE(IsAzureV1(by_version));
  EXPECT_EQ(OpenAiUpstreamPath(by_version, OpenAiApi::kChatCompletions, "d"), "/openai/v1/chat/completions");
  EXPECT_EQ(OpenAiUpstreamPath(by_version, OpenAiApi::kModels, "d"), "/openai/v1/models");

  // While in preview the v1 API needed ?api-version=preview; a dated version belongs to the classic API.
  EXPECT_EQ(OpenAiUpstreamPath(Config("azure", "https://r.openai.azure.com/openai/v1", "preview"),
                               OpenAiApi::kChatCompletions, "d"),
            "/chat/completions?api-version=preview");
  EXPECT_EQ(OpenAiUpstreamPath(Config("azure", "https://r.openai.azure.com/openai/v1", "2024-10-21"),
                               OpenAiApi::kChatCompletions, "d"),
            "/chat/completions");
}

TEST(OpenAiEndpoint, AzureEntraTokenAsBearer) {
  for (std::string_view auth : {"entra", "bearer"}) {
    auto h = OpenAiAuthHeader(Config("azure", "https://res.openai.azure.com", {}, auth), "eyJ0eXAi");
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->name, "authorization");
    EXPECT_EQ(h->value, "Bearer eyJ0eXAi");
  }
  EXPECT_FALSE(MakeOpenAiEndpointConfig("azure", "https://r", {}, "basic").has_value());
}

TEST(OpenAiEndpoint, PercentEncodesEverythingButUnreserved) {
  EXPECT_EQ(PercentEncodePathSegment("a-b.c_d~E9"), "a-b.c_d~E9");
  EXPECT_EQ(PercentEncodePathSegment("a/b?c#d é"), "a%2Fb%3Fc%23d%20%C3%A9");
}

}  // namespace
}  // namespace sluice::provider
