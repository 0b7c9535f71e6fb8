// Parsers for the top-level `routing:` section (retry, retry budget, circuit breaker, identity
// headers) and a provider's `load_metrics:` block. Thread rule: called by one thread during a load.
#include <algorithm>
#include <cctype>

#include "config/parse.h"
#include "config/units.h"

namespace sluice::config {
namespace {

constexpr Duration kMaxDuration{24 * 3'600'000};
constexpr Duration kOneMs{1};

void ParseBudget(Reader& r, const Field& field, RetryBudgetConfig& out) {
  std::optional<Mapping> m = r.Map(field, {"ratio", "min_per_second", "window"});
  if (!m) return;
  ReadNumber(r, m->Get("ratio"), 0, 10, out.ratio);
  ReadNumber(r, m->Get("min_per_second"), 0, 1e6, out.min_per_second);
  ReadDuration(r, m->Get("window"), Duration{100}, Duration{3'600'000}, out.window);
}

void ParseBreaker(Reader& r, const Field& field, BreakerConfig& out) {
  std::optional<Mapping> m = r.Map(
      field, {"consecutive_failures", "failure_rate", "min_requests", "window", "base_cooldown",
              "max_cooldown", "half_open_probes", "successes_to_close", "level_decay"});
  if (!m) return;
  ReadUintAs(r, m->Get("consecutive_failures"), 0, 1'000'000, out.consecutive_failures);
  ReadNumber(r, m->Get("failure_rate"), 0, 1, out.failure_rate);
  ReadUintAs(r, m->Get("min_requests"), 1, 1'000'000, out.min_requests);
  ReadDuration(r, m->Get("window"), Duration{100}, Duration{3'600'000}, out.window);
  ReadDuration(r, m->Get("base_cooldown"), kOneMs, kMaxDuration, out.base_cooldown);
  ReadDuration(r, m->Get("max_cooldown"), kOneMs, kMaxDuration, out.max_cooldown);
  ReadUintAs(r, m->Get("half_open_probes"), 1, 1'000, out.half_open_probes);
  ReadUintAs(r, m->Get("successes_to_close"), 1, 1'000, out.successes_to_close);
  ReadDuration(r, m->Get("level_decay"), kOneMs, kMaxDuration, out.level_decay);
  if (out.max_cooldown < out.base_cooldown) {
    r.Error(field.ChildPath("max_cooldown"), field.key_mark,
            "max_cooldown (" + FormatDuration(out.max_cooldown) +
                ") is shorter than base_cooldown (" + FormatDuration(out.base_cooldown) + ")");
  }
  if (out.consecutive_failures == 0 && out.failure_rate == 0)
    r.Warn(field, "both consecutive_failures and failure_rate are 0: the circuit breaker is off");
}

void ReadHeaderName(Reader& r, const Field* field, std::string& out) {
  std::string name;
  if (!ReadString(r, field, name)) return;
  if (!IsHeaderToken(name)) {
    r.Error(*field, "'" + name + "' is not a valid HTTP header name");
    return;
  }
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  out = std::move(name);
}

}  // namespace

void ParseRetry(Reader& r, const Field& field, RetryConfig& out, RetryBudgetConfig* budget) {
  std::vector<std::string_view> keys{"max_attempts",    "initial_backoff", "max_backoff",
                                     "max_retry_after", "attempt_timeout", "deadline"};
  if (budget != nullptr) keys.push_back("budget");
  std::optional<Mapping> m = r.Map(field, keys);
  if (!m) return;
  ReadUintAs(r, m->Get("max_attempts"), 1, 32, out.max_attempts);
  ReadDuration(r, m->Get("initial_backoff"), Duration{0}, kMaxDuration, out.initial_backoff);
  ReadDuration(r, m->Get("max_backoff"), Duration{0}, kMaxDuration, out.max_backoff);
  ReadDuration(r, m->Get("max_retry_after"), Duration{0}, kMaxDuration, out.max_retry_after);
  ReadDuration(r, m->Get("attempt_timeout"), Duration{0}, kMaxDuration, out.attempt_timeout);
  ReadDuration(r, m->Get("deadline"), kOneMs, kMaxDuration, out.deadline);
  if (budget != nullptr) {
    if (const Field* b = m->Get("budget")) ParseBudget(r, *b, *budget);
  }
  if (out.max_backoff < out.initial_backoff) {
    r.Error(field.ChildPath("max_backoff"), field.key_mark,
            "max_backoff (" + FormatDuration(out.max_backoff) +
                ") is shorter than initial_backoff (" + FormatDuration(out.initial_backoff) + ")");
  }
  if (out.attempt_timeout > out.deadline) {
    r.Warn(field.ChildPath("attempt_timeout"), field.key_mark,
           "attempt_timeout (" + FormatDuration(out.attempt_timeout) +
               ") is longer than deadline (" + FormatDuration(out.deadline) +
               "), so the deadline cuts every attempt first");
  }
}

void ParseRouting(Reader& r, const Field* field, RoutingConfig& out) {
  if (field == nullptr) return;
  std::optional<Mapping> m = r.Map(*field, {"retry", "breaker", "consumer_header", "team_header"});
  if (!m) return;
  if (const Field* retry = m->Get("retry")) ParseRetry(r, *retry, out.retry, &out.budget);
  if (const Field* breaker = m->Get("breaker")) ParseBreaker(r, *breaker, out.breaker);
  ReadHeaderName(r, m->Get("consumer_header"), out.consumer_header);
  ReadHeaderName(r, m->Get("team_header"), out.team_header);
  if (out.consumer_header == out.team_header) {
    r.Error(*m->Get(m->Get("team_header") ? "team_header" : "consumer_header"),
            "consumer_header and team_header must differ");
  }
}

void ParseLoadMetrics(Reader& r, const Field& field, const ProviderConfig& provider,
                      LoadMetricsConfig& out) {
  std::optional<Mapping> m = r.Map(field, {"url", "interval", "enabled"});
  if (!m) return;
  ReadBool(r, m->Get("enabled"), out.enabled);
  ReadDuration(r, m->Get("interval"), Duration{100}, Duration{3'600'000}, out.interval);
  std::string url = "/metrics";
  const Field* url_field = m->Get("url");
  if (url_field != nullptr && !ReadString(r, url_field, url)) return;
  if (!url.empty() && url[0] == '/') {
    // vLLM and SGLang serve /metrics at the root even when base_url carries a /v1 prefix, so a
    // path is resolved against the origin, not the prefix.
    Parsed<BaseUrl> base = ParseBaseUrl(provider.base_url);
    if (!base.value) return;  // base_url is already reported
    const std::string& n = base.value->normalized;
    out.url = n.substr(0, n.size() - base.value->path.size()) + url;
    return;
  }
  Parsed<BaseUrl> parsed = ParseBaseUrl(url);
  if (!parsed.value) {
    r.Error(url_field ? *url_field : field,
            "must be a path such as /metrics or an http:// URL: " + parsed.error);
    return;
  }
  out.url = parsed.value->normalized;
  if (parsed.value->path.empty()) out.url += "/metrics";
}

}  // namespace sluice::config
