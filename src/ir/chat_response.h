// ir::ChatResponse: a complete (non-streamed) model answer in the neutral model, and the finish
// reasons every dialect maps to and from (reference §8.5). Thread rule: plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ir/content.h"
#include "ir/usage.h"

namespace sluice::ir {

enum class FinishReason : uint8_t {
  kUnknown,        // not (yet) reported, or a value no mapping knows
  kStop,           // natural end of turn
  kStopSequence,   // a stop sequence matched (ChatResponse::stop_sequence holds it when known)
  kLength,         // max_tokens reached
  kContextWindow,  // the model's context window filled up
  kToolCalls,      // the model called tools
  kContentFilter,  // refused / filtered
  kPauseTurn,      // Anthropic server-tool turn paused; resend to continue
};

std::string_view FinishReasonName(FinishReason reason);  // stable snake_case, for logs and tests

struct ChatResponse {
  std::string id;                    // provider's id (msg_…, chatcmpl-…)
  std::string model;                 // model that answered, as the provider names it
  std::vector<ContentPart> content;  // kText, kToolCall, kReasoning, kRedactedReasoning, in order
  FinishReason finish = FinishReason::kUnknown;
  std::string stop_sequence;  // the matched stop sequence, when finish == kStopSequence
  std::string raw_finish;     // the provider's own finish/stop reason string, for logs
  Usage usage;
};

}  // namespace sluice::ir
