// Anthropic's POST /v1/messages/count_tokens: answered locally by the tokenizer (exact for models with a
// public tokenizer, a documented per-family estimate otherwise), or, when the model's route refuses estimates
// (allow_token_estimate, else tokenizer.allow_estimate), counted by its first target's provider: Anthropic
// count_tokens or Gemini/Vertex countTokens, answered in Anthropic's shape. Other providers: a 400.
// Thread rule: runs on the worker that owns the connection.
#pragma once

#include "server/client_io.h"
#include "server/request_pipeline.h"
#include "server/worker.h"

namespace sluice::server {

Awaitable<bool> CountTokensEndpoint(WorkerContext& worker, const Runtime& rt, ClientIo& io, Request& request,
                                    bool keep_alive);

}  // namespace sluice::server
