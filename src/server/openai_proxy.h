// Proxying OpenAI-dialect calls (chat completions, embeddings) to an OpenAI-compatible upstream: model
// rewrite, stream usage injection, upstream errors in OpenAI's shape, SSE forwarded event by event with
// backpressure, cancellation when the client goes away, stream idle/total deadlines, usage accounting.
// Thread rule: runs on the worker that owns the connection.
#pragma once

#include "dialect/openai_request.h"
#include "server/client_io.h"
#include "server/request_pipeline.h"
#include "server/worker.h"

namespace sluice::server {

net::awaitable<bool> ProxyOpenAi(WorkerContext& worker, const Runtime& rt, ClientIo& io, Request& request,
                                 dialect::OpenAiEndpoint endpoint, bool keep_alive);

}  // namespace sluice::server
