// Anthropic Messages SSE stream → ir::StreamEvent (reference §3.5). The event's JSON `type` is
// authoritative (the SSE `event:` name repeats it; it is used only when the JSON lacks one). Each
// event is parsed on a stack-buffered monotonic resource, so a typical delta allocates only the IR
// event's strings. Unknown events, unknown delta types and server-tool blocks are skipped, as the
// reference asks of every upstream parser.
// Thread rule: one decoder per stream, used by one thread.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "provider/json_fields.h"
#include "provider/anthropic.h"
#include "provider/anthropic_usage.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

std::string_view View(const json::object& o, std::string_view key) { return StringView(o, key); }

bool Index(const json::object& o, uint32_t& index) {
  const json::value* v = o.if_contains("index");
  if (!v) return false;
  if (v->is_uint64() && v->get_uint64() < 65536)
    index = static_cast<uint32_t>(v->get_uint64());
  else if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() < 65536)
    index = static_cast<uint32_t>(v->get_int64());
  else
    return false;  // no real answer has 65536 content blocks; refuse to size state by upstream
                   // input
  return true;
}

ir::StreamEvent Event(ir::EventKind kind, uint32_t index = 0) { return MakeStreamEvent(kind, index); }

}  // namespace

AnthropicStreamDecoder::Block& AnthropicStreamDecoder::BlockAt(uint32_t index) {
  if (index >= blocks_.size()) blocks_.resize(index + 1, Block::kNone);
  return blocks_[index];
}

bool AnthropicStreamDecoder::Fail(std::string message, std::vector<ir::StreamEvent>& out) {
  failed_ = finished_ = true;
  error_ = ProtocolError(std::move(message));
  out.push_back(ProtocolErrorEvent(error_));
  return false;
}

bool AnthropicStreamDecoder::Feed(std::string_view sse_type, std::string_view data,
                                  std::vector<ir::StreamEvent>& out) {
  if (failed_) return false;
  if (finished_) return true;  // nothing follows message_stop or error; tolerate trailing noise
  std::array<unsigned char, 4096> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(data, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  if (!o) return Fail("The Anthropic upstream sent a stream event that is not a JSON object.", out);
  std::string_view type = View(*o, "type");
  if (type.empty()) type = sse_type;

  if (type == "message_start") {
    const json::value* mv = o->if_contains("message");
    const json::object* m = mv ? mv->if_object() : nullptr;
    if (!m || started_)
      return Fail("The Anthropic upstream sent an invalid message_start event.", out);
    started_ = true;
    ir::StreamEvent e = Event(ir::EventKind::kMessageStart);
    e.id = View(*m, "id");
    e.name = View(*m, "model");
    if (const json::value* u = m->if_contains("usage"); u && u->is_object())
      anthropic_detail::MergeUsage(u->get_object(), usage_);
    usage_.output = 0;  // message_start's output_tokens is a placeholder
    e.usage = usage_;
    out.push_back(std::move(e));
    return true;
  }
  if (type == "ping") return true;
  if (type == "error") {
    finished_ = true;
    const json::value* ev = o->if_contains("error");
    const json::object* err = ev ? ev->if_object() : nullptr;
    ir::StreamEvent e = Event(ir::EventKind::kError);
    e.error_type = err ? View(*err, "type") : std::string_view("api_error");
    e.text = err ? View(*err, "message") : std::string_view();
    if (e.text.empty()) e.text = "The Anthropic upstream reported an error.";
    e.status = AnthropicStatusForErrorType(e.error_type);
    out.push_back(std::move(e));
    return true;
  }
  if (!started_) {
    // Only known message events need a message; unknown ones are skipped wherever they appear.
    if (type.starts_with("content_block") || type.starts_with("message"))
      return Fail("The Anthropic upstream sent '" + std::string(type) + "' before message_start.",
                  out);
    return true;
  }
  if (type == "content_block_start") {
    uint32_t index;
    const json::value* bv = o->if_contains("content_block");
    const json::object* b = bv ? bv->if_object() : nullptr;
    if (!Index(*o, index) || !b)
      return Fail("The Anthropic upstream sent an invalid content_block_start.", out);
    Block& kind = BlockAt(index);
    if (kind != Block::kNone)
      return Fail(
          "The Anthropic upstream started content block " + std::to_string(index) + " twice.", out);
    std::string_view bt = View(*b, "type");
    ir::StreamEvent e = Event(ir::EventKind::kBlockStart, index);
    std::string_view initial;  // content carried by the start event itself
    if (bt == "text") {
      kind = Block::kText;
      e.block = ir::BlockKind::kText;
      initial = View(*b, "text");
    } else if (bt == "thinking") {
      kind = Block::kReasoning;
      e.block = ir::BlockKind::kReasoning;
      initial = View(*b, "thinking");
    } else if (bt == "redacted_thinking") {
      kind = Block::kRedacted;
      e.block = ir::BlockKind::kRedactedReasoning;
      e.text = View(*b, "data");
    } else if (bt == "tool_use") {
      kind = Block::kToolCall;
      e.block = ir::BlockKind::kToolCall;
      e.id = View(*b, "id");
      e.name = View(*b, "name");
    } else {
      kind = Block::kIgnored;  // server tools: no client-dialect form yet
      return true;
    }
    out.push_back(std::move(e));
    if (!initial.empty()) {
      ir::StreamEvent d = Event(ir::EventKind::kBlockDelta, index);
      d.delta = kind == Block::kText ? ir::DeltaKind::kText : ir::DeltaKind::kReasoning;
      d.text = initial;
      out.push_back(std::move(d));
    }
    if (kind == Block::kToolCall) {
      // The start carries "input":{} by protocol; a non-empty input (seen from some proxies) is the
      // whole argument object at once.
      const json::value* input = b->if_contains("input");
      if (input && input->is_object() && !input->get_object().empty()) {
        ir::StreamEvent d = Event(ir::EventKind::kBlockDelta, index);
        d.delta = ir::DeltaKind::kArguments;
        d.text = json::serialize(*input);
        out.push_back(std::move(d));
      }
    }
    return true;
  }
  if (type == "content_block_delta") {
    uint32_t index;
    const json::value* dv = o->if_contains("delta");
    const json::object* d = dv ? dv->if_object() : nullptr;
    if (!Index(*o, index) || !d)
      return Fail("The Anthropic upstream sent an invalid content_block_delta.", out);
    Block kind = index < blocks_.size() ? blocks_[index] : Block::kNone;
    if (kind == Block::kNone)
      return Fail("The Anthropic upstream sent a delta for content block " + std::to_string(index) +
                      ", which it never started.",
                  out);
    if (kind == Block::kClosed)
      return Fail("The Anthropic upstream sent a delta for content block " + std::to_string(index) +
                      " after stopping it.",
                  out);
    if (kind == Block::kIgnored) return true;
    std::string_view dt = View(*d, "type");
    ir::StreamEvent e = Event(ir::EventKind::kBlockDelta, index);
    if (dt == "text_delta" && kind == Block::kText) {
      e.delta = ir::DeltaKind::kText;
      e.text = View(*d, "text");
    } else if (dt == "input_json_delta" && kind == Block::kToolCall) {
      e.delta = ir::DeltaKind::kArguments;
      e.text = View(*d, "partial_json");
    } else if (dt == "thinking_delta" && kind == Block::kReasoning) {
      e.delta = ir::DeltaKind::kReasoning;
      e.text = View(*d, "thinking");
    } else if (dt == "signature_delta" && kind == Block::kReasoning) {
      e.delta = ir::DeltaKind::kSignature;
      e.text = View(*d, "signature");
    } else {
      return true;  // citations_delta and future delta types
    }
    if (!e.text.empty()) out.push_back(std::move(e));
    return true;
  }
  if (type == "content_block_stop") {
    uint32_t index;
    if (!Index(*o, index))
      return Fail("The Anthropic upstream sent an invalid content_block_stop.", out);
    Block kind = index < blocks_.size() ? blocks_[index] : Block::kNone;
    if (kind == Block::kNone)
      return Fail("The Anthropic upstream stopped content block " + std::to_string(index) +
                      ", which it never started.",
                  out);
    if (kind == Block::kClosed)
      return Fail("The Anthropic upstream stopped content block " + std::to_string(index) + " twice.", out);
    if (kind != Block::kIgnored) out.push_back(Event(ir::EventKind::kBlockStop, index));
    blocks_[index] = Block::kClosed;
    return true;
  }
  if (type == "message_delta") {
    ir::StreamEvent e = Event(ir::EventKind::kMessageDelta);
    if (const json::value* dv = o->if_contains("delta"); dv && dv->is_object()) {
      std::string_view reason = View(dv->get_object(), "stop_reason");
      e.finish = AnthropicFinishReason(reason);
      e.stop_sequence = View(dv->get_object(), "stop_sequence");
    }
    if (const json::value* u = o->if_contains("usage"); u && u->is_object())
      anthropic_detail::MergeUsage(u->get_object(), usage_);
    e.usage = usage_;
    out.push_back(std::move(e));
    return true;
  }
  if (type == "message_stop") {
    finished_ = true;
    out.push_back(Event(ir::EventKind::kMessageStop));
    return true;
  }
  return true;  // unknown event types: ignore
}

bool AnthropicStreamDecoder::Finish(std::vector<ir::StreamEvent>& out) {
  if (finished_) return !failed_;
  return Fail("The Anthropic upstream stream ended before message_stop.", out);
}

}  // namespace sluice::provider
