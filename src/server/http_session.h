// Accepting connections and running HTTP/1.1 sessions on them: keep-alive, bounded headers and bodies,
// request-read, idle keep-alive and slow-client write deadlines, optional TLS, and a clean close on drain.
// Thread rule: every session runs on its worker's io_context.
#pragma once

#include "server/worker.h"
#include "upstream/asio.h"

namespace sluice::server {

// Accept loop for one worker's listening socket; spawns a session coroutine per connection.
Awaitable<void> AcceptLoop(WorkerContext& worker, upstream::Acceptor& acceptor);

}  // namespace sluice::server
