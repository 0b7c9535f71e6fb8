#include "server/completion.h"

#include <chrono>

#include "server/access_log.h"

namespace sluice::server {
namespace {

int64_t Micros(upstream::Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

}  // namespace

CompletionScope::~CompletionScope() {
  auto total = upstream::Clock::now() - record_.start;
  auto waited = record_.upstream_wait + record_.client_wait;
  auto overhead = total > waited ? total - waited : upstream::Clock::duration::zero();

  auto ns = [](upstream::Clock::duration d) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
  };
  telemetry::RequestRecord sample;
  sample.model = record_.model ? record_.model->metric_id : telemetry::kUnknownModel;
  sample.provider = record_.provider ? record_.provider->metric_id : telemetry::kNoProvider;
  sample.status = record_.status;
  sample.stream = record_.stream;
  sample.total_ns = ns(total);
  // The overhead histogram is total minus upstream wait; time blocked on a slow client is not the
  // gateway's own work either, so it is counted with the wait.
  sample.upstream_wait_ns = ns(waited < total ? waited : total);
  sample.ttft_ns = record_.ttft ? ns(*record_.ttft) : 0;
  sample.tokens.input = record_.usage.input;
  sample.tokens.output = record_.usage.output;
  sample.tokens.cached_input = record_.usage.cached_input;
  sample.tokens.reasoning = record_.usage.reasoning;
  metrics_->RecordRequest(sample);
  if (record_.provider && record_.upstream_wait.count() > 0)
    metrics_->RecordUpstream(record_.provider->metric_id, ns(record_.upstream_wait));
  metrics_->RequestEnded();

  if (!worker_.access_log.enabled()) return;
  std::string& out = worker_.access_log.Buffer();
  JsonLine line(out);
  std::string ts;
  AppendTimestamp(ts);
  line.Str("ts", ts).Str("event", "request").Str("endpoint", record_.endpoint);
  line.Str("model", record_.model ? std::string_view(record_.model->name) : std::string_view("unknown"));
  if (record_.provider) {
    line.Str("provider", record_.provider->config->name).Str("upstream_model", record_.upstream_model);
    if (record_.attempts > 1) line.Num("attempts", record_.attempts);
  }
  // Also when no attempt could be made (every target ejected or throttled): the reason is the whole story.
  if (!record_.give_up.empty() && record_.give_up != "none") line.Str("give_up", record_.give_up);
  line.Num("status", record_.status).Bool("stream", record_.stream);
  if (!record_.error_code.empty()) line.Str("code", record_.error_code);
  line.Num("duration_us", Micros(total)).Num("upstream_us", Micros(record_.upstream_wait));
  line.Num("overhead_us", Micros(overhead));
  if (record_.ttft) line.Num("ttft_us", Micros(*record_.ttft));
  if (record_.usage.present) {
    line.Num("input_tokens", static_cast<int64_t>(record_.usage.input))
        .Num("output_tokens", static_cast<int64_t>(record_.usage.output))
        .Num("cached_tokens", static_cast<int64_t>(record_.usage.cached_input))
        .Num("reasoning_tokens", static_cast<int64_t>(record_.usage.reasoning));
  }
  if (record_.client_gone) {
    line.Bool("client_disconnected", true);
    // A connection cut by the drain deadline is the gateway's doing, not the client's.
    if (record_.error_code.empty() && worker_.shared.draining.load(std::memory_order_relaxed))
      line.Str("code", "shutting_down");
  }
  line.Str("peer", io_.PeerAddress());
  line.End();
  worker_.access_log.Committed();
}

}  // namespace sluice::server
