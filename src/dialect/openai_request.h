// Decoding of OpenAI-dialect request bodies (chat completions, embeddings) far enough for the proxy:
// validation with OpenAI-shaped errors, the client-facing model, streaming flags; and the byte-faithful
// rewrite for an OpenAI-compatible upstream (model renamed, stream usage requested, all else unchanged).
// Full IR decoding (messages, tools, parts) arrives with the translation work (issue 3).
// Thread rule: pure functions.
#pragma once

#include <string>
#include <string_view>
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

}  // namespace sluice::dialect
