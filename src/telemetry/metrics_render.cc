// MetricsRegistry::RenderPrometheus: sums every shard and writes the Prometheus text format 0.0.4.
// Families appear in a fixed order, series in config order, so scrapes are stable and diffable.
// Thread rule: runs on the admin thread while workers write; reads relaxed atomics only, never
// blocks them.
#include "telemetry/metrics_lineage.h"
#include "telemetry/metrics_registry.h"
#include "telemetry/prometheus_text.h"

namespace sluice::telemetry {
namespace {

constexpr std::string_view kStatusClassLabels[kStatusClasses] = {"2xx", "4xx", "5xx"};
constexpr std::string_view kDirectionLabels[kTokenDirections] = {"input", "output", "cached_input",
                                                                 "reasoning"};

}  // namespace

std::string MetricsRegistry::RenderPrometheus() const {
  RegistryTotals totals = Collect();
  if (lineage_) lineage_->registries().AddOthers(*this, totals);
  std::string out;
  out.reserve(16 * 1024);
  RenderPairs(totals, out);
  RenderProviders(totals, out);
  RenderGlobals(totals, out);
  return out;
}

void MetricsRegistry::RenderPairs(const RegistryTotals& totals, std::string& out) const {
  const size_t np = provider_names_.size();
  const size_t n = model_names_.size() * np;
  const std::vector<RegistryTotals::Pair>& sums = totals.pairs;
  std::vector<std::string> labels(n);
  for (size_t i = 0; i < n; ++i) {
    labels[i] =
        Label("model", model_names_[i / np]) + "," + Label("provider", provider_names_[i % np]);
  }

  AppendHeader(
      out, "sluice_requests_total", "counter",
      "Requests completed, by client-facing model, answering provider and HTTP status class.");
  for (size_t i = 0; i < n; ++i) {
    for (size_t c = 0; c < kStatusClasses; ++c) {
      if (!declared_pairs_[i] && sums[i].requests[c] == 0) continue;
      AppendSample(out, "sluice_requests_total",
                   labels[i] + "," + Label("status_class", kStatusClassLabels[c]),
                   sums[i].requests[c]);
    }
  }
  AppendHeader(out, "sluice_request_duration_seconds", "histogram",
               "Time from request received to last byte written, by model and provider.");
  for (size_t i = 0; i < n; ++i) {
    if (!declared_pairs_[i] && sums[i].duration.Count() == 0) continue;
    AppendHistogram(out, "sluice_request_duration_seconds", labels[i], DurationLayout(),
                    sums[i].duration);
  }
  AppendHeader(
      out, "sluice_time_to_first_token_seconds", "histogram",
      "Streams only: time from request received to the first token written to the client.");
  for (size_t i = 0; i < n; ++i) {
    if (!declared_pairs_[i] && sums[i].ttft.Count() == 0) continue;
    AppendHistogram(out, "sluice_time_to_first_token_seconds", labels[i], TtftLayout(),
                    sums[i].ttft);
  }
  AppendHeader(
      out, "sluice_tokens_total", "counter",
      "Tokens reported by the upstream's usage, by direction (input, output, cached_input, "
      "reasoning; cached_input is part of input, reasoning part of output).");
  for (size_t i = 0; i < n; ++i) {
    for (size_t d = 0; d < kTokenDirections; ++d) {
      if (!declared_pairs_[i] && sums[i].tokens[d] == 0) continue;
      AppendSample(out, "sluice_tokens_total",
                   labels[i] + "," + Label("direction", kDirectionLabels[d]), sums[i].tokens[d]);
    }
  }
}

void MetricsRegistry::RenderProviders(const RegistryTotals& totals, std::string& out) const {
  const size_t np = provider_names_.size();
  AppendHeader(
      out, "sluice_upstream_duration_seconds", "histogram",
      "Duration of each upstream attempt, request sent to response fully read, by provider.");
  for (size_t p = 1; p < np; ++p) {
    AppendHistogram(out, "sluice_upstream_duration_seconds", Label("provider", provider_names_[p]),
                    DurationLayout(), totals.providers[p].upstream_duration);
  }
  AppendHeader(
      out, "sluice_upstream_errors_total", "counter",
      "Failed upstream attempts by provider and code (gateway error code, or http_<status> "
      "when the upstream answered with an error status).");
  for (size_t p = 1; p < np; ++p) {
    for (size_t e = 0; e < kUpstreamErrorSlots; ++e) {
      uint64_t v = totals.providers[p].errors[e];
      if (v == 0) continue;
      AppendSample(
          out, "sluice_upstream_errors_total",
          Label("provider", provider_names_[p]) + "," + Label("code", UpstreamErrorLabel(e)), v);
    }
  }
  AppendHeader(out, "sluice_upstream_connections_total", "counter",
               "Upstream connections used, by provider: reused=\"true\" taken from the pool, "
               "\"false\" newly created.");
  for (size_t p = 1; p < np; ++p) {
    for (size_t r = 0; r < 2; ++r) {
      AppendSample(
          out, "sluice_upstream_connections_total",
          Label("provider", provider_names_[p]) + "," + Label("reused", r ? "true" : "false"),
          totals.providers[p].connections[r]);
    }
  }
}

void MetricsRegistry::RenderGlobals(const RegistryTotals& totals, std::string& out) const {
  const HistogramSnapshot& overhead = totals.overhead;
  const std::vector<uint64_t>& local = totals.local_replies;
  AppendHeader(
      out, "sluice_gateway_overhead_seconds", "histogram",
      "Time each request spent in the gateway itself: total duration minus time waiting on "
      "upstreams.");
  AppendHistogram(out, "sluice_gateway_overhead_seconds", "", OverheadLayout(), overhead);
  AppendHeader(
      out, "sluice_local_replies_total", "counter",
      "Replies the gateway produced itself (errors, limits, guards), by stable error code.");
  for (size_t c = 0; c < kErrorCodeSlots; ++c) {
    if (local[c] == 0) continue;
    AppendSample(out, "sluice_local_replies_total",
                 Label("code", core::Describe(static_cast<core::ErrorCode>(c)).code), local[c]);
  }
  auto gauge = [&out](std::string_view name, std::string_view help, int64_t v) {
    AppendHeader(out, name, "gauge", help);
    out += name;
    out.push_back(' ');
    AppendInt(out, v);
    out.push_back('\n');
  };
  gauge("sluice_requests_in_flight", "Requests received and not yet completed.", live_->RequestsInFlight());
  gauge("sluice_streams_in_flight", "Streaming responses in progress.", live_->StreamsInFlight());
  gauge("sluice_connections_open", "Client connections currently open.", live_->ConnectionsOpen());
  AppendHeader(out, "sluice_connections_total", "counter", "Client connections accepted.");
  AppendSample(out, "sluice_connections_total", "", live_->ConnectionsTotal());
}

}  // namespace sluice::telemetry
