// The configuration as plain structs with their documented defaults (docs/config.md is generated from the
// same knowledge and must match). YAML → these structs (loader.cc) → Validate() → immutable runtime objects.
// Durations are std::chrono::milliseconds, sizes are bytes, secrets are already-expanded strings that must
// never be printed (see Secret).
// Thread rule: plain values; a loaded Config is immutable and shared by pointer-to-const.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::config {

using Duration = std::chrono::milliseconds;

// A secret value (API key). Holds the expanded value; its printable form is redacted.
struct Secret {
  std::string value;
  bool empty() const { return value.empty(); }
  std::string Redacted() const { return value.empty() ? "" : "<redacted>"; }
};

struct Endpoint {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;  // 0 = ephemeral (the bound port is announced on stdout)
};

struct TlsServerConfig {
  std::string cert_file;  // PEM chain; TLS is on when both files are set
  std::string key_file;
};

struct ServerLimits {
  uint32_t max_header_bytes = 16 * 1024;          // larger: 431
  uint64_t max_body_bytes = 8 * 1024 * 1024;      // larger: 413
  uint32_t max_connections = 10000;               // per process; extra connections are closed at accept
};

struct ServerTimeouts {
  Duration request_read{30'000};   // whole request (headers + body) must arrive within this
  Duration idle_keepalive{60'000}; // idle keep-alive connection is closed after this
  Duration client_write{30'000};   // a single write to a slow client may block at most this long
  Duration drain{30'000};          // on SIGTERM, in-flight work gets this long to finish
};

struct ServerConfig {
  Endpoint listen{"0.0.0.0", 8080};
  unsigned workers = 0;  // 0 = one per core ("auto")
  std::optional<TlsServerConfig> tls;
  ServerLimits limits;
  ServerTimeouts timeouts;
};

struct AdminConfig {
  Endpoint listen{"127.0.0.1", 9090};
  bool enabled = true;
};

struct UpstreamTimeouts {
  Duration connect{5'000};       // TCP connect + TLS handshake
  Duration first_byte{60'000};   // request sent → response headers
  Duration idle{30'000};         // between body bytes / stream events
  Duration total{600'000};       // whole upstream exchange, streams included
};

struct UpstreamConfig {
  UpstreamTimeouts timeouts;
  uint32_t max_idle_per_origin = 64;  // per worker
  Duration pool_idle_timeout{60'000}; // pooled connection unused this long is closed
  uint64_t max_response_bytes = 64 * 1024 * 1024;  // non-streaming body limit
  std::string ca_file;                // extra CA bundle (PEM); default: the system store
};

enum class ProviderType { kOpenAi, kOpenAiCompatible, kAzureOpenAi, kAnthropic, kGemini, kVertex, kBedrock };

struct ProviderConfig {
  std::string name;
  ProviderType type = ProviderType::kOpenAi;
  std::string type_name;   // as written (e.g. "vllm" preset → kOpenAiCompatible)
  std::string base_url;    // origin plus optional path prefix
  Secret api_key;
  std::map<std::string, std::string> headers;  // extra request headers
  std::optional<UpstreamTimeouts> timeouts;    // overrides upstream.timeouts
  bool optional = false;   // skip (with a log line) when api_key references an unset env var
  bool tls_verify = true;
};

struct ModelConfig {
  std::string name;        // client-facing
  std::string provider;    // key into providers
  std::string model;       // upstream model name (default: the client-facing name)
  uint64_t max_body_bytes = 0;  // 0 = server default
};

struct StreamingConfig {
  Duration idle_timeout{60'000};   // no event from upstream for this long ends the stream with an error
  Duration total_timeout{900'000}; // whole stream
};

struct LogConfig {
  std::string level = "info";  // trace|debug|info|warn|error|off
  bool access_log = true;      // one structured line per request at completion
};

// Token counting (src/tokenizer): overrides of the built-in model → tokenizer table, longest prefix wins.
struct TokenizerModelRule {
  std::string prefix;                // matched against the client-facing and upstream model names
  std::string encoding = "o200k_base";  // o200k_base | cl100k_base
  double estimate_factor = 0;        // 0: the encoding is the model's exact tokenizer; >0: count × factor,
                                     // reported as an estimate
};

struct TokenizerConfig {
  bool preload = false;        // load the vocabularies (~21 MB) at start-up instead of on the first count
  bool allow_estimate = true;  // count_tokens may answer with an estimate for models without a public tokenizer
  std::vector<TokenizerModelRule> models;
};

struct Config {
  ServerConfig server;
  AdminConfig admin;
  UpstreamConfig upstream;
  StreamingConfig streaming;
  LogConfig log;
  TokenizerConfig tokenizer;
  std::vector<ProviderConfig> providers;  // in file order
  std::vector<ModelConfig> models;        // in file order
  std::string source_path;

  const ProviderConfig* FindProvider(const std::string& name) const;
  const ModelConfig* FindModel(const std::string& name) const;
};

}  // namespace sluice::config
