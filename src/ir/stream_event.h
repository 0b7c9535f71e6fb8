// ir::StreamEvent: one step of a streamed answer in the neutral model. Provider stream decoders
// emit them, response filters inspect or rewrite them, client-dialect stream encoders render them.
// Shape (mirrors the richest upstream protocol, so no dialect loses structure):
//   kMessageStart → per block (kBlockStart → kBlockDelta* → kBlockStop) → kMessageDelta →
//   kMessageStop
// Blocks carry an `index` (position in the final content, shared by text, reasoning and tool
// blocks); blocks may interleave by index. kError may arrive at any point and ends the stream.
// Thread rule: plain value type.
#pragma once

#include <cstdint>
#include <string>

#include "ir/chat_response.h"
#include "ir/usage.h"

namespace sluice::ir {

enum class EventKind : uint8_t {
  kMessageStart,  // id, model; usage holds what is known at the start (input tokens)
  kBlockStart,    // index, block; kToolCall: id, name; kRedactedReasoning: text holds the data
  kBlockDelta,    // index, delta, text
  kBlockStop,     // index
  kMessageDelta,  // finish, stop_sequence, usage (cumulative: the latest totals, not increments)
  kMessageStop,   // the answer is complete
  kError,         // status, error_type, text (message); nothing follows
};

enum class BlockKind : uint8_t { kText, kToolCall, kReasoning, kRedactedReasoning };

enum class DeltaKind : uint8_t {
  kText,       // text: more answer text
  kArguments,  // text: a fragment of a tool call's JSON arguments (concatenate per block)
  kReasoning,  // text: more thinking text
  kSignature,  // text: the reasoning block's signature (opaque)
};

struct StreamEvent {
  EventKind kind = EventKind::kMessageStart;
  BlockKind block = BlockKind::kText;  // kBlockStart
  DeltaKind delta = DeltaKind::kText;  // kBlockDelta
  uint32_t index = 0;                  // kBlockStart/kBlockDelta/kBlockStop
  std::string text;                    // delta payload; kError: message
  std::string id;                      // kMessageStart: message id; kBlockStart kToolCall: call id
  std::string name;                    // kMessageStart: model; kBlockStart kToolCall: function name
  FinishReason finish = FinishReason::kUnknown;  // kMessageDelta
  std::string stop_sequence;                     // kMessageDelta
  Usage usage;                                   // kMessageStart, kMessageDelta
  int status = 0;          // kError: HTTP status fitting for the client (e.g. 529 → 503)
  std::string error_type;  // kError: the provider's error type (e.g. "overloaded_error")
};

}  // namespace sluice::ir
