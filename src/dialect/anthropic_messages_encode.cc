// ir::ChatResponse / ir::StreamEvent → Anthropic Messages bodies and SSE events (reference §3.4,
// §3.5, §8.9). JSON is written directly (json_write.h), as the OpenAI encoder does: this runs once
// per streamed event. Thread rule: pure functions; the stream encoder is per stream.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/error.h"
#include "dialect/anthropic_messages.h"
#include "dialect/anthropic_messages_stream.h"
#include "dialect/json_write.h"

namespace sluice::dialect {
namespace {

// Tool-call arguments are JSON text from the model; Anthropic's `input` must be an object.
void AppendInput(std::string& out, std::string_view arguments) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(arguments, ec);
  if (!ec && v.is_object())
    out += boost::json::serialize(v);
  else
    out += "{}";  // empty or broken arguments: the shape clients can still parse
}

void AppendStopSequence(std::string& out, ir::FinishReason finish, std::string_view seq) {
  if (finish == ir::FinishReason::kStopSequence && !seq.empty())
    AppendJsonString(out, seq);
  else
    out += "null";
}

}  // namespace

std::string_view AnthropicStopReason(ir::FinishReason reason) {
  switch (reason) {
    case ir::FinishReason::kStopSequence:
      return "stop_sequence";
    case ir::FinishReason::kLength:
      return "max_tokens";
    case ir::FinishReason::kContextWindow:
      return "model_context_window_exceeded";
    case ir::FinishReason::kToolCalls:
      return "tool_use";
    case ir::FinishReason::kContentFilter:
      return "refusal";
    case ir::FinishReason::kPauseTurn:
      return "pause_turn";
    default:
      return "end_turn";
  }
}

void AppendAnthropicUsage(std::string& out, const ir::Usage& u) {
  out += R"({"input_tokens":)";
  AppendJsonUint(out, u.UncachedInput());
  out += R"(,"cache_creation_input_tokens":)";
  AppendJsonUint(out, u.cache_write);
  out += R"(,"cache_read_input_tokens":)";
  AppendJsonUint(out, u.cache_read);
  out += R"(,"output_tokens":)";
  AppendJsonUint(out, u.output);
  out += '}';
}

std::string EncodeAnthropicMessagesResponse(const ir::ChatResponse& r) {
  std::string out;
  out.reserve(256);
  out += R"({"id":)";
  AppendJsonString(out, r.id);
  out += R"(,"type":"message","role":"assistant","model":)";
  AppendJsonString(out, r.model);
  out += R"(,"content":[)";
  bool first = true;
  for (const ir::ContentPart& p : r.content) {
    if (p.kind != ir::PartKind::kText && p.kind != ir::PartKind::kToolCall &&
        p.kind != ir::PartKind::kReasoning && p.kind != ir::PartKind::kRedactedReasoning)
      continue;
    if (!first) out += ',';
    first = false;
    switch (p.kind) {
      case ir::PartKind::kText:
        out += R"({"type":"text","text":)";
        AppendJsonString(out, p.text);
        break;
      case ir::PartKind::kToolCall:
        out += R"({"type":"tool_use","id":)";
        AppendJsonString(out, p.id);
        out += R"(,"name":)";
        AppendJsonString(out, p.name);
        out += R"(,"input":)";
        AppendInput(out, p.arguments);
        break;
      case ir::PartKind::kReasoning:
        out += R"({"type":"thinking","thinking":)";
        AppendJsonString(out, p.text);
        out += R"(,"signature":)";
        AppendJsonString(out, p.signature);
        break;
      default:
        out += R"({"type":"redacted_thinking","data":)";
        AppendJsonString(out, p.data);
        break;
    }
    out += '}';
  }
  out += R"(],"stop_reason":")";
  out += AnthropicStopReason(r.finish);
  out += R"(","stop_sequence":)";
  AppendStopSequence(out, r.finish, r.stop_sequence);
  out += R"(,"usage":)";
  AppendAnthropicUsage(out, r.usage);
  out += '}';
  return out;
}

// ---- stream ----

AnthropicMessagesStreamEncoder::Block* AnthropicMessagesStreamEncoder::Find(uint32_t ir_index) {
  for (Block& b : blocks_)
    if (b.ir_index == ir_index) return &b;
  return nullptr;
}

void AnthropicMessagesStreamEncoder::MessageStart(std::string_view id, std::string_view model,
                                                  std::string& out) {
  started_ = true;
  out += "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":";
  AppendJsonString(out, id);
  out += R"(,"type":"message","role":"assistant","model":)";
  AppendJsonString(out, model);
  out += R"(,"content":[],"stop_reason":null,"stop_sequence":null,"usage":)";
  ir::Usage at_start = usage_;
  at_start.output = 0;  // like Anthropic's own placeholder: the count comes in message_delta
  AppendAnthropicUsage(out, at_start);
  out += "}}\n\n";
}

AnthropicMessagesStreamEncoder::Block& AnthropicMessagesStreamEncoder::Start(
    const ir::StreamEvent& e, ir::BlockKind kind, std::string& out) {
  // One block at a time, as Anthropic streams: a new block closes the previous one.
  for (Block& b : blocks_)
    if (b.open) Stop(b, out);
  blocks_.push_back({e.index, next_index_++, kind, true});
  Block& b = blocks_.back();
  out += "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":";
  AppendJsonUint(out, b.index);
  out += R"(,"content_block":)";
  switch (kind) {
    case ir::BlockKind::kText:
      out += R"({"type":"text","text":""})";
      break;
    case ir::BlockKind::kToolCall:
      out += R"({"type":"tool_use","id":)";
      AppendJsonString(out, e.kind == ir::EventKind::kBlockStart ? e.id : std::string_view());
      out += R"(,"name":)";
      AppendJsonString(out, e.kind == ir::EventKind::kBlockStart ? e.name : std::string_view());
      out += R"(,"input":{}})";
      break;
    case ir::BlockKind::kReasoning:
      out += R"({"type":"thinking","thinking":"","signature":""})";
      break;
    case ir::BlockKind::kRedactedReasoning:
      out += R"({"type":"redacted_thinking","data":)";
      AppendJsonString(out, e.kind == ir::EventKind::kBlockStart ? e.text : std::string_view());
      out += '}';
      break;
  }
  out += "}\n\n";
  return b;
}

void AnthropicMessagesStreamEncoder::Stop(Block& b, std::string& out) {
  if (!b.open) return;
  b.open = false;
  out += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":";
  AppendJsonUint(out, b.index);
  out += "}\n\n";
}

void AnthropicMessagesStreamEncoder::StopAll(std::string& out) {
  for (Block& b : blocks_) Stop(b, out);
}

void AnthropicMessagesStreamEncoder::MessageDelta(ir::FinishReason finish,
                                                  std::string_view stop_sequence,
                                                  std::string& out) {
  delta_sent_ = true;
  out += "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"";
  out += AnthropicStopReason(finish);
  out += R"(","stop_sequence":)";
  AppendStopSequence(out, finish, stop_sequence);
  out += R"(},"usage":)";
  AppendAnthropicUsage(out, usage_);
  out += "}\n\n";
}

void AnthropicMessagesStreamEncoder::Encode(const ir::StreamEvent& e, std::string& out) {
  if (done_) return;
  if (!started_ && e.kind != ir::EventKind::kMessageStart && e.kind != ir::EventKind::kError)
    MessageStart({}, {}, out);
  switch (e.kind) {
    case ir::EventKind::kMessageStart:
      if (started_) return;
      if (e.usage.present) usage_ = e.usage;
      MessageStart(e.id, e.name, out);
      return;
    case ir::EventKind::kBlockStart:
      if (Find(e.index)) return;  // started twice: the first start stands
      Start(e, e.block, out);
      return;
    case ir::EventKind::kBlockDelta: {
      if (e.text.empty()) return;
      ir::BlockKind kind = e.delta == ir::DeltaKind::kText        ? ir::BlockKind::kText
                           : e.delta == ir::DeltaKind::kArguments ? ir::BlockKind::kToolCall
                                                                  : ir::BlockKind::kReasoning;
      Block* b = Find(e.index);
      if (!b) b = &Start(e, kind, out);
      out += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":";
      AppendJsonUint(out, b->index);
      switch (e.delta) {
        case ir::DeltaKind::kText:
          out += R"(,"delta":{"type":"text_delta","text":)";
          break;
        case ir::DeltaKind::kArguments:
          out += R"(,"delta":{"type":"input_json_delta","partial_json":)";
          break;
        case ir::DeltaKind::kReasoning:
          out += R"(,"delta":{"type":"thinking_delta","thinking":)";
          break;
        case ir::DeltaKind::kSignature:
          out += R"(,"delta":{"type":"signature_delta","signature":)";
          break;
      }
      AppendJsonString(out, e.text);
      out += "}}\n\n";
      return;
    }
    case ir::EventKind::kBlockStop:
      if (Block* b = Find(e.index)) Stop(*b, out);
      return;
    case ir::EventKind::kMessageDelta:
      if (e.usage.present) usage_ = e.usage;
      StopAll(out);
      MessageDelta(e.finish, e.stop_sequence, out);
      return;
    case ir::EventKind::kMessageStop:
      StopAll(out);
      if (!delta_sent_) MessageDelta(ir::FinishReason::kStop, {}, out);
      out += "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
      done_ = true;
      return;
    case ir::EventKind::kError:
      out += "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":";
      AppendJsonString(out, core::AnthropicTypeForStatus(e.status ? e.status : 500));
      out += R"(,"message":)";
      AppendJsonString(out, e.text);
      out += "}}\n\n";
      done_ = true;
      return;
  }
}

}  // namespace sluice::dialect
