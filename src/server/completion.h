// What one proxied request did, and the exactly-once accounting at its end: metrics (requests, durations,
// time to first token, tokens, the gateway's own overhead) and the access-log line.
// Thread rule: one request, one worker.
#pragma once

#include <optional>
#include <string_view>

#include "dialect/openai_response.h"
#include "server/client_io.h"
#include "server/runtime.h"
#include "server/worker.h"
#include "upstream/connection_pool.h"

namespace sluice::server {

struct RequestRecord {
  upstream::Clock::time_point start;
  std::string_view endpoint;              // "chat" | "embeddings" | "messages" | "responses"
  const RuntimeModel* model = nullptr;    // null until resolved (unknown model)
  const RuntimeProvider* provider = nullptr;  // the target of the latest attempt
  std::string_view upstream_model;            // its model name (the route's, or passthrough_model)
  // A wildcard route sends the client's model name on: a copy, because the record is written after the
  // decoded request that held it is gone.
  std::string passthrough_model;
  uint32_t attempts = 0;
  std::string_view give_up;  // why the router stopped trying (router::GiveUpReasonName), when it did
  int status = 0;                         // sent to the client; 499 = client went away
  std::string_view error_code;            // stable code when the request failed
  bool stream = false;
  bool client_gone = false;
  bool upstream_reused = false;
  upstream::Clock::duration upstream_wait{};  // time awaiting the upstream (connect, head, body/events)
  upstream::Clock::duration client_wait{};    // time blocked writing to the client
  std::optional<upstream::Clock::duration> ttft;
  dialect::TokenUsage usage;
};

// Adds the time until it goes out of scope to one of a RequestRecord's clocks (upstream_wait, client_wait).
struct Timed {
  upstream::Clock::duration& acc;
  upstream::Clock::time_point t0 = upstream::Clock::now();
  ~Timed() { acc += upstream::Clock::now() - t0; }
};

// Records the request when it goes out of scope, whatever path the proxy took.
class CompletionScope {
 public:
  // `metrics`: the shard of the snapshot the request runs on (its model and provider ids are that registry's).
  CompletionScope(WorkerContext& worker, telemetry::WorkerMetrics& metrics, ClientIo& io, RequestRecord& record)
      : worker_(worker), metrics_(&metrics), io_(io), record_(record) {
    metrics_->RequestStarted();
  }
  ~CompletionScope();
  CompletionScope(const CompletionScope&) = delete;
  CompletionScope& operator=(const CompletionScope&) = delete;

 private:
  WorkerContext& worker_;
  telemetry::WorkerMetrics* metrics_;  // the snapshot's shard the request started with (ids match its runtime)
  ClientIo& io_;
  RequestRecord& record_;
};

}  // namespace sluice::server
