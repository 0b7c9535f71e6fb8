// Decoding of OpenAI-dialect request bodies (chat completions, embeddings) far enough for the proxy:
// validation with OpenAI-shaped errors, the client-facing model, streaming flags; and the byte-faithful
// rewrite for an OpenAI-compatible upstream (model renamed, stream usage requested, all else unchanged).
// Per-server quirks (provider/openai_presets.h) reach the splice as OpenAiUpstreamOptions: renamed members,
// a dropped stream_options, and Mistral's tool-call id rule (ids remapped on the way out, restored on the
// way back by dialect::RestoreToolCallIds). Full IR decoding lives in dialect/openai_chat.h.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "dialect/json_members.h"

namespace sluice::dialect {

enum class OpenAiEndpoint { kChatCompletions, kEmbeddings };

struct OpenAiRequest {
  OpenAiEndpoint endpoint = OpenAiEndpoint::kChatCompletions;
  std::string model;              // client-facing name as sent
  bool stream = false;
  bool client_wants_usage = false;  // stream_options.include_usage was true
  bool has_stream_options = false;
  // Top-level members of the decoded body (spans into it), kept so the encoder does not scan again.
  std::vector<JsonMember> members;
};

// Validates `body` (JSON object, `model` string, `messages` non-empty array for chat, `input` for
// embeddings, `stream` boolean, `stream_options` object only with stream) and extracts what the proxy needs.
core::Result<OpenAiRequest> DecodeOpenAiRequest(std::string_view body, OpenAiEndpoint endpoint);

// Body for an OpenAI-compatible upstream: `model` replaced by `upstream_model`; for streams,
// stream_options.include_usage forced to true (so the gateway sees usage); every other byte unchanged.
// `body` must be the exact bytes `request` was decoded from.
std::string EncodeOpenAiUpstreamBody(std::string_view body, const OpenAiRequest& request,
                                     std::string_view upstream_model);

// How tool-call ids must look upstream.
enum class ToolCallIdRule : uint8_t {
  kAny,           // as the client sent them
  kNineAlnum,     // Mistral: exactly 9 characters of [a-zA-Z0-9]
};

// True when `id` already satisfies `rule` (then it is sent unchanged).
bool ToolCallIdFits(std::string_view id, ToolCallIdRule rule);

// The upstream form of a client's tool-call id under `rule`: the id itself when it fits, else a
// deterministic hash of it (FNV-1a 64 in base 62, 9 characters for kNineAlnum) so that a call and its
// result, sent in different requests, still pair up.
std::string UpstreamToolCallId(std::string_view id, ToolCallIdRule rule);

// Upstream id → client id, for the ids a request rewrote; answers carry the client's ids again.
struct ToolCallIdMap {
  std::vector<std::pair<std::string, std::string>> upstream_to_client;
  bool empty() const { return upstream_to_client.empty(); }
  const std::string* ClientIdFor(std::string_view upstream_id) const {
    for (const auto& [up, client] : upstream_to_client)
      if (up == upstream_id) return &client;
    return nullptr;
  }
  // Records a rewrite (idempotent).
  void Add(std::string upstream_id, std::string client_id) {
    if (!ClientIdFor(upstream_id)) upstream_to_client.emplace_back(std::move(upstream_id), std::move(client_id));
  }
};

// What the byte splice must change for one OpenAI-compatible server (built from its preset by
// provider::SpliceOptionsFor). The defaults change nothing beyond the model and stream usage.
struct OpenAiUpstreamOptions {
  // The server accepts stream_options.include_usage. When false, stream_options is removed (the server
  // reports usage by itself, e.g. Mistral on its last chunk) instead of being forced on.
  bool stream_usage = true;
  // Non-empty: the name the server uses for max_completion_tokens ("max_tokens"); the member is renamed,
  // or dropped when the client also sent that name.
  std::string_view max_tokens_field;
  // Non-empty: the server's name for `seed` ("random_seed" for Mistral); renamed the same way.
  std::string_view seed_field;
  // False: the server rejects `parallel_tool_calls`; the member is removed.
  bool parallel_tool_calls = true;
  // Rewrites messages[].tool_calls[].id and messages[].tool_call_id that do not fit.
  ToolCallIdRule tool_call_ids = ToolCallIdRule::kAny;
};

// As above, plus the server quirks in `options`. `remapped` (optional) receives every tool-call id that was
// rewritten, for RestoreToolCallIds on the answer. With default options the output equals the
// three-argument overload's.
std::string EncodeOpenAiUpstreamBody(std::string_view body, const OpenAiRequest& request,
                                     std::string_view upstream_model, const OpenAiUpstreamOptions& options,
                                     ToolCallIdMap* remapped = nullptr);

}  // namespace sluice::dialect
