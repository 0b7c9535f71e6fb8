// A worker: one thread, one io_context, its own SO_REUSEPORT listener, upstream pools and metrics shard.
// Shared-nothing: nothing here is touched by another worker; the admin thread only reads atomics.
// Thread rule: everything in WorkerContext belongs to the worker's thread, except `shared`.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "router/retry_policy.h"
#include "router/rng.h"
#include "router/target_state.h"
#include "server/runtime.h"
#include "server/access_log.h"
#include "telemetry/metrics_registry.h"
#include "upstream/asio.h"
#include "upstream/connection_pool.h"

namespace sluice::server {

class SessionBase;

// Process-wide state shared by the workers and the admin thread. Only atomics and immutable pointers.
struct SharedState {
  // The current config snapshot. Replaced by a reload (SIGHUP); read with std::atomic_load (the admin thread
  // renders its metrics), while each worker keeps its own copy (WorkerContext::runtime_ptr).
  std::shared_ptr<const Runtime> runtime;
  std::unique_ptr<upstream::TlsContexts> upstream_tls;
  std::unique_ptr<ssl::context> server_tls;  // null when TLS termination is off
  std::atomic<bool> draining{false};
  std::atomic<bool> ready{false};
  std::atomic<uint32_t> open_connections{0};
  // Every snapshot's metrics registry joins it: counters go on across a reload, and the gauges of what is open
  // stay balanced.
  std::shared_ptr<telemetry::MetricsLineage> metrics_lineage;
};

struct WorkerContext {
  WorkerContext(unsigned index, SharedState& shared);
  unsigned index;
  SharedState& shared;
  // One thread per io_context and no cross-thread I/O: the reactor's per-descriptor locks are skipped.
  // (The scheduler keeps its lock: the resolver thread and the drain signal post into it.)
  // Declared before the io_context so it outlives it: destroying the io_context destroys the coroutine frames
  // still pending, and their Deadline nodes unlink from this list (the sweep's frame detaches from it).
  upstream::DeadlineList deadlines;  // fired by upstream::SweepDeadlines
  net::io_context ioc{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  upstream::ConnectionPool pool;
  // The config snapshot this worker serves new requests with. A request holds its own reference for its
  // whole life (a reload never pulls a snapshot from under it); everything below that belongs to a snapshot is
  // replaced together by AdoptRuntime.
  std::shared_ptr<const Runtime> runtime_ptr;
  telemetry::WorkerMetrics* metrics;
  // Routing state as this worker sees it (shared-nothing, like the pools): target health and latency
  // by TargetSpec::slot, the retry budget, and the randomness of weighted choices and jitter. Requests hold
  // the states vector by shared_ptr: a reload swaps in a new one without moving the old under them.
  std::shared_ptr<router::TargetStates> target_states;
  router::RetryBudget retry_budget;
  router::Rng rng;
  telemetry::RouterShard* router_metrics;
  AccessLog access_log;
  // Where a stream builds its next batch of client bytes once the client has its first (plain TCP clients):
  // the batch is written at once (ClientIo::WriteNow) with no suspension after it is built, so one string
  // serves every stream; what a slow client leaves unsent is copied into the stream's own string.
  std::string stream_out;
  std::unordered_set<SessionBase*> sessions;
  const Runtime& runtime() const { return *runtime_ptr; }
  // Switches to `next` (on this worker's thread): metrics shards, routing states carried over by target name
  // (a target that survives the reload keeps its health and latency), the retry budget's policy.
  void AdoptRuntime(std::shared_ptr<const Runtime> next);
};

// Each session registers itself so that a drain can close idle keep-alive connections at once.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void OnDrain() = 0;
  // The drain deadline passed: cut the connection so the request in flight unwinds while the worker lives.
  virtual void Abort() = 0;
};

}  // namespace sluice::server
