// OpenAI Chat Completions stream encoder: ir::StreamEvent → chat.completion.chunk SSE events
// (reference §1.5 and §8.8). Stateful, one per streamed response:
//  - message start → the role chunk {"role":"assistant","content":""}
//  - a tool-call block gets the next OpenAI tool index (0,1,2… per response); its first chunk
//  carries
//    index, id, type and name with arguments ""; later fragments carry only index and arguments
//  - text → delta.content; reasoning → delta.reasoning_content / reasoning (option) or nothing;
//    signatures and block start/stop of text/reasoning → nothing
//  - message delta → the finish chunk; message stop → the usage chunk (choices:[]) when the client
//    asked for include_usage, then data: [DONE]
//  - error → data: {"error":{...}} and nothing after it (no [DONE]: SDKs then raise)
// Every chunk repeats id, created and model; with include_usage every other chunk has "usage":null,
// as OpenAI does. Thread rule: one encoder per stream, used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dialect/openai_chat.h"
#include "ir/stream_event.h"

namespace sluice::dialect {

class OpenAiChatStreamEncoder {
 public:
  OpenAiChatStreamEncoder(OpenAiEncodeOptions options, bool include_usage)
      : options_(options), include_usage_(include_usage) {}

  // Appends the SSE bytes for `event` (possibly none) to `out`. After [DONE] or an error, ignores
  // events.
  void Encode(const ir::StreamEvent& event, std::string& out);

  bool done() const { return done_; }                // [DONE] or an error event was written
  const ir::Usage& usage() const { return usage_; }  // latest usage seen (for accounting)

 private:
  void StartChunk(std::string& out);  // data: {"id":…,"choices":[{"index":0,"delta":
  void EndChunk(std::string& out, std::string_view finish_reason);
  void EnsurePrefix();
  int ToolIndex(uint32_t block_index) const;

  OpenAiEncodeOptions options_;
  bool include_usage_;
  bool done_ = false;
  bool finish_sent_ = false;
  std::string
      prefix_;  // `data: {"id":"…","object":"chat.completion.chunk","created":…,"model":"…",`
  std::vector<std::pair<uint32_t, int>> tool_index_;  // IR block index → OpenAI tool index
  int next_tool_ = 0;
  ir::Usage usage_;
};

}  // namespace sluice::dialect
