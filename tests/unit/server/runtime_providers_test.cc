// Tests that every provider type of the config builds into a RuntimeProvider with the right wire, adapter,
// same-dialect auth header and paths; that Bedrock signs exactly the Host the transport sends; and that the
// config's default base URLs agree with the OpenAI preset table.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/loader.h"
#include "config/provider_types.h"
#include "provider/openai_presets.h"
#include "server/proxy_call.h"
#include "server/runtime.h"

namespace sluice::server {
namespace {

std::shared_ptr<const config::Config> Load(const std::string& providers) {
  std::string yaml = "providers:\n" + providers + "models:\n  m: { provider: p }\n";
  config::LoadResult r = config::LoadString(yaml, "t.yaml", config::MapEnv({}));
  std::string all;
  for (const auto& e : r.errors) all += config::FormatError(e, "t.yaml") + "\n";
  EXPECT_TRUE(r.ok()) << all;
  return r.config;
}

const std::string* HeaderOf(const RuntimeProvider& rp, std::string_view name) {
  for (const auto& [k, v] : rp.headers)
    if (k == name) return &v;
  return nullptr;
}

TEST(RuntimeProvidersTest, OpenAiCompatibleWithKeyAndPath) {
  auto cfg = Load("  p: { type: vllm, base_url: \"http://127.0.0.1:9/v1\", api_key: sk-x }\n");
  RuntimeProvider rp = BuildRuntimeProvider(cfg->providers[0], *cfg);
  EXPECT_EQ(rp.wire, Wire::kOpenAi);
  ASSERT_NE(rp.openai_adapter, nullptr);
  ASSERT_NE(HeaderOf(rp, "authorization"), nullptr);
  EXPECT_EQ(*HeaderOf(rp, "authorization"), "Bearer sk-x");
  // The base URL already names /v1: the splice path must not repeat it.
  EXPECT_EQ(provider::OpenAiUpstreamPath(rp.openai_endpoint, provider::OpenAiApi::kChatCompletions, "x"),
            "/chat/completions");
}

TEST(RuntimeProvidersTest, KeylessLocalServerSendsNoAuth) {
  auto cfg = Load("  p: { type: ollama }\n");
  EXPECT_EQ(cfg->providers[0].base_url, "http://localhost:11434");
  RuntimeProvider rp = BuildRuntimeProvider(cfg->providers[0], *cfg);
  EXPECT_EQ(HeaderOf(rp, "authorization"), nullptr);
}

TEST(RuntimeProvidersTest, AzureClassicAndV1) {
  auto classic = Load("  p: { type: azure, base_url: \"https://r.openai.azure.com\", api_key: k1 }\n");
  RuntimeProvider a = BuildRuntimeProvider(classic->providers[0], *classic);
  ASSERT_NE(HeaderOf(a, "api-key"), nullptr);
  EXPECT_EQ(*HeaderOf(a, "api-key"), "k1");
  EXPECT_EQ(provider::OpenAiUpstreamPath(a.openai_endpoint, provider::OpenAiApi::kChatCompletions, "dep 1"),
            "/openai/deployments/dep%201/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(a.adapter->Name(), "azure");

  auto v1 = Load(
      "  p: { type: azure, base_url: \"https://r.openai.azure.com\", api_key: tok, api_version: v1, auth: entra "
      "}\n");
  RuntimeProvider b = BuildRuntimeProvider(v1->providers[0], *v1);
  ASSERT_NE(HeaderOf(b, "authorization"), nullptr);
  EXPECT_EQ(*HeaderOf(b, "authorization"), "Bearer tok");
  EXPECT_EQ(provider::OpenAiUpstreamPath(b.openai_endpoint, provider::OpenAiApi::kEmbeddings, "dep"),
            "/openai/v1/embeddings");
}

TEST(RuntimeProvidersTest, GeminiAndVertexDefaults) {
  auto g = Load("  p: { type: gemini, api_key: g }\n");
  EXPECT_EQ(g->providers[0].base_url, "https://generativelanguage.googleapis.com");
  RuntimeProvider rg = BuildRuntimeProvider(g->providers[0], *g);
  EXPECT_EQ(rg.wire, Wire::kGemini);
  EXPECT_EQ(rg.adapter->Name(), "gemini");

  auto v = Load("  p: { type: vertex, project: my-proj, location: europe-west4, api_key: t }\n");
  EXPECT_EQ(v->providers[0].base_url, "https://europe-west4-aiplatform.googleapis.com");
  RuntimeProvider rv = BuildRuntimeProvider(v->providers[0], *v);
  EXPECT_EQ(rv.adapter->Name(), "vertex");
  ir::ChatRequest req;
  req.model = "m";
  req.messages.push_back(ir::Message{});
  req.messages.back().role = ir::Role::kUser;
  ir::ContentPart text;
  text.kind = ir::PartKind::kText;
  text.text = "hi";
  req.messages.back().parts.push_back(text);
  ClientCall call;
  call.api = ClientApi::kOpenAiChat;
  call.model = "m";
  call.chat = req;
  UpstreamCall up;
  RuntimeTarget target{&rv, "gemini-2.5-flash"};
  ASSERT_TRUE(PrepareUpstreamCall(target, call, "{}", up).ok());
  EXPECT_EQ(up.path,
            "/v1/projects/my-proj/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent");
  auto auth = std::find_if(up.owned_headers.begin(), up.owned_headers.end(),
                           [](const auto& h) { return h.first == "authorization"; });
  ASSERT_NE(auth, up.owned_headers.end());
  EXPECT_EQ(auth->second, "Bearer t");
}

TEST(RuntimeProvidersTest, BedrockSignsTheTransportsHostAndDropsItsOwnHostHeader) {
  auto cfg = Load(
      "  p: { type: bedrock, base_url: \"http://127.0.0.1:4567\", region: us-west-2, access_key_id: AKID, "
      "secret_access_key: s3cr3t }\n");
  RuntimeProvider rp = BuildRuntimeProvider(cfg->providers[0], *cfg);
  EXPECT_EQ(rp.wire, Wire::kBedrock);
  EXPECT_EQ(rp.signed_host, "127.0.0.1:4567");
  EXPECT_EQ(rp.adapter->Framing(), provider::StreamFraming::kAwsEventStream);
  ClientCall call;
  call.api = ClientApi::kOpenAiChat;
  call.model = "m";
  ir::ChatRequest req;
  req.model = "m";
  ir::Message msg;
  msg.role = ir::Role::kUser;
  ir::ContentPart text;
  text.kind = ir::PartKind::kText;
  text.text = "hi";
  msg.parts.push_back(text);
  req.messages.push_back(msg);
  call.chat = req;
  UpstreamCall up;
  RuntimeTarget target{&rp, "anthropic.claude-3-haiku-20240307-v1:0"};
  ASSERT_TRUE(PrepareUpstreamCall(target, call, "{}", up).ok());
  EXPECT_EQ(up.path, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  bool has_host = false, signed_auth = false;
  for (const auto& [k, v] : up.out.headers) {
    if (k == "host" || k == "Host") has_host = true;
    if (k == "authorization" && v.starts_with("AWS4-HMAC-SHA256 Credential=AKID/")) signed_auth = true;
  }
  EXPECT_FALSE(has_host);  // the transport writes Host (the same value) once
  EXPECT_TRUE(signed_auth);

  auto def = Load("  p: { type: bedrock, region: eu-central-1, api_key: bedrock-key }\n");
  EXPECT_EQ(def->providers[0].base_url, "https://bedrock-runtime.eu-central-1.amazonaws.com");
  RuntimeProvider rd = BuildRuntimeProvider(def->providers[0], *def);
  EXPECT_EQ(rd.signed_host, "bedrock-runtime.eu-central-1.amazonaws.com");
}

TEST(RuntimeProvidersTest, ConfigDefaultBaseUrlsMatchThePresetTable) {
  for (const provider::OpenAiPreset& preset : provider::OpenAiPresets()) {
    if (preset.type_name.empty()) continue;
    EXPECT_EQ(config::DefaultBaseUrl(preset.type_name), preset.default_base_url) << preset.type_name;
  }
}

}  // namespace
}  // namespace sluice::server
