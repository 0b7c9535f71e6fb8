// ir::ChatRequest: a chat request in the neutral model between client dialects (dialect/) and
// provider adapters (provider/). Decoders fill it; adapters encode it. Fields the IR does not model
// travel in `extra` as raw JSON (member name + value text) tagged with the dialect they came from,
// so nothing is lost: an adapter for the same dialect can re-emit them, others drop them knowingly.
// Thread rule: plain value type; one request owns it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/content.h"

namespace sluice::ir {

enum class Role : uint8_t {
  kSystem,  // system/developer instructions that appear after the conversation started
  kUser,
  kAssistant,
  kTool,  // results of tool calls (OpenAI "tool" messages); parts are kToolResult
};

struct Message {
  Role role = Role::kUser;
  std::vector<ContentPart> parts;
  std::string name;  // OpenAI participant name; providers without it drop it
  bool operator==(const Message&) const = default;
};

struct Tool {
  std::string name;
  std::string description;
  std::string parameters;  // JSON Schema as JSON text; "" when the client sent none
  std::optional<bool> strict;
  bool operator==(const Tool&) const = default;
};

enum class ToolChoiceKind : uint8_t {
  kUnset,  // client said nothing: provider default (auto when tools exist)
  kAuto,
  kNone,
  kRequired,  // must call some tool
  kSpecific,  // must call `name`
};

struct ToolChoice {
  ToolChoiceKind kind = ToolChoiceKind::kUnset;
  std::string name;  // kSpecific
  bool operator==(const ToolChoice&) const = default;
};

enum class ResponseFormatKind : uint8_t { kUnset, kText, kJsonObject, kJsonSchema };

struct ResponseFormat {
  ResponseFormatKind kind = ResponseFormatKind::kUnset;
  std::string name;         // kJsonSchema
  std::string description;  // kJsonSchema
  std::string schema;       // kJsonSchema: JSON text
  std::optional<bool> strict;
  bool operator==(const ResponseFormat&) const = default;
};

// A top-level member the IR does not model, kept verbatim.
struct RawField {
  std::string name;
  std::string json;  // the value as compact JSON text
  bool operator==(const RawField&) const = default;
};

enum class Dialect : uint8_t { kOpenAiChat, kAnthropicMessages, kOpenAiResponses };

struct ChatRequest {
  std::string model;                // client-facing model name
  std::vector<ContentPart> system;  // leading system/developer instructions (text parts), in order
  std::vector<Message> messages;    // the conversation; may contain later Role::kSystem messages

  std::vector<Tool> tools;
  ToolChoice tool_choice;
  std::optional<bool> parallel_tool_calls;  // unset: provider default (parallel allowed)

  std::optional<uint64_t> max_tokens;  // upper bound on generated tokens, reasoning included
  std::optional<double> temperature;   // as the client sent it (OpenAI range 0–2)
  std::optional<double> top_p;
  std::optional<uint32_t> top_k;
  std::vector<std::string> stop;  // stop sequences
  std::optional<int64_t> seed;
  uint32_t n = 1;  // number of choices

  std::string reasoning_effort;  // "", none|minimal|low|medium|high|xhigh|max
  std::optional<uint64_t>
      reasoning_budget;  // explicit thinking budget in tokens (Anthropic clients)

  ResponseFormat response_format;
  std::string user;  // end-user id (OpenAI user/safety_identifier, Anthropic metadata.user_id)

  bool stream = false;
  bool include_usage = false;  // the client asked for usage in the stream

  Dialect source = Dialect::kOpenAiChat;  // the dialect `extra` belongs to
  std::vector<RawField> extra;
};

}  // namespace sluice::ir
