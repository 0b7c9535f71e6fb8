// Every shipped example config (deploy/examples/*.yaml) must load cleanly, with keys set and unset,
// and `sluice check` must accept the default one.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/check_cli.h"
#include "config/loader.h"

namespace sluice::config {
namespace {

std::vector<std::filesystem::path> Examples() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SLUICE_SOURCE_DIR) + "/deploy/examples"))
    if (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string Errors(const LoadResult& r, const std::string& file) {
  std::string out;
  for (const ConfigError& e : r.errors) out += FormatError(e, file) + "\n";
  return out;
}

TEST(ExamplesTest, EveryExampleLoadsWithAndWithoutKeys) {
  const std::vector<std::filesystem::path> files = Examples();
  ASSERT_GE(files.size(), 2u);
  const EnvLookup with_keys = MapEnv({{"OPENAI_API_KEY", "sk-test"},
                                      {"ANTHROPIC_API_KEY", "sk-ant-test"},
                                      {"DEEPSEEK_API_KEY", "sk-ds-test"},
                                      {"GEMINI_API_KEY", "g-test"}});
  for (const auto& file : files) {
    for (const EnvLookup& env : {MapEnv({}), with_keys}) {
      LoadResult r = LoadFile(file.string(), env);
      EXPECT_TRUE(r.ok()) << Errors(r, file.string());
    }
  }
}

TEST(ExamplesTest, DefaultConfigShape) {
  const std::string path = std::string(SLUICE_SOURCE_DIR) + "/deploy/examples/default.yaml";
  LoadResult bare = LoadFile(path, MapEnv({}));
  ASSERT_TRUE(bare.ok()) << Errors(bare, path);
  EXPECT_EQ(bare.config->server.listen.host, "127.0.0.1");
  EXPECT_EQ(bare.config->server.listen.port, 8080);
  EXPECT_EQ(bare.config->admin.listen.port, 9090);
  ASSERT_NE(bare.config->FindProvider("mock"), nullptr);
  EXPECT_EQ(bare.config->FindProvider("mock")->base_url, "http://127.0.0.1:8089");
  EXPECT_NE(bare.config->FindModel("mock-gpt"), nullptr);
  EXPECT_NE(bare.config->FindModel("mock-embed"), nullptr);
  EXPECT_EQ(bare.config->FindModel("gpt-4o"), nullptr);  // openai is optional and its key is unset

  LoadResult keyed = LoadFile(path, MapEnv({{"OPENAI_API_KEY", "sk-test"},
                                            {"SLUICE_LISTEN", "0.0.0.0:0"},
                                            {"SLUICE_MOCK_URL", "http://127.0.0.1:41234"}}));
  ASSERT_TRUE(keyed.ok()) << Errors(keyed, path);
  EXPECT_EQ(keyed.config->server.listen.port, 0);
  EXPECT_EQ(keyed.config->FindProvider("mock")->base_url, "http://127.0.0.1:41234");
  for (const char* name : {"gpt-4o", "gpt-4o-mini", "text-embedding-3-small"}) {
    ASSERT_NE(keyed.config->FindModel(name), nullptr) << name;
    EXPECT_EQ(keyed.config->FindModel(name)->provider, "openai");
  }
}

TEST(CheckCliTest, ReportsOkOrErrors) {
  const std::string good = std::string(SLUICE_SOURCE_DIR) + "/deploy/examples/default.yaml";
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const int ok = RunCheckCli(good);
  const std::string out = testing::internal::GetCapturedStdout();
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(ok, 0);
  EXPECT_EQ(out.rfind("ok: ", 0), 0u) << out;
  EXPECT_NE(out.find(" models\n"), std::string::npos) << out;

  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const int bad = RunCheckCli(std::string(SLUICE_SOURCE_DIR) + "/no/such/file.yaml");
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(bad, 1);
  EXPECT_NE(err.find("/no/such/file.yaml: cannot read the config file"), std::string::npos) << err;
}

}  // namespace
}  // namespace sluice::config
