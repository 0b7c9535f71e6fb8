// Tests for LoadString/LoadFile: a full config round-trips to structs, defaults apply,
// cross-section checks. Error-reporting and secret-handling cases live in loader_errors_test.cc and
// secrets_test.cc.
#include "config/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/provider_types.h"

namespace sluice::config {
namespace {

using std::chrono::milliseconds;

constexpr const char* kMinimal = R"(
providers:
  local: { type: vllm, base_url: "http://127.0.0.1:8000" }
models:
  m: { provider: local }
)";

LoadResult Load(std::string_view yaml, EnvLookup env = MapEnv({})) {
  return LoadString(yaml, "test.yaml", env);
}

std::string AllErrors(const LoadResult& r) {
  std::string out;
  for (const ConfigError& e : r.errors) out += FormatError(e, "test.yaml") + "\n";
  return out;
}

TEST(LoaderTest, MinimalConfigGetsEveryDefault) {
  LoadResult r = Load(kMinimal);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const Config& c = *r.config;
  const Config defaults;
  EXPECT_EQ(c.server.listen.host, "0.0.0.0");
  EXPECT_EQ(c.server.listen.port, 8080);
  EXPECT_EQ(c.server.workers, 0u);
  EXPECT_FALSE(c.server.tls);
  EXPECT_EQ(c.server.limits.max_header_bytes, 16u * 1024);
  EXPECT_EQ(c.server.limits.max_body_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(c.server.limits.max_connections, 10000u);
  EXPECT_EQ(c.server.timeouts.request_read, milliseconds(30'000));
  EXPECT_EQ(c.server.timeouts.drain, defaults.server.timeouts.drain);
  EXPECT_EQ(c.admin.listen.host, "127.0.0.1");
  EXPECT_EQ(c.admin.listen.port, 9090);
  EXPECT_TRUE(c.admin.enabled);
  EXPECT_EQ(c.upstream.timeouts.total, milliseconds(600'000));
  EXPECT_EQ(c.upstream.max_idle_per_origin, 64u);
  EXPECT_EQ(c.upstream.max_response_bytes, 64u * 1024 * 1024);
  EXPECT_EQ(c.upstream.ca_file, "");
  EXPECT_EQ(c.streaming.total_timeout, milliseconds(900'000));
  EXPECT_EQ(c.log.level, "info");
  EXPECT_TRUE(c.log.access_log);
  ASSERT_EQ(c.providers.size(), 1u);
  EXPECT_EQ(c.providers[0].name, "local");
  EXPECT_EQ(c.providers[0].type, ProviderType::kOpenAiCompatible);
  EXPECT_EQ(c.providers[0].type_name, "vllm");
  EXPECT_TRUE(c.providers[0].api_key.empty());
  EXPECT_FALSE(c.providers[0].timeouts);
  EXPECT_TRUE(c.providers[0].tls_verify);
  ASSERT_EQ(c.models.size(), 1u);
  EXPECT_EQ(c.models[0].model, "m");  // upstream name defaults to the key
  EXPECT_EQ(c.models[0].max_body_bytes, 0u);
  EXPECT_EQ(c.source_path, "test.yaml");
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
}

TEST(LoaderTest, FullConfigRoundTrips) {
  LoadResult r = Load(R"(
server:
  listen: "[::1]:0"
  workers: 4
  limits: { max_header_bytes: 32KiB, max_body_bytes: 2MB, max_connections: 500 }
  timeouts: { request_read: 10s, idle_keepalive: 2m, client_write: 1500ms, drain: 0s }
admin: { listen: "127.0.0.1:0", enabled: false }
upstream:
  timeouts: { connect: 2s, first_byte: 20s, idle: 15s, total: 5m }
  max_idle_per_origin: 0
  pool_idle_timeout: 1m30s
  max_response_bytes: 1GiB
streaming: { idle_timeout: 20s, total_timeout: 1h }
log: { level: debug, access_log: false }
providers:
  openai:
    type: openai
    base_url: "https://api.openai.com/"
    api_key: "${OPENAI_API_KEY}"
    headers: { X-Team: ml, OpenAI-Organization: "${ORG:-}" }
    timeouts: { first_byte: 2m }
  local: { type: ollama, base_url: "http://localhost:11434/v1", tls_verify: false }
models:
  gpt-4o: { provider: openai }
  small: { provider: local, model: "qwen2.5:7b", max_body_bytes: 1MiB }
)",
                      MapEnv({{"OPENAI_API_KEY", "sk-test"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const Config& c = *r.config;
  EXPECT_EQ(c.server.listen.host, "::1");
  EXPECT_EQ(c.server.listen.port, 0);
  EXPECT_EQ(c.server.workers, 4u);
  EXPECT_EQ(c.server.limits.max_header_bytes, 32u * 1024);
  EXPECT_EQ(c.server.limits.max_body_bytes, 2'000'000u);
  EXPECT_EQ(c.server.limits.max_connections, 500u);
  EXPECT_EQ(c.server.timeouts.idle_keepalive, milliseconds(120'000));
  EXPECT_EQ(c.server.timeouts.client_write, milliseconds(1'500));
  EXPECT_EQ(c.server.timeouts.drain, milliseconds(0));
  EXPECT_FALSE(c.admin.enabled);
  EXPECT_EQ(c.upstream.timeouts.connect, milliseconds(2'000));
  EXPECT_EQ(c.upstream.max_idle_per_origin, 0u);
  EXPECT_EQ(c.upstream.pool_idle_timeout, milliseconds(90'000));
  EXPECT_EQ(c.upstream.max_response_bytes, uint64_t{1} << 30);
  EXPECT_EQ(c.streaming.idle_timeout, milliseconds(20'000));
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_FALSE(c.log.access_log);

  const ProviderConfig* openai = c.FindProvider("openai");
  ASSERT_NE(openai, nullptr);
  EXPECT_EQ(openai->type, ProviderType::kOpenAi);
  EXPECT_EQ(openai->base_url, "https://api.openai.com");  // trailing slash removed
  EXPECT_EQ(openai->api_key.value, "sk-test");
  EXPECT_EQ(openai->api_key.Redacted(), "<redacted>");
  EXPECT_EQ(openai->headers,
            (std::map<std::string, std::string>{{"X-Team", "ml"}}));  // empty one dropped
  ASSERT_TRUE(openai->timeouts);
  EXPECT_EQ(openai->timeouts->first_byte, milliseconds(120'000));
  EXPECT_EQ(openai->timeouts->connect, milliseconds(2'000));  // inherited from upstream.timeouts
  EXPECT_EQ(openai->timeouts->total, milliseconds(300'000));

  const ProviderConfig* local = c.FindProvider("local");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->type_name, "ollama");
  EXPECT_EQ(local->base_url, "http://localhost:11434/v1");
  EXPECT_FALSE(local->tls_verify);
  EXPECT_EQ(c.FindProvider("nope"), nullptr);

  const ModelConfig* small = c.FindModel("small");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->provider, "local");
  EXPECT_EQ(small->model, "qwen2.5:7b");
  EXPECT_EQ(small->max_body_bytes, 1u << 20);
  EXPECT_EQ(c.FindModel("gpt-4o")->model, "gpt-4o");
  EXPECT_EQ(c.FindModel("missing"), nullptr);
  // Order is file order.
  EXPECT_EQ(c.providers[0].name, "openai");
  EXPECT_EQ(c.models[1].name, "small");
  // tls_verify: false is allowed but said out loud.
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("test.yaml:22:"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[0].find("warning: providers.local.tls_verify"), std::string::npos);
}

TEST(LoaderTest, ProviderTimeoutsInheritUpstreamWrittenLater) {
  LoadResult r = Load(R"(
providers:
  p: { type: vllm, base_url: "http://h", timeouts: { idle: 5s } }
models: { m: { provider: p } }
upstream: { timeouts: { connect: 1s } }
)");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const UpstreamTimeouts& t = *r.config->providers[0].timeouts;
  EXPECT_EQ(t.idle, milliseconds(5'000));
  EXPECT_EQ(t.connect, milliseconds(1'000));
  EXPECT_EQ(t.first_byte, milliseconds(60'000));
}

TEST(LoaderTest, EveryProviderTypeParses) {
  for (std::string_view type : ProviderTypeNames()) {
    std::string yaml =
        "providers:\n  p: { type: " + std::string(type) +
        ", base_url: \"https://h\", api_key: \"${K}\"" +
        (ParseProviderType(type) == ProviderType::kBedrock ? ", region: us-east-1" : "") +
        " }\nmodels: { m: { provider: p } }\n";
    LoadResult r = Load(yaml, MapEnv({{"K", "k"}}));
    ASSERT_TRUE(r.ok()) << type << "\n" << AllErrors(r);
    EXPECT_EQ(r.config->providers[0].type_name, type);
    EXPECT_EQ(r.config->providers[0].type, *ParseProviderType(type));
  }
  EXPECT_EQ(ParseProviderType("vllm"), ProviderType::kOpenAiCompatible);
  EXPECT_EQ(ParseProviderType("azure"), ProviderType::kAzureOpenAi);
  EXPECT_EQ(ParseProviderType("OpenAI"), std::nullopt);
}

TEST(LoaderTest, EnvExpansionInAnyScalar) {
  LoadResult r = Load(R"(
server:
  listen: "${LISTEN:-127.0.0.1:8080}"
  workers: "${WORKERS:-auto}"
  timeouts: { drain: "${DRAIN}" }
providers:
  p: { type: vllm, base_url: "${URL:-http://127.0.0.1:8089}", headers: { X-Price: "$$5" } }
models: { m: { provider: p, model: "${UPSTREAM_MODEL:-fallback-model}" } }
)",
                      MapEnv({{"WORKERS", "3"}, {"DRAIN", "5s"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->server.listen.port, 8080);
  EXPECT_EQ(r.config->server.workers, 3u);
  EXPECT_EQ(r.config->server.timeouts.drain, milliseconds(5'000));
  EXPECT_EQ(r.config->providers[0].base_url, "http://127.0.0.1:8089");
  EXPECT_EQ(r.config->providers[0].headers.at("X-Price"), "$5");
  EXPECT_EQ(r.config->models[0].model, "fallback-model");
}

TEST(LoaderTest, OptionalProviderWithUnsetKeyIsDroppedWithItsModels) {
  constexpr const char* kYaml = R"(
providers:
  mock: { type: openai_compatible, base_url: "http://127.0.0.1:8089" }
  openai: { type: openai, base_url: "https://api.openai.com", api_key: "${OPENAI_API_KEY}", optional: true }
models:
  mock-gpt: { provider: mock }
  gpt-4o: { provider: openai }
  gpt-4o-mini: { provider: openai }
)";
  LoadResult without = Load(kYaml);
  ASSERT_TRUE(without.ok()) << AllErrors(without);
  EXPECT_EQ(without.config->providers.size(), 1u);
  EXPECT_EQ(without.config->models.size(), 1u);
  EXPECT_EQ(without.config->FindModel("gpt-4o"), nullptr);
  ASSERT_EQ(without.warnings.size(), 1u);
  EXPECT_EQ(
      without.warnings[0],
      "test.yaml:4:3: warning: providers.openai: optional provider 'openai' is skipped because "
      "OPENAI_API_KEY is not set (or empty); skipped with it: models gpt-4o, gpt-4o-mini");

  LoadResult empty = Load(kYaml, MapEnv({{"OPENAI_API_KEY", ""}}));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.config->models.size(), 1u);

  LoadResult with = Load(kYaml, MapEnv({{"OPENAI_API_KEY", "sk-1"}}));
  ASSERT_TRUE(with.ok()) << AllErrors(with);
  EXPECT_EQ(with.config->providers.size(), 2u);
  EXPECT_EQ(with.config->models.size(), 3u);
  EXPECT_TRUE(with.warnings.empty());
}

TEST(LoaderTest, OptionalProviderStillReportsItsTypos) {
  LoadResult r = Load(R"(
providers:
  mock: { type: vllm, base_url: "http://h" }
  openai: { type: opnai, base_url: "${URL}", api_key: "${KEY}", optional: true, tls_verfy: false }
models: { m: { provider: mock } }
)");
  ASSERT_EQ(r.errors.size(), 2u) << AllErrors(r);
  EXPECT_EQ(r.errors[0].path, "providers.openai.type");
  EXPECT_NE(r.errors[0].message.find("did you mean 'openai'"), std::string::npos);
  EXPECT_EQ(r.errors[1].path, "providers.openai.tls_verfy");
}

TEST(LoaderTest, AllModelsDroppedIsAnError) {
  LoadResult r = Load(R"(
providers:
  openai: { type: openai, base_url: "https://api.openai.com", api_key: "${K}", optional: true }
models:
  gpt-4o: { provider: openai }
)");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].path, "models");
  EXPECT_EQ(r.errors[0].line, 4);
  EXPECT_NE(r.errors[0].message.find("no models left"), std::string::npos);
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(SLUICE_BINARY_DIR) / "tmp" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

using LoadFileTest = TempDir;

TEST_F(LoadFileTest, TlsFilesResolveAgainstTheConfigDirectory) {
  Write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
  Write("key.pem", "-----BEGIN PRIVATE KEY-----\n");
  std::string path =
      Write("sluice.yaml", std::string(kMinimal) +
                               "server: { tls: { cert_file: cert.pem, key_file: key.pem } }\n");
  LoadResult r = LoadFile(path, MapEnv({}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  ASSERT_TRUE(r.config->server.tls);
  EXPECT_EQ(r.config->server.tls->cert_file, (dir_ / "cert.pem").string());
  EXPECT_EQ(r.config->server.tls->key_file, (dir_ / "key.pem").string());
  EXPECT_EQ(r.config->source_path, path);
}

TEST_F(LoadFileTest, TlsEmptyFromEnvironmentMeansPlainHttp) {
  std::string path =
      Write("sluice.yaml", std::string(kMinimal) +
                               "server:\n  tls: { cert_file: \"${C:-}\", key_file: \"${K:-}\" }\n");
  LoadResult r = LoadFile(path, MapEnv({}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_FALSE(r.config->server.tls);
}

TEST_F(LoadFileTest, CaFileMustExist) {
  Write("ca.pem", "x");
  LoadResult good = LoadFile(
      Write("a.yaml", std::string(kMinimal) + "upstream: { ca_file: ca.pem }\n"), MapEnv({}));
  ASSERT_TRUE(good.ok()) << AllErrors(good);
  EXPECT_EQ(good.config->upstream.ca_file, (dir_ / "ca.pem").string());
  LoadResult bad = LoadFile(
      Write("b.yaml", std::string(kMinimal) + "upstream: { ca_file: nope.pem }\n"), MapEnv({}));
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].path, "upstream.ca_file");
  EXPECT_EQ(bad.errors[0].line, 6);
  EXPECT_NE(bad.errors[0].message.find("file not found"), std::string::npos);
}

TEST_F(LoadFileTest, MissingFileAndDirectory) {
  LoadResult missing = LoadFile((dir_ / "absent.yaml").string(), MapEnv({}));
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].line, 0);
  EXPECT_FALSE(missing.config);
  EXPECT_EQ(FormatError(missing.errors[0], "absent.yaml"),
            "absent.yaml: cannot read the config file: no such file");
  LoadResult directory = LoadFile(dir_.string(), MapEnv({}));
  ASSERT_EQ(directory.errors.size(), 1u);
  EXPECT_NE(directory.errors[0].message.find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace sluice::config
