// The admin listener (its own thread and io_context, off the request path): GET /metrics in Prometheus text
// format, GET /healthz, GET /readyz. Nothing here can see a key.
// Thread rule: runs on the admin thread; reads worker state only through atomics.
#pragma once

#include "server/worker.h"

namespace sluice::server {

Awaitable<void> AdminAcceptLoop(SharedState& shared, upstream::Acceptor& acceptor);

}  // namespace sluice::server
