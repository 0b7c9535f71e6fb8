// Anthropic Messages on the same-dialect path (Anthropic client → Anthropic provider): the head of a
// request decoded far enough for the proxy (model, stream, the member spans), the byte-faithful rewrite
// that changes only the model name, and usage/error reading from the provider's answer so accounting works
// without decoding the whole body or stream into the IR.
// Thread rule: pure functions over caller-owned bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "dialect/json_members.h"
#include "dialect/openai_response.h"

namespace sluice::dialect {

struct AnthropicRequestHead {
  std::string model;
  bool stream = false;
  std::vector<JsonMember> members;  // spans into the decoded body
};

// Checks that `body` is a JSON object with a string `model`, a `messages` array, an integer `max_tokens`
// and, if present, a boolean `stream`. Errors use Anthropic's wording ("model: Field required").
core::Result<AnthropicRequestHead> DecodeAnthropicRequestHead(std::string_view body);

// The body for an Anthropic upstream: `model` replaced, every other byte unchanged.
std::string EncodeAnthropicUpstreamBody(std::string_view body, const AnthropicRequestHead& head,
                                        std::string_view upstream_model);

// Reads `usage` of a Messages body into OpenAI semantics (input includes cache reads and writes).
bool ExtractAnthropicUsage(std::string_view body, TokenUsage& usage);

// Inspects one Anthropic SSE event: message_start carries the input side of usage, message_delta the
// cumulative output (and, from some upstreams, the input side again); `error` is an in-stream error and
// message_stop the end. Cheap: only those event types are parsed.
struct AnthropicEventInfo {
  bool is_error = false;
  bool is_stop = false;
  int error_status = 0;  // for an error event: the status Anthropic uses for its type (overloaded → 529)
};
AnthropicEventInfo InspectAnthropicEvent(std::string_view type, std::string_view data, TokenUsage& usage);

// An Anthropic-shaped error body for an upstream error answer: the body itself when it already is
// {"type":"error","error":{...}}, else a wrapped message with a type fitting the status.
std::string NormalizeAnthropicUpstreamError(int status, std::string_view body);

}  // namespace sluice::dialect
