// Watches the client connection while the gateway waits on an upstream: if the client closes, the upstream
// exchange is cancelled at once (the provider stops generating, and billing, for nobody).
// The watch runs as a sibling coroutine; Stop() must be awaited before the exchange or the ClientIo die, which
// is what keeps the spawned coroutine's references valid.
// Thread rule: one worker.
#pragma once

#include "server/client_io.h"
#include "upstream/exchange.h"

namespace sluice::server {

class DisconnectWatch {
 public:
  DisconnectWatch(net::io_context& ioc, ClientIo& io, upstream::Exchange* exchange = nullptr)
      : io_(io), exchange_(exchange), done_(ioc) {
    done_.expires_at(upstream::Clock::time_point::max());
    net::co_spawn(ioc, Watch(), net::detached);
  }
  DisconnectWatch(const DisconnectWatch&) = delete;
  DisconnectWatch& operator=(const DisconnectWatch&) = delete;

  bool client_gone() const { return client_gone_; }
  // The exchange to cancel if the client goes away (each attempt of a fallback chain has its own).
  void Bind(upstream::Exchange* exchange) { exchange_ = exchange; }

  // Stops watching and waits until the watch coroutine has finished.
  net::awaitable<void> Stop() {
    if (!finished_) io_.StopWatching();
    while (!finished_) co_await done_.async_wait(kUseTuple);
  }

 private:
  net::awaitable<void> Watch() {
    bool gone = co_await io_.WaitForDisconnect();
    if (gone) {
      client_gone_ = true;
      if (exchange_) exchange_->Cancel();
    }
    finished_ = true;
    done_.cancel();
  }

  ClientIo& io_;
  upstream::Exchange* exchange_;
  net::steady_timer done_;
  bool client_gone_ = false;
  bool finished_ = false;
};

}  // namespace sluice::server
