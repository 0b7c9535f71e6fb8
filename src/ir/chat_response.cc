// Names of the IR enums. Thread rule: pure functions.
#include "ir/chat_response.h"

namespace sluice::ir {

std::string_view FinishReasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kStopSequence:
      return "stop_sequence";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kContextWindow:
      return "context_window";
    case FinishReason::kToolCalls:
      return "tool_calls";
    case FinishReason::kContentFilter:
      return "content_filter";
    case FinishReason::kPauseTurn:
      return "pause_turn";
    case FinishReason::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace sluice::ir
