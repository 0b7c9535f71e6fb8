// Tests for the provider keys of Azure, Gemini/Vertex and Bedrock: defaults (base_url per type), what each
// type requires, errors at the right line, and secrets never quoted.
#include <gtest/gtest.h>

#include "config/loader.h"

namespace sluice::config {
namespace {

LoadResult Load(std::string_view providers, EnvLookup env = MapEnv({})) {
  std::string yaml = "providers:\n" + std::string(providers) + "models:\n  m: { provider: p }\n";
  return LoadString(yaml, "t.yaml", env);
}

std::string All(const LoadResult& r) {
  std::string all;
  for (const ConfigError& e : r.errors) all += FormatError(e, "t.yaml") + "\n";
  return all;
}

TEST(ProviderKeysTest, DefaultBaseUrls) {
  LoadResult openai = Load("  p: { type: openai, api_key: k }\n");
  ASSERT_TRUE(openai.ok()) << All(openai);
  EXPECT_EQ(openai.config->providers[0].base_url, "https://api.openai.com");
  EXPECT_TRUE(openai.config->providers[0].base_url_defaulted);

  LoadResult mistral = Load("  p: { type: mistral, api_key: k }\n");
  ASSERT_TRUE(mistral.ok()) << All(mistral);
  EXPECT_EQ(mistral.config->providers[0].base_url, "https://api.mistral.ai/v1");

  LoadResult gemini = Load("  p: { type: gemini, api_key: k, api_version: v1 }\n");
  ASSERT_TRUE(gemini.ok()) << All(gemini);
  EXPECT_EQ(gemini.config->providers[0].base_url, "https://generativelanguage.googleapis.com");
  EXPECT_EQ(gemini.config->providers[0].api_version, "v1");

  LoadResult vertex = Load("  p: { type: vertex, project: proj-1, location: us-central1 }\n");
  ASSERT_TRUE(vertex.ok()) << All(vertex);
  EXPECT_EQ(vertex.config->providers[0].base_url, "https://us-central1-aiplatform.googleapis.com");
  LoadResult global = Load("  p: { type: vertex, project: proj-1, location: global }\n");
  ASSERT_TRUE(global.ok()) << All(global);
  EXPECT_EQ(global.config->providers[0].base_url, "https://aiplatform.googleapis.com");

  LoadResult bedrock = Load("  p: { type: bedrock, region: eu-west-1, api_key: \"${BK}\" }\n", MapEnv({{"BK", "x"}}));
  ASSERT_TRUE(bedrock.ok()) << All(bedrock);
  EXPECT_EQ(bedrock.config->providers[0].base_url, "https://bedrock-runtime.eu-west-1.amazonaws.com");

  LoadResult given = Load("  p: { type: openai, api_key: k, base_url: \"http://127.0.0.1:1\" }\n");
  ASSERT_TRUE(given.ok());
  EXPECT_FALSE(given.config->providers[0].base_url_defaulted);
}

TEST(ProviderKeysTest, NoDefaultForAzureAndGenericCompatible) {
  LoadResult r = Load("  p: { type: azure, api_key: k }\n");
  ASSERT_EQ(r.errors.size(), 1u) << All(r);
  EXPECT_EQ(r.errors[0].path, "providers.p");
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find("missing required key 'base_url'"), std::string::npos);
  EXPECT_NE(r.errors[0].message.find("'azure' has no default"), std::string::npos);
}

TEST(ProviderKeysTest, AzureKeys) {
  LoadResult ok = Load("  p: { type: azure, base_url: \"https://r.openai.azure.com\", api_key: k, auth: entra, api_version: "
                       "2025-01-01-preview }\n");
  ASSERT_TRUE(ok.ok()) << All(ok);
  EXPECT_EQ(ok.config->providers[0].auth, "entra");
  EXPECT_EQ(ok.config->providers[0].api_version, "2025-01-01-preview");

  LoadResult bad = Load("  p: { type: azure, base_url: \"https://r.openai.azure.com\", api_key: k, auth: oauth }\n");
  ASSERT_EQ(bad.errors.size(), 1u) << All(bad);
  EXPECT_EQ(bad.errors[0].path, "providers.p.auth");
  EXPECT_EQ(bad.errors[0].message, "auth must be api-key, entra or bearer (got 'oauth')");

  LoadResult nokey = Load("  p: { type: azure, base_url: \"https://r.openai.azure.com\" }\n");
  ASSERT_EQ(nokey.errors.size(), 1u) << All(nokey);
  EXPECT_NE(nokey.errors[0].message.find("type 'azure' needs one"), std::string::npos);
}

TEST(ProviderKeysTest, KeysOnTheWrongTypeAreErrors) {
  LoadResult r = Load(
      "  p:\n    type: openai\n    api_key: k\n    region: us-east-1\n    project: x\n    auth: entra\n"
      "    secret_access_key: s\n");
  ASSERT_EQ(r.errors.size(), 4u) << All(r);
  EXPECT_EQ(r.errors[0].path, "providers.p.region");
  EXPECT_EQ(r.errors[0].line, 5);
  EXPECT_EQ(r.errors[0].message, "'region' applies only to type bedrock");
  EXPECT_EQ(r.errors[1].message, "'project' applies only to type vertex");
  EXPECT_EQ(r.errors[2].message, "'auth' applies only to type azure");
  EXPECT_EQ(r.errors[3].message, "'secret_access_key' applies only to type bedrock");
}

TEST(ProviderKeysTest, BedrockCredentials) {
  EnvLookup env = MapEnv({{"AK", "AKID"}, {"SK", "very-secret-value"}, {"ST", "session-tok"}});
  LoadResult ok = Load(
      "  p: { type: bedrock, region: us-east-1, access_key_id: \"${AK}\", secret_access_key: \"${SK}\", "
      "session_token: \"${ST}\" }\n",
      env);
  ASSERT_TRUE(ok.ok()) << All(ok);
  EXPECT_EQ(ok.config->providers[0].secret_access_key.value, "very-secret-value");
  EXPECT_EQ(ok.config->providers[0].session_token.value, "session-tok");

  LoadResult none = Load("  p: { type: bedrock, region: us-east-1 }\n");
  ASSERT_EQ(none.errors.size(), 1u) << All(none);
  EXPECT_NE(none.errors[0].message.find("type bedrock needs credentials"), std::string::npos);

  LoadResult half = Load("  p: { type: bedrock, region: us-east-1, access_key_id: \"${AK}\" }\n", env);
  ASSERT_EQ(half.errors.size(), 1u) << All(half);
  EXPECT_EQ(half.errors[0].path, "providers.p.access_key_id");
  EXPECT_NE(half.errors[0].message.find("secret_access_key is missing"), std::string::npos);

  LoadResult noregion = Load("  p: { type: bedrock, api_key: \"${AK}\" }\n", env);
  ASSERT_EQ(noregion.errors.size(), 1u) << All(noregion);
  EXPECT_NE(noregion.errors[0].message.find("missing required key 'region'"), std::string::npos);

  LoadResult badregion = Load("  p: { type: bedrock, region: \"us east\", api_key: \"${AK}\" }\n", env);
  ASSERT_EQ(badregion.errors.size(), 1u) << All(badregion);
  EXPECT_EQ(badregion.errors[0].path, "providers.p.region");
}

TEST(ProviderKeysTest, SecretsAreNeverQuoted) {
  LoadResult r = Load(
      "  p: { type: bedrock, region: us-east-1, access_key_id: \"AKIDPLAIN\", secret_access_key: \"bad secret\" }\n");
  std::string all = All(r);
  for (const auto& w : r.warnings) all += w + "\n";
  EXPECT_EQ(all.find("bad secret"), std::string::npos) << all;
  EXPECT_EQ(all.find("AKIDPLAIN"), std::string::npos) << all;
  ASSERT_EQ(r.errors.size(), 1u) << all;
  EXPECT_NE(r.errors[0].message.find("secret_access_key contains whitespace"), std::string::npos);
  // A key written in the file is a warning that names the key, not the value.
  EXPECT_NE(all.find("access_key_id is written in the file"), std::string::npos) << all;
}

TEST(ProviderKeysTest, OptionalBedrockDropsWhenKeysAreUnsetButNotForAnEmptySessionToken) {
  std::string yaml =
      "providers:\n  b: { type: bedrock, region: us-east-1, access_key_id: \"${AK}\", secret_access_key: \"${SK}\","
      " session_token: \"${ST:-}\", optional: true }\n  o: { type: vllm }\nmodels:\n  m: { provider: b }\n"
      "  n: { provider: o }\n";
  LoadResult unset = LoadString(yaml, "t.yaml", MapEnv({}));
  ASSERT_TRUE(unset.ok()) << All(unset);
  EXPECT_EQ(unset.config->FindProvider("b"), nullptr);
  LoadResult set = LoadString(yaml, "t.yaml", MapEnv({{"AK", "a"}, {"SK", "s"}}));
  ASSERT_TRUE(set.ok()) << All(set);
  ASSERT_NE(set.config->FindProvider("b"), nullptr);
  EXPECT_TRUE(set.config->FindProvider("b")->session_token.empty());
}

TEST(ProviderKeysTest, VertexProjectNeedsLocation) {
  LoadResult r = Load("  p: { type: vertex, project: proj-1 }\n");
  ASSERT_EQ(r.errors.size(), 1u) << All(r);
  EXPECT_NE(r.errors[0].message.find("missing required key 'location'"), std::string::npos);
}

}  // namespace
}  // namespace sluice::config
