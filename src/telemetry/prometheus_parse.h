// A parser of the Prometheus text exposition format (0.0.4, as prometheus_client, vLLM, SGLang and TGI
// serve it): comments, HELP/TYPE lines, metric names with colons, label sets with escaped values,
// values including NaN/±Inf, optional millisecond timestamps, and the OpenMetrics `# EOF` marker and
// exemplars (tolerated, ignored). It is as strict as Prometheus' own parser — one malformed line
// fails the whole body, so an HTML error page or a truncated body never reads as "no load" — and
// safe on garbage: no recursion, linear time, and the kept samples are capped.
// Thread rule: pure functions over immutable input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sluice::telemetry {

struct PromLabel {
  std::string name;
  std::string value;  // unescaped
};

struct PromSample {
  std::vector<PromLabel> labels;  // in exposition order
  double value = 0;
  std::optional<int64_t> timestamp_ms;

  // The value of label `name`, or nullptr when the sample has no such label.
  const std::string* Label(std::string_view name) const;
};

struct PromMetrics {
  // Sample name (a histogram's `_bucket`, `_sum` and `_count` are separate names) → its samples in
  // exposition order.
  std::map<std::string, std::vector<PromSample>, std::less<>> samples;
  // Family name → the type its `# TYPE` line declares ("gauge", "counter", ...), and its HELP text.
  std::map<std::string, std::string, std::less<>> types;
  std::map<std::string, std::string, std::less<>> help;
  size_t sample_count = 0;  // samples kept (after the name filter)

  const std::vector<PromSample>* Find(std::string_view name) const;
};

struct PromParseOptions {
  // Keep only samples (and HELP/TYPE) whose name this accepts; every line is still checked. Lets a
  // scraper that needs a handful of gauges skip storing a server's hundreds of histogram buckets.
  std::function<bool(std::string_view name)> keep;
  size_t max_samples = 100'000;     // kept samples; more fails the parse
  size_t max_labels = 64;           // per sample; more fails the parse
  size_t max_bytes = 16u << 20;     // input larger than this fails at once
};

// Parses `text`. Errors are ErrorCode::kUpstreamProtocolError with the 1-based line number.
core::Result<PromMetrics> ParsePrometheusText(std::string_view text, const PromParseOptions& options = {});

// Metric and label name grammar: [a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace sluice::telemetry
