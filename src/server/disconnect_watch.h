// Watches the client connection while the gateway waits on an upstream: if the client closes, the upstream
// exchange is cancelled at once (the provider stops generating, and billing, for nobody).
// On plain TCP the watch is a one-byte MSG_PEEK read of the client socket with a plain callback, and Stop()
// ends it synchronously: no coroutine, no timer, nothing to await on the request path. A TLS watch has a
// record read in flight that must finish before the connection is read again, so Stop() may return false
// and Ended() is then awaited.
// Thread rule: one worker.
#pragma once

#include <optional>

#include "server/client_io.h"
#include "upstream/exchange.h"

namespace sluice::server {

class DisconnectWatch final : private DisconnectListener {
 public:
  DisconnectWatch(net::io_context& ioc, ClientIo& io, upstream::Exchange* exchange = nullptr)
      : ioc_(ioc), io_(io), exchange_(exchange) {
    io_.StartWatch(*this);
  }
  DisconnectWatch(const DisconnectWatch&) = delete;
  DisconnectWatch& operator=(const DisconnectWatch&) = delete;
  // A request unwound without Stop() (the worker shutting down) must not leave the session calling back
  // into a dead watch.
  ~DisconnectWatch() {
    if (!ended_) io_.AbandonWatch();
  }

  bool client_gone() const { return client_gone_; }
  // The exchange to cancel if the client goes away (each attempt of a fallback chain has its own).
  void Bind(upstream::Exchange* exchange) { exchange_ = exchange; }

  // Stops watching; true when the watch has ended, false when Ended() must be awaited (TLS).
  bool Stop() {
    if (!ended_) io_.StopWatching();
    return ended_;
  }
  Awaitable<void> Ended() {
    while (!ended_) {
      if (!wake_) {
        wake_.emplace(ioc_);
        wake_->expires_at(upstream::Clock::time_point::max());
      }
      co_await wake_->async_wait(kUseTuple);
    }
  }

 private:
  void OnClientGone() override {
    client_gone_ = true;
    if (exchange_) exchange_->Cancel();
  }
  void OnWatchEnded() override {
    ended_ = true;
    if (wake_) wake_->cancel();
  }

  net::io_context& ioc_;
  ClientIo& io_;
  upstream::Exchange* exchange_;
  std::optional<net::steady_timer> wake_;  // only a TLS stop waits
  bool client_gone_ = false;
  bool ended_ = false;
};

}  // namespace sluice::server
