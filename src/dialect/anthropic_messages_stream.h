// Anthropic Messages stream encoder: ir::StreamEvent → Anthropic SSE events with `event:` names
// (reference §3.5, §8.9). Stateful, one per streamed response:
//  - message start → message_start (usage: input side known so far, output_tokens 0)
//  - blocks → content_block_start / content_block_delta (text_delta, input_json_delta,
//    thinking_delta, signature_delta) / content_block_stop. Anthropic indexes are assigned here in
//    start order (0,1,2…), so gaps in IR indexes (skipped upstream blocks) never reach the client;
//    a delta for a block never started opens one of the matching kind first.
//  - message delta → message_delta {stop_reason, stop_sequence} with cumulative usage
//    (output_tokens, and the input side, which OpenAI-shaped upstreams only report at the end);
//    blocks still open are closed first
//  - message stop → message_stop (a message_delta first if none was sent)
//  - error → event: error {"type":"error","error":{"type","message"}} (type from the status, e.g.
//    503 → overloaded_error); nothing after it
// Events before a message start synthesize one (empty id and model). Thread rule: one encoder per
// stream, used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/stream_event.h"

namespace sluice::dialect {

class AnthropicMessagesStreamEncoder {
 public:
  // Appends the SSE bytes for `event` (possibly none) to `out`. After message_stop or an error,
  // ignores events.
  void Encode(const ir::StreamEvent& event, std::string& out);

  bool done() const { return done_; }                // message_stop or an error was written
  const ir::Usage& usage() const { return usage_; }  // latest usage seen (for accounting)

 private:
  struct Block {
    uint32_t ir_index;
    uint32_t index;  // Anthropic index
    ir::BlockKind kind;
    bool open;
  };
  Block* Find(uint32_t ir_index);
  Block& Start(const ir::StreamEvent& event, ir::BlockKind kind, std::string& out);
  void Stop(Block& block, std::string& out);
  void StopAll(std::string& out);
  void MessageStart(std::string_view id, std::string_view model, std::string& out);
  void MessageDelta(ir::FinishReason finish, std::string_view stop_sequence, std::string& out);

  std::vector<Block> blocks_;
  uint32_t next_index_ = 0;
  bool started_ = false;
  bool delta_sent_ = false;
  bool done_ = false;
  ir::Usage usage_;
};

}  // namespace sluice::dialect
