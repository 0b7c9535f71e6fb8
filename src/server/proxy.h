// Proxying model calls: a client request in one dialect (OpenAI chat, OpenAI embeddings, Anthropic messages)
// goes to the model's targets in order until one answers: as the client's own bytes when the provider speaks
// the client's dialect (model renamed, stream usage requested, all else unchanged), else translated through
// the IR by the provider's adapter. Streams are forwarded event by event with backpressure; the first event
// is held so a failure before it can still be answered with an error status or another target; errors reach
// the client in its dialect; a client that goes away cancels the upstream at once.
// Thread rule: runs on the worker that owns the connection.
#pragma once

#include "server/client_api.h"
#include "server/client_io.h"
#include "server/request_pipeline.h"
#include "server/worker.h"

namespace sluice::server {

Awaitable<bool> ProxyCall(WorkerContext& worker, const Runtime& rt, ClientIo& io, Request& request,
                          ClientApi api, bool keep_alive);

}  // namespace sluice::server
