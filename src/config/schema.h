// The configuration as plain structs with their documented defaults (docs/config.md is generated from the
// same knowledge and must match). YAML → these structs (loader.cc) → Validate() → immutable runtime objects.
// Durations are std::chrono::milliseconds, sizes are bytes, secrets are already-expanded strings that must
// never be printed (see Secret).
// Thread rule: plain values; a loaded Config is immutable and shared by pointer-to-const.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

// vLLM / SGLang load scraping (the scraper lives in the server; config only parses and validates).
struct LoadMetricsConfig {
  bool enabled = true;      // writing the block turns it on
  std::string url;          // absolute; a "/path" is resolved against base_url's origin at load
  Duration interval{1'000}; // scrape period
};

struct ProviderConfig {
  std::string name;
  ProviderType type = ProviderType::kOpenAi;
  std::string type_name;   // as written (e.g. "vllm" preset → kOpenAiCompatible)
  std::string base_url;    // origin plus optional path prefix (filled from the type's default when omitted)
  bool base_url_defaulted = false;  // base_url was not written; it is the type's default
  Secret api_key;
  // Azure: api version ("" → 2024-10-21; "v1" → the v1 API); Gemini/Vertex: API version ("" → v1beta / v1).
  std::string api_version;
  std::string auth;        // Azure: "" | "api-key" | "entra" (api_key is then an Entra ID token, sent as Bearer)
  std::string project;     // Vertex: Google Cloud project ("" → express mode, API key)
  std::string location;    // Vertex: region ("us-central1") or "global"
  std::string region;      // Bedrock: AWS region ("us-east-1"), part of the SigV4 scope
  Secret access_key_id;    // Bedrock SigV4 credentials (or api_key as a Bedrock API key)
  Secret secret_access_key;
  Secret session_token;    // temporary (STS) credentials
  std::map<std::string, std::string> headers;  // extra request headers
  std::optional<UpstreamTimeouts> timeouts;    // overrides upstream.timeouts
  bool optional = false;   // skip (with a log line) when api_key references an unset env var
  bool tls_verify = true;
  std::optional<LoadMetricsConfig> load_metrics;
};

// ---- Routing (docs/routing.md). Plain data; router/route_config.h makes router objects of it.

// Request parameters a route may default, clamp or force. kMaxTokens is the output-token limit,
// whatever the client's dialect calls it (max_tokens, max_completion_tokens, max_output_tokens).
enum class Param : uint8_t { kTemperature, kTopP, kMaxTokens, kPresencePenalty, kFrequencyPenalty };
inline constexpr size_t kParamCount = 5;
const char* ParamName(Param param);  // "temperature", "top_p", "max_tokens", ...

struct ParamRule {
  std::optional<double> default_value;   // used when the request does not set it
  std::optional<double> override_value;  // replaces whatever the request says
  std::optional<double> min, max;        // clamp, applied last
  bool empty() const { return !default_value && !override_value && !min && !max; }
  // The value to send: override, else the request's, else the default; then clamped. nullopt:
  // leave the parameter out (the request did not set it and there is no default).
  std::optional<double> Apply(std::optional<double> requested) const;
};

struct ParamPolicy {
  std::array<ParamRule, kParamCount> rules{};
  const ParamRule& operator[](Param p) const { return rules[static_cast<size_t>(p)]; }
  ParamRule& operator[](Param p) { return rules[static_cast<size_t>(p)]; }
  bool empty() const;
  // Field by field: every value `over` sets wins (a target's params over its route's).
  static ParamPolicy Merge(const ParamPolicy& base, const ParamPolicy& over);
};

struct Prices {  // micro-dollars per million tokens ($2.50/Mtok = 2'500'000)
  uint64_t input_per_mtok = 0;
  uint64_t output_per_mtok = 0;
};

// A target's upstream model "*" (the default for targets of pattern routes): send the model name
// the client asked for. Such a target has no built-in price or context window.
inline constexpr std::string_view kPassThroughModel = "*";

struct TargetConfig {
  std::string name;      // how rules refer to it; default "provider/model"
  std::string provider;  // key into providers
  std::string model;     // upstream model name, or kPassThroughModel
  uint32_t weight = 1;   // weighted: share (0 = only when the others failed); least-busy: capacity
  uint32_t priority = 0; // priority: lower first
  std::optional<Prices> prices;                 // absent: the built-in table (model_catalog.h)
  std::optional<uint64_t> context_window;       // tokens; absent: the built-in table, else unknown
  bool tools = true;
  bool images = true;
  ParamPolicy params;  // merged over the route's params
};

enum class StickyBy : uint8_t { kNone, kHeader, kConsumer, kTeam, kUser };
struct StickyConfig {
  StickyBy by = StickyBy::kNone;
  std::string header;  // kHeader: lower-case header name
};

// One condition of a `rules` rule. Attribute names follow router/rules.h: "consumer", "team",
// "header:<lower-case name>", "metadata:<key>"; prompt conditions become "prompt:<n>" attributes.
enum class RuleFieldConfig : uint8_t {
  kInputTokens, kOutputTokens, kTotalTokens, kTools, kImages, kAttribute, kPrompt
};
enum class RuleOpConfig : uint8_t { kEq, kNe, kPrefix, kExists, kAbsent, kGt, kGe, kLt, kLe };
struct RuleConditionConfig {
  RuleFieldConfig field = RuleFieldConfig::kAttribute;
  std::string attribute;  // kAttribute
  RuleOpConfig op = RuleOpConfig::kEq;
  std::string value;      // string comparisons
  uint64_t number = 0;    // token counts; kTools/kImages: 1 = true
  std::string regex;      // kPrompt: PCRE2 pattern (searched, not anchored), or
  std::vector<std::string> keywords;  // kPrompt: any of these, case-insensitive
};

struct RuleConfig {
  std::string name;  // default "rule-<n>" (1-based)
  std::vector<RuleConditionConfig> when;  // all must hold; empty = always
  std::vector<size_t> targets;            // indexes into ModelConfig::targets, attempt order
};

struct AccessPolicy {  // empty = everyone
  std::vector<std::string> consumers;
  std::vector<std::string> teams;
  bool empty() const { return consumers.empty() && teams.empty(); }
  bool Allows(std::string_view consumer, std::string_view team) const;
};

struct RetryConfig {
  uint32_t max_attempts = 3;              // first attempt included, across all targets
  Duration initial_backoff{100};          // full jitter: uniform [0, min(max, initial × 2^n)]
  Duration max_backoff{5'000};
  Duration max_retry_after{2'000};        // longer Retry-After: use another target, or answer the client
  Duration attempt_timeout{0};            // 0: only the deadline
  Duration deadline{600'000};             // whole request, all attempts
};

struct RetryBudgetConfig {
  double ratio = 0.2;          // retries ≤ ratio × requests over the window (per worker)
  double min_per_second = 1.0; // plus this floor
  Duration window{10'000};
};

struct BreakerConfig {
  uint32_t consecutive_failures = 5;  // 0: off
  double failure_rate = 0.5;          // 0: off
  uint32_t min_requests = 20;
  Duration window{10'000};
  Duration base_cooldown{5'000};
  Duration max_cooldown{300'000};
  uint32_t half_open_probes = 1;
  uint32_t successes_to_close = 1;
  Duration level_decay{60'000};
};

struct RoutingConfig {
  RetryConfig retry;
  RetryBudgetConfig budget;  // written as routing.retry.budget
  BreakerConfig breaker;
  std::string consumer_header = "x-sluice-consumer";  // lower case
  std::string team_header = "x-sluice-team";
};

// A client-facing route. `name` is an exact model name, a `*` wildcard or a `/regex/`.
// A route name that matches many model names (a wildcard or /regex/) rather than being one.
bool IsModelPattern(std::string_view name);

struct ModelConfig {
  std::string name;        // client-facing name or pattern
  // The first target's provider and upstream model, for code that knows one target per model.
  std::string provider;
  std::string model;
  uint64_t max_body_bytes = 0;  // 0 = server default
  // A sampling parameter a target's provider cannot honour (n, seed, top_k, stop beyond its limit…) is left
  // out for that target instead of refusing the request with a 400.
  bool drop_unsupported_params = false;
  // Whether POST /v1/messages/count_tokens may answer this route with a local estimate (models without a
  // public tokenizer); false sends the count to the first target's provider. Absent: tokenizer.allow_estimate.
  std::optional<bool> allow_token_estimate;
  std::vector<TargetConfig> targets;  // never empty; `provider:` shorthand = one target
  std::string strategy = "weighted";  // canonical: weighted|priority|least-latency|least-busy|
                                      // least-cost|rules ("fallback" is stored as "priority")
  StickyConfig sticky;
  std::optional<double> epsilon;       // least-latency exploration share; absent: router default
  std::vector<std::string> fallbacks;  // other routes (exact names), tried after these targets
  std::vector<RuleConfig> rules;
  ParamPolicy params;
  AccessPolicy allow;
  std::optional<RetryConfig> retry;  // absent: routing.retry
  bool is_pattern() const;           // wildcard or regex
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
  // The model's Hugging Face tokenizer.json (byte-level BPE), resolved against the config file's folder and
  // checked loadable at load time; set, it counts exactly (excludes encoding/estimate_factor).
  std::string tokenizer_file;
  std::string chat_framing;          // llama3 | chatml | deepseek_v3 | none; empty: detected from the file
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
  RoutingConfig routing;
  std::vector<ProviderConfig> providers;  // in file order
  std::vector<ModelConfig> models;        // in file order
  std::string source_path;

  const ProviderConfig* FindProvider(const std::string& name) const;
  const ModelConfig* FindModel(const std::string& name) const;
};

}  // namespace sluice::config
