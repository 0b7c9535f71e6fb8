// Per-worker keep-alive connection pools to upstream origins (plain TCP or TLS with verification and SNI).
// Thread rule: one pool per worker io_context; never touched from another thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "upstream/asio.h"
#include "upstream/deadline.h"
#include "upstream/origin.h"

namespace sluice::upstream {

using Clock = std::chrono::steady_clock;

struct Connection {
  explicit Connection(DeadlineList& deadlines) : deadline(deadlines) {}
  std::optional<Socket> plain;
  std::optional<TlsSocket> secure;
  beast::flat_buffer buffer;
  Deadline deadline;  // armed around every socket operation
  Clock::time_point idle_since{};
  std::string origin_key;
  bool reused = false;
  bool peer_close_watched = false;  // registered for EPOLLRDHUP (upstream/read_drained.h)

  Socket& Sock() { return secure ? secure->next_layer() : *plain; }
};
using ConnectionPtr = std::unique_ptr<Connection>;

// TLS client contexts shared by all workers (SSL_CTX is safe to share once configured).
struct TlsContexts {
  // Verifying context (system CA store plus an optional extra CA file) and a non-verifying one for
  // providers that opt out. Throws at start-up if the CA file cannot be loaded.
  explicit TlsContexts(const std::string& extra_ca_file);
  ssl::context verify{ssl::context::tls_client};
  ssl::context no_verify{ssl::context::tls_client};
};

struct PoolSettings {
  uint32_t max_idle_per_origin = 64;
  std::chrono::milliseconds idle_timeout{60'000};
};

struct PoolStats {
  uint64_t created = 0;
  uint64_t reused = 0;
};

class ConnectionPool {
 public:
  ConnectionPool(net::io_context& ioc, DeadlineList& deadlines, const TlsContexts& tls, PoolSettings settings);

  // A connected (and handshaken) connection to `origin`: a pooled idle one when alive, else a new one.
  Awaitable<core::Result<ConnectionPtr>> Acquire(const Origin& origin, bool tls_verify,
                                                 Clock::time_point connect_deadline);
  // Returns a connection whose last response was read completely and allows keep-alive.
  void Release(ConnectionPtr connection);
  const PoolStats& stats() const { return stats_; }
  size_t IdleCount() const;
  // Where a plain-TCP stream's recv lands (Exchange::ReadAvailable): filled and parsed with no suspension in
  // between, so one buffer serves every connection of the worker, and a burst of events is one recv while a
  // waiting stream keeps only its connection's small buffer.
  std::span<char> read_scratch() { return read_scratch_; }

 private:
  Awaitable<core::Result<ConnectionPtr>> Connect(const Origin& origin, bool tls_verify,
                                                 Clock::time_point deadline);
  net::io_context& ioc_;
  DeadlineList& deadlines_;
  const TlsContexts& tls_;
  PoolSettings settings_;
  std::unordered_map<std::string, std::vector<ConnectionPtr>> idle_;
  PoolStats stats_;
  std::vector<char> read_scratch_ = std::vector<char>(16 * 1024);
};

}  // namespace sluice::upstream
