// The pieces of one proxied call that are plain data and pure functions: the client's request decoded as far
// as the chosen target needs (head only for a same-dialect splice, the full IR for translation), and the
// upstream request built for one target, owning every byte the transport views.
// Thread rule: one request, one worker.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "dialect/openai_response.h"
#include "dialect/anthropic_passthrough.h"
#include "dialect/openai_request.h"
#include "ir/chat_request.h"
#include "ir/embeddings.h"
#include "server/client_api.h"
#include "server/runtime.h"
#include "upstream/exchange.h"

namespace sluice::server {

struct ClientCall {
  ClientApi api = ClientApi::kOpenAiChat;
  std::string model;  // client-facing name as sent
  bool stream = false;
  std::optional<dialect::OpenAiRequest> openai;               // OpenAI chat / embeddings head
  std::optional<dialect::AnthropicRequestHead> anthropic;     // Anthropic messages head
  std::optional<ir::ChatRequest> chat;                        // decoded on first need (translation)
  std::optional<ir::EmbeddingsRequest> embeddings;            // translated embeddings, decoded on first need
  std::string_view anthropic_version;  // client headers a same-dialect Anthropic request carries on
  std::string_view anthropic_beta;
  // Set by PrepareUpstreamCall for the current attempt: the tool-call ids the upstream saw rewritten
  // (presets with an id rule, e.g. Mistral), restored in its answer so the client sees its own ids.
  dialect::ToolCallIdMap tool_call_ids;
};

// Validates the body far enough to route it; errors are in the client's terms (kInvalidRequest, 400).
core::Result<ClientCall> DecodeClientCall(ClientApi api, std::string_view body);

// Decodes the full IR of a chat-like call once (later calls are free).
core::Result<bool> EnsureChatIr(ClientCall& call, std::string_view body);

struct UpstreamCall {
  upstream::OutgoingRequest out;  // views into the members below
  bool translated = false;
  std::string body;
  std::string path;
  std::vector<std::pair<std::string, std::string>> owned_headers;
};

// Builds the upstream request of `call` for `target`. A failure means this target cannot take the request
// (a parameter its provider cannot honour: 400); another target may.
core::Result<bool> PrepareUpstreamCall(const RuntimeTarget& target, ClientCall& call, std::string_view body,
                                       UpstreamCall& up);

// A same-dialect (spliced) 2xx body as the client must see it: tool-call ids the upstream saw rewritten are
// put back. Cheap no-op for every other call.
void FinishSplicedBody(const ClientCall& call, std::string& body);

// Whether a 2xx upstream answer with this content type is the stream the client asked for.
bool IsStreamBody(const RuntimeProvider& provider, std::string_view content_type);

// A translated (non-streamed) upstream answer decoded by the provider's adapter and encoded in the client's
// dialect; `usage` is filled for accounting.
core::Result<std::string> EncodeTranslatedResponse(const ClientCall& call, const RuntimeProvider& provider,
                                                   std::string_view body, int64_t created,
                                                   dialect::TokenUsage& usage);

}  // namespace sluice::server
