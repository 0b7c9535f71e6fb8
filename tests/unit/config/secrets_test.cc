// Tests that expanded environment values and API keys never appear in errors or warnings.
#include <gtest/gtest.h>

#include "config/loader.h"

namespace sluice::config {
namespace {

constexpr const char* kSecret = "sk-SECRET-4f9a";

std::string Everything(const LoadResult& r) {
  std::string out;
  for (const ConfigError& e : r.errors) out += FormatError(e, "t.yaml") + "\n";
  for (const std::string& w : r.warnings) out += w + "\n";
  return out;
}

TEST(SecretsTest, EnvValuesNeverPrintedInErrors) {
  // The secret is misplaced into every kind of validated field, so each one fails and reports.
  LoadResult r =
      LoadString(R"(
server:
  listen: "${S}"
  workers: "${S}"
  limits: { max_body_bytes: "${S}" }
  timeouts: { drain: "${S}" }
admin: { enabled: "${S}" }
log: { level: "${S}" }
upstream: { ca_file: "${S}" }
providers:
  p:
    type: "${S}"
    base_url: "https://${S}@host"
    api_key: "${NL}"
    headers: { X-Key: "${NL}" }
  q: { type: vllm, base_url: "${S}" }
models:
  m: { provider: "${S}", max_body_bytes: "${S}" }
)",
                 "t.yaml", MapEnv({{"S", kSecret}, {"NL", std::string(kSecret) + "\n"}}));
  ASSERT_GE(r.errors.size(), 13u) << Everything(r);
  const std::string all = Everything(r);
  EXPECT_EQ(all.find("SECRET"), std::string::npos) << all;
  EXPECT_NE(all.find("value of ${S}, not shown"), std::string::npos) << all;
}

TEST(SecretsTest, LiteralKeysInTheFileAreNeverQuoted) {
  LoadResult r = LoadString(R"(
providers:
  a: { type: openai, base_url: "https://api.openai.com", api_key: "sk-SECRET-4f9a" }
  b: { type: openai, base_url: "http://10.1.1.1", api_key: "sk-SECRET-4f9a trailing" }
  c: { type: vllm, base_url: "https://user:sk-SECRET-4f9a@h", headers: { X-Key: "sk-$SECRET" } }
models: { m: { provider: a } }
)",
                            "t.yaml", MapEnv({}));
  const std::string all = Everything(r);
  EXPECT_EQ(all.find("SECRET"), std::string::npos) << all;
  EXPECT_NE(all.find("api_key is written in the file"), std::string::npos) << all;
  EXPECT_NE(all.find("whitespace or control characters"), std::string::npos) << all;
  EXPECT_NE(all.find("must not contain credentials"), std::string::npos) << all;
  EXPECT_NE(all.find("stray '$'"), std::string::npos) << all;
}

TEST(SecretsTest, PlainHttpWithKeyWarnsWithoutTheKey) {
  LoadResult r = LoadString(R"(
providers:
  p: { type: openai, base_url: "http://10.0.0.1:8000", api_key: "${K}" }
models: { m: { provider: p } }
)",
                            "t.yaml", MapEnv({{"K", kSecret}}));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("unencrypted"), std::string::npos);
  EXPECT_EQ(r.warnings[0].find("SECRET"), std::string::npos);
  EXPECT_EQ(r.config->providers[0].api_key.Redacted(), "<redacted>");
}

}  // namespace
}  // namespace sluice::config
