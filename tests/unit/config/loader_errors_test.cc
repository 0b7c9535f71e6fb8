// Tests that each class of config error is reported at the right YAML path, line and column, that
// every error is reported in one pass, and that nothing throws whatever the input.
#include <gtest/gtest.h>

#include "config/loader.h"

namespace sluice::config {
namespace {

LoadResult Load(std::string_view yaml, EnvLookup env = MapEnv({})) {
  return LoadString(yaml, "test.yaml", env);
}

// Valid providers/models appended to YAML that exercises one error elsewhere.
constexpr const char* kTail = R"(
providers:
  local: { type: vllm, base_url: "http://127.0.0.1:8000" }
models:
  m: { provider: local }
)";

// Expects exactly one error and returns it.
ConfigError Only(const LoadResult& r) {
  std::string all;
  for (const ConfigError& e : r.errors) all += FormatError(e, "test.yaml") + "\n";
  EXPECT_EQ(r.errors.size(), 1u) << all;
  EXPECT_FALSE(r.config);
  return r.errors.empty() ? ConfigError{} : r.errors[0];
}

TEST(LoaderErrorsTest, UnknownKeyWithSuggestion) {
  ConfigError e = Only(Load(std::string("server:\n  listn: \"0.0.0.0:1\"\n") + kTail));
  EXPECT_EQ(e.path, "server.listn");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "unknown key 'listn' (did you mean 'listen'?)");
  EXPECT_EQ(FormatError(e, "test.yaml"),
            "test.yaml:2:3: server.listn: unknown key 'listn' (did you mean 'listen'?)");
}

TEST(LoaderErrorsTest, UnknownTopLevelKeyWithoutCloseMatch) {
  ConfigError e = Only(Load(std::string("routes: {}\n") + kTail));
  EXPECT_EQ(e.path, "routes");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.message, "unknown key 'routes'");
}

TEST(LoaderErrorsTest, WrongTypes) {
  ConfigError section = Only(Load(std::string("server: 5\n") + kTail));
  EXPECT_EQ(section.path, "server");
  EXPECT_EQ(section.line, 1);
  EXPECT_EQ(section.column, 9);
  EXPECT_NE(section.message.find("expected a mapping"), std::string::npos);

  ConfigError scalar = Only(Load(std::string("admin:\n  enabled: [true]\n") + kTail));
  EXPECT_EQ(scalar.path, "admin.enabled");
  EXPECT_EQ(scalar.line, 2);
  EXPECT_NE(scalar.message.find("got a list"), std::string::npos);

  ConfigError boolean = Only(Load(std::string("admin: { enabled: yes }\n") + kTail));
  EXPECT_EQ(boolean.path, "admin.enabled");
  EXPECT_EQ(boolean.message, "expected true or false (got 'yes')");

  ConfigError null_value = Only(Load(std::string("server:\n  listen:\n") + kTail));
  EXPECT_EQ(null_value.path, "server.listen");
  EXPECT_EQ(null_value.line, 2);
  EXPECT_NE(null_value.message.find("missing value"), std::string::npos);
}

TEST(LoaderErrorsTest, OutOfRangeAndBadNumbers) {
  ConfigError workers = Only(Load(std::string("server: { workers: 0 }\n") + kTail));
  EXPECT_EQ(workers.path, "server.workers");
  EXPECT_EQ(workers.message, "must be 'auto' or a whole number from 1 to 1024 (got '0')");
  ConfigError conns =
      Only(Load(std::string("server: { limits: { max_connections: -3 } }\n") + kTail));
  EXPECT_EQ(conns.path, "server.limits.max_connections");
  EXPECT_NE(conns.message.find("whole number"), std::string::npos);
  ConfigError huge = Only(
      Load(std::string("server: { limits: { max_connections: 99999999999999999999 } }\n") + kTail));
  EXPECT_NE(huge.message.find("between 1 and 1000000"), std::string::npos);
  ConfigError header =
      Only(Load(std::string("server: { limits: { max_header_bytes: 100 } }\n") + kTail));
  EXPECT_EQ(header.message, "must be between 1KiB and 16MiB (got '100')");
}

TEST(LoaderErrorsTest, BadDurationAndSize) {
  LoadResult r = Load(
      std::string("upstream:\n  timeouts:\n    connect: 5\n  max_response_bytes: 64M\n") + kTail);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].path, "upstream.timeouts.connect");
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[0].column, 14);
  EXPECT_NE(r.errors[0].message.find("needs a unit"), std::string::npos);
  EXPECT_EQ(r.errors[1].path, "upstream.max_response_bytes");
  EXPECT_EQ(r.errors[1].line, 4);
  EXPECT_NE(r.errors[1].message.find("unknown size unit 'M'"), std::string::npos);
  ConfigError zero = Only(Load(std::string("streaming: { idle_timeout: 0s }\n") + kTail));
  EXPECT_EQ(zero.message, "must be between 1ms and 24h (got '0s')");
}

TEST(LoaderErrorsTest, BadListenAndUrl) {
  ConfigError listen = Only(Load(std::string("server: { listen: \"8080\" }\n") + kTail));
  EXPECT_EQ(listen.path, "server.listen");
  EXPECT_NE(listen.message.find("expected host:port"), std::string::npos);
  ConfigError url = Only(Load(R"(
providers:
  x: { type: vllm, base_url: "api.example.com" }
models: { m: { provider: x } }
)"));
  EXPECT_EQ(FormatError(url, "f.yaml"),
            "f.yaml:3:30: providers.x.base_url: must be an http:// or https:// URL (got "
            "'api.example.com')");
}

TEST(LoaderErrorsTest, MissingRequiredKeys) {
  LoadResult r = Load(R"(
providers:
  a: { base_url: "http://h" }
  b: { type: openai_compatible }
  c:
    type: openai
    base_url: "https://api.openai.com"
models:
  m: { model: x }
  n: { provider: a }
)");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].path, "providers.a");
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_NE(r.errors[0].message.find("missing required key 'type'"), std::string::npos);
  EXPECT_EQ(r.errors[1].path, "providers.b");
  EXPECT_NE(r.errors[1].message.find("missing required key 'base_url'"), std::string::npos);
  EXPECT_EQ(r.errors[2].path, "providers.c.api_key");
  EXPECT_EQ(r.errors[2].line, 5);
  EXPECT_NE(r.errors[2].message.find("type 'openai' needs one"), std::string::npos);
  EXPECT_EQ(r.errors[3].path, "models.m");
  EXPECT_EQ(r.errors[3].line, 9);
  EXPECT_NE(r.errors[3].message.find("missing required key 'provider'"), std::string::npos);
}

TEST(LoaderErrorsTest, UnsetVariableIsAnErrorAtItsPath) {
  ConfigError e = Only(Load(R"(
providers:
  openai:
    type: openai
    base_url: "https://api.openai.com"
    api_key: "${OPENAI_API_KEY}"
models: { m: { provider: openai } }
)"));
  EXPECT_EQ(e.path, "providers.openai.api_key");
  EXPECT_EQ(e.line, 6);
  EXPECT_EQ(e.column, 14);
  EXPECT_NE(e.message.find("environment variable OPENAI_API_KEY is not set"), std::string::npos);
}

TEST(LoaderErrorsTest, ModelWithUnknownProvider) {
  ConfigError e = Only(Load(R"(
providers:
  openai_main: { type: vllm, base_url: "http://h" }
models:
  gpt: { provider: openai_mian }
)"));
  EXPECT_EQ(e.path, "models.gpt.provider");
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(e.message, "unknown provider 'openai_mian' (did you mean 'openai_main'?)");
}

TEST(LoaderErrorsTest, DuplicateKeys) {
  LoadResult r = Load(R"(
providers:
  p: { type: vllm, base_url: "http://h" }
models:
  m: { provider: p }
  m: { provider: p, model: other }
)");
  ConfigError e = Only(r);
  EXPECT_EQ(e.path, "models.m");
  EXPECT_EQ(e.line, 6);
  EXPECT_EQ(e.message, "duplicate key 'm' (first defined on line 5)");
}

TEST(LoaderErrorsTest, KeysWithDotsAreQuotedInPaths) {
  ConfigError e = Only(Load(R"(
providers:
  p: { type: vllm, base_url: "http://h" }
models:
  qwen2.5: { provider: p, max_body_bytes: lots }
)"));
  EXPECT_EQ(e.path, "models[\"qwen2.5\"].max_body_bytes");
}

TEST(LoaderErrorsTest, NamesAndHeaders) {
  LoadResult r = Load(R"(
providers:
  Bad.Name: { type: vllm, base_url: "http://h" }
  p:
    type: vllm
    base_url: "http://h"
    headers: { Host: x, "bad header": y, X-A: "1", x-a: "2" }
models:
  "has space": { provider: p }
  ok: { provider: p }
)");
  ASSERT_EQ(r.errors.size(), 5u);
  EXPECT_EQ(r.errors[0].path, "providers[\"Bad.Name\"]");
  EXPECT_EQ(r.errors[1].path, "providers.p.headers.Host");
  EXPECT_NE(r.errors[1].message.find("managed by the gateway"), std::string::npos);
  EXPECT_EQ(r.errors[2].path, "providers.p.headers[\"bad header\"]");
  EXPECT_EQ(r.errors[3].path, "providers.p.headers.x-a");
  EXPECT_NE(r.errors[3].message.find("case-insensitive"), std::string::npos);
  EXPECT_EQ(r.errors[4].line, 9);
}

TEST(LoaderErrorsTest, TlsNeedsBothFilesThatExist) {
  ConfigError one =
      Only(Load(std::string("server:\n  tls: { cert_file: /etc/hostname }\n") + kTail));
  EXPECT_EQ(one.path, "server.tls.key_file");
  EXPECT_NE(one.message.find("set together"), std::string::npos);
  LoadResult missing = Load(std::string("server:\n  tls:\n    cert_file: /nonexistent/c.pem\n    "
                                        "key_file: /nonexistent/k.pem\n") +
                            kTail);
  ASSERT_EQ(missing.errors.size(), 2u);
  EXPECT_EQ(missing.errors[0].path, "server.tls.cert_file");
  EXPECT_EQ(missing.errors[0].line, 3);
  EXPECT_EQ(missing.errors[1].line, 4);
  EXPECT_NE(missing.errors[1].message.find("file not found"), std::string::npos);
  ConfigError dir = Only(
      Load(std::string("server: { tls: { cert_file: /, key_file: /etc/hostname } }\n") + kTail));
  EXPECT_NE(dir.message.find("not a regular file"), std::string::npos);
}

TEST(LoaderErrorsTest, CrossSectionChecks) {
  ConfigError port = Only(Load(
      std::string("server: { listen: \"0.0.0.0:9000\" }\nadmin: { listen: \"127.0.0.1:9000\" }\n") +
      kTail));
  EXPECT_EQ(port.path, "admin.listen");
  EXPECT_EQ(port.line, 2);
  // Disabled admin or ephemeral ports do not collide.
  EXPECT_TRUE(
      Load(std::string(
               "server: { listen: \":9000\" }\nadmin: { listen: \":9000\", enabled: false }\n") +
           kTail)
          .ok());
  EXPECT_TRUE(
      Load(std::string("server: { listen: \":0\" }\nadmin: { listen: \":0\" }\n") + kTail).ok());

  ConfigError body = Only(Load(R"(
server: { limits: { max_body_bytes: 1MiB } }
providers: { p: { type: vllm, base_url: "http://h" } }
models: { m: { provider: p, max_body_bytes: 2MiB } }
)"));
  EXPECT_EQ(body.path, "models.m.max_body_bytes");
  EXPECT_NE(body.message.find("exceeds server.limits.max_body_bytes (1MiB)"), std::string::npos);

  ConfigError none = Only(Load("providers: { p: { type: vllm, base_url: \"http://h\" } }\n"));
  EXPECT_EQ(none.path, "models");
  EXPECT_NE(none.message.find("at least one model"), std::string::npos);
}

TEST(LoaderErrorsTest, EmptyAndNonMappingDocuments) {
  for (const char* text : {"", "   \n", "# only a comment\n", "---\n"}) {
    ConfigError e = Only(Load(text));
    EXPECT_NE(e.message.find("the configuration is empty"), std::string::npos) << text;
  }
  ConfigError list = Only(Load("- a\n- b\n"));
  EXPECT_EQ(list.line, 1);
  EXPECT_NE(list.message.find("top level must be a mapping"), std::string::npos);
  ConfigError scalar = Only(Load("hello"));
  EXPECT_NE(scalar.message.find("top level must be a mapping"), std::string::npos);
  ConfigError two = Only(Load(std::string(kTail) + "---\n" + kTail));
  EXPECT_NE(two.message.find("2 YAML documents"), std::string::npos);
}

TEST(LoaderErrorsTest, YamlSyntaxErrorsCarryTheirLine) {
  ConfigError e = Only(Load("server:\n  listen: [1,\nadmin: {}\n"));
  EXPECT_EQ(e.path, "");
  EXPECT_GE(e.line, 2);
  EXPECT_NE(e.message.find("invalid YAML"), std::string::npos);
  ConfigError anchor = Only(Load("server: *nope\n"));
  EXPECT_EQ(anchor.line, 1);
  EXPECT_NE(anchor.message.find("anchor"), std::string::npos);
}

TEST(LoaderErrorsTest, EveryErrorInOnePassSortedByLine) {
  LoadResult r = Load(R"(
server:
  listen: "nope"
  workers: many
  limits: { max_body_bytes: 8XB }
  timeouts: { drain: forever }
admin: { enabled: maybe }
log: { level: infoo }
providers:
  p: { type: vlm, base_url: "ftp://h", extra: 1 }
models:
  m: { provider: q }
)");
  ASSERT_EQ(r.errors.size(), 10u);
  for (size_t i = 1; i < r.errors.size(); ++i) EXPECT_LE(r.errors[i - 1].line, r.errors[i].line);
  EXPECT_EQ(r.errors[0].path, "server.listen");
  EXPECT_EQ(r.errors[5].path, "log.level");
  EXPECT_NE(r.errors[5].message.find("did you mean 'info'"), std::string::npos);
  EXPECT_EQ(r.errors[9].path, "models.m.provider");
  EXPECT_FALSE(r.config);
}

TEST(LoaderErrorsTest, NeverThrowsOnHostileInput) {
  const char* inputs[] = {"\t- x",
                          "{",
                          "]",
                          "a: b: c",
                          "!!binary |\n  ####",
                          "a: &x [*x]",
                          "? [a]\n: b",
                          "providers: { p: [] }\nmodels: { m: [] }",
                          "\xff\xfe\x00\x01",
                          "server: {listen: {}}",
                          "providers:\n  p:\n    headers: [a]\nmodels: 3",
                          "{a: 1, a: 2}",
                          "models: { m: null }"};
  for (const char* input : inputs) {
    LoadResult r;
    EXPECT_NO_THROW(r = Load(input)) << input;
    EXPECT_FALSE(r.ok()) << input;
    EXPECT_FALSE(r.errors.empty()) << input;
  }
}

TEST(LoaderErrorsTest, TabIndentationIsNamed) {
  ConfigError e = Only(Load("server:\n\tlisten: x\n"));
  EXPECT_NE(e.message.find("line 2 is indented with a tab"), std::string::npos) << e.message;
}

TEST(LoaderErrorsTest, NoSuggestionForUnrelatedShortNames) {
  ConfigError e =
      Only(Load("providers: { p: { type: vllm, base_url: \"http://h\" } }\nmodels: { m: { "
                "provider: z } }\n"));
  EXPECT_EQ(e.message, "unknown provider 'z'");
}

TEST(FormatErrorTest, Forms) {
  EXPECT_EQ(FormatError({"a.b", 12, 5, "msg"}, "f.yaml"), "f.yaml:12:5: a.b: msg");
  EXPECT_EQ(FormatError({"", 3, 0, "msg"}, "f.yaml"), "f.yaml:3: msg");
  EXPECT_EQ(FormatError({"", 0, 0, "msg"}, "f.yaml"), "f.yaml: msg");
  EXPECT_EQ(FormatError({"models", 0, 0, "msg"}, ""), "<config>: models: msg");
}

}  // namespace
}  // namespace sluice::config

namespace sluice::config {
namespace {

// yaml-cpp's LoadAll never returns on these (found by fuzz/config_yaml): the loader must answer, not hang.
TEST(LoaderErrorsTest, StrayPunctuationIsAnErrorNotAHang) {
  for (std::string yaml : {",", ",,", " ,\n", ",\n,\n"}) {
    LoadResult r = LoadString(yaml, "test.yaml", [](std::string_view) { return std::optional<std::string>(); });
    ASSERT_FALSE(r.errors.empty()) << "'" << yaml << "'";
  }
}

TEST(LoaderErrorsTest, SecondDocumentIsReportedWhereItStarts) {
  LoadResult r = LoadString("a: 1\n---\nb: 2\n", "test.yaml", [](std::string_view) { return std::optional<std::string>(); });
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find("2 YAML documents"), std::string::npos);
}

}  // namespace
}  // namespace sluice::config
