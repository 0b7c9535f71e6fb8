// Bedrock ConverseStream events → ir::StreamEvent (reference §5.4, §8.10). Each payload is parsed
// on a stack-buffered monotonic resource. Unknown events and delta members (citation, future ones)
// are skipped, and payloads' unknown keys (the random "p" padding) ignored, as the reference asks
// of every upstream parser. Thread rule: one decoder per stream, used by one thread.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "provider/bedrock.h"
#include "provider/bedrock_usage.h"
#include "provider/json_fields.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

constexpr std::string_view kExceptionPrefix = "exception:";

bool Index(const json::object& o, uint32_t& index) {
  const json::value* v = o.if_contains("contentBlockIndex");
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

const json::object* Member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

ir::StreamEvent Event(ir::EventKind kind, uint32_t index = 0) {
  return MakeStreamEvent(kind, index);
}

}  // namespace

BedrockStreamDecoder::Block& BedrockStreamDecoder::BlockAt(uint32_t index) {
  if (index >= blocks_.size()) blocks_.resize(index + 1, Block::kNone);
  return blocks_[index];
}

bool BedrockStreamDecoder::Fail(std::string message, std::vector<ir::StreamEvent>& out) {
  failed_ = finished_ = true;
  error_ = ProtocolError(std::move(message));
  out.push_back(ProtocolErrorEvent(error_));
  return false;
}

void BedrockStreamDecoder::Complete(std::vector<ir::StreamEvent>& out) {
  ir::StreamEvent d = Event(ir::EventKind::kMessageDelta);
  d.finish = finish_;
  d.stop_sequence = stop_sequence_;
  d.usage = usage_;
  out.push_back(std::move(d));
  out.push_back(Event(ir::EventKind::kMessageStop));
  finished_ = true;
}

bool BedrockStreamDecoder::OnDelta(uint32_t index, const json::object& delta,
                                   std::vector<ir::StreamEvent>& out) {
  Block& block = BlockAt(index);
  auto open = [&](Block kind, ir::BlockKind ir_kind, std::string_view start_text = {}) {
    block = kind;
    ir::StreamEvent e = Event(ir::EventKind::kBlockStart, index);
    e.block = ir_kind;
    e.text = start_text;
    out.push_back(std::move(e));
  };
  auto emit = [&](ir::DeltaKind kind, std::string_view text) {
    if (text.empty()) return;
    ir::StreamEvent e = Event(ir::EventKind::kBlockDelta, index);
    e.delta = kind;
    e.text = text;
    out.push_back(std::move(e));
  };
  auto mismatch = [&](std::string_view what) {
    return Fail("The Bedrock upstream sent a " + std::string(what) + " delta for content block " +
                    std::to_string(index) + ", which is " +
                    (block == Block::kClosed ? "already stopped." : "of another kind."),
                out);
  };
  if (block == Block::kIgnored) return true;

  if (const json::value* text = delta.if_contains("text"); text && text->is_string()) {
    if (block == Block::kNone)
      open(Block::kText, ir::BlockKind::kText);  // text blocks have no start event
    if (block != Block::kText) return mismatch("text");
    emit(ir::DeltaKind::kText, std::string_view(text->get_string()));
    return true;
  }
  if (const json::object* use = Member(delta, "toolUse")) {
    if (block != Block::kToolCall) {
      if (block == Block::kNone)
        return Fail("The Bedrock upstream sent tool input for content block " +
                        std::to_string(index) + ", which it never started.",
                    out);
      return mismatch("toolUse");
    }
    emit(ir::DeltaKind::kArguments, StringView(*use, "input"));
    return true;
  }
  if (const json::object* reasoning = Member(delta, "reasoningContent")) {
    if (std::string_view data = StringView(*reasoning, "redactedContent"); !data.empty()) {
      if (block == Block::kNone) {
        open(Block::kRedacted, ir::BlockKind::kRedactedReasoning,
             data);  // the IR carries the data on the start
        return true;
      }
      return mismatch("redactedContent");
    }
    if (block == Block::kNone) open(Block::kReasoning, ir::BlockKind::kReasoning);
    if (block != Block::kReasoning) return mismatch("reasoningContent");
    emit(ir::DeltaKind::kReasoning, StringView(*reasoning, "text"));
    emit(ir::DeltaKind::kSignature, StringView(*reasoning, "signature"));
    return true;
  }
  return true;  // citation and future delta members
}

bool BedrockStreamDecoder::Feed(std::string_view type, std::string_view data,
                                std::vector<ir::StreamEvent>& out) {
  if (failed_) return false;
  if (finished_) return true;  // nothing follows the end or an error; tolerate trailing frames
  std::array<unsigned char, 4096> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  boost::system::error_code ec;
  json::value root = json::parse(data, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();

  if (type.starts_with(kExceptionPrefix)) {
    std::string_view name = type.substr(kExceptionPrefix.size());
    ir::StreamEvent e = Event(ir::EventKind::kError);
    e.error_type = name;
    e.status = BedrockStatusForErrorType(name);
    std::string message = o ? std::string(StringView(*o, "message")) : std::string();
    if (message.empty() && o) message = StringView(*o, "Message");
    for (const std::string& secret : secrets_)
      for (size_t pos = message.find(secret); pos != std::string::npos;
           pos = message.find(secret, pos))
        message.replace(pos, secret.size(), "[redacted]");
    e.text = message.empty() ? "The Bedrock upstream reported " + std::string(name) + "."
                             : std::move(message);
    finished_ = true;
    out.push_back(std::move(e));
    return true;
  }
  if (!o)
    return Fail(
        "The Bedrock upstream sent a '" + std::string(type) + "' event that is not a JSON object.",
        out);

  if (type == "messageStart") {
    if (started_) return Fail("The Bedrock upstream sent messageStart twice.", out);
    started_ = true;
    out.push_back(
        Event(ir::EventKind::kMessageStart));  // Bedrock names neither the message nor the model
    return true;
  }
  bool known = type == "contentBlockStart" || type == "contentBlockDelta" ||
               type == "contentBlockStop" || type == "messageStop" || type == "metadata";
  if (!known) return true;  // unknown event types: ignore
  if (!started_)
    return Fail("The Bedrock upstream sent '" + std::string(type) + "' before messageStart.", out);

  if (type == "contentBlockStart") {
    uint32_t index;
    const json::object* start = Member(*o, "start");
    if (!Index(*o, index) || !start)
      return Fail("The Bedrock upstream sent an invalid contentBlockStart.", out);
    Block& block = BlockAt(index);
    if (block != Block::kNone)
      return Fail("The Bedrock upstream started content block " + std::to_string(index) + " twice.",
                  out);
    const json::object* use = Member(*start, "toolUse");
    if (!use) {
      block = Block::kIgnored;  // toolResult / image starts: no client-dialect form yet
      return true;
    }
    block = Block::kToolCall;
    ir::StreamEvent e = Event(ir::EventKind::kBlockStart, index);
    e.block = ir::BlockKind::kToolCall;
    e.id = StringView(*use, "toolUseId");
    e.name = StringView(*use, "name");
    out.push_back(std::move(e));
    return true;
  }
  if (type == "contentBlockDelta") {
    uint32_t index;
    const json::object* delta = Member(*o, "delta");
    if (!Index(*o, index) || !delta)
      return Fail("The Bedrock upstream sent an invalid contentBlockDelta.", out);
    return OnDelta(index, *delta, out);
  }
  if (type == "contentBlockStop") {
    uint32_t index;
    if (!Index(*o, index))
      return Fail("The Bedrock upstream sent an invalid contentBlockStop.", out);
    Block& block = BlockAt(index);
    // A stop for a block that produced nothing (an empty text block has no start either) is no
    // error.
    if (block == Block::kText || block == Block::kToolCall || block == Block::kReasoning ||
        block == Block::kRedacted)
      out.push_back(Event(ir::EventKind::kBlockStop, index));
    if (block != Block::kIgnored) block = Block::kClosed;
    return true;
  }
  if (type == "messageStop") {
    if (stop_seen_) return Fail("The Bedrock upstream sent messageStop twice.", out);
    stop_seen_ = true;
    for (uint32_t i = 0; i < blocks_.size(); ++i) {  // close what the upstream left open
      Block b = blocks_[i];
      if (b == Block::kText || b == Block::kToolCall || b == Block::kReasoning ||
          b == Block::kRedacted) {
        out.push_back(Event(ir::EventKind::kBlockStop, i));
        blocks_[i] = Block::kClosed;
      }
    }
    finish_ = BedrockFinishReason(StringView(*o, "stopReason"));
    if (const json::object* extra = Member(*o, "additionalModelResponseFields"))
      stop_sequence_ = StringView(*extra, "stop_sequence");
    if (usage_.present)
      Complete(out);  // metadata came first (not Bedrock's order, but complete either way)
    return true;
  }
  // metadata: usage (and metrics, trace, … ignored), after messageStop.
  if (const json::object* u = Member(*o, "usage")) bedrock_detail::ReadUsage(*u, usage_);
  if (stop_seen_) Complete(out);
  return true;
}

bool BedrockStreamDecoder::Finish(std::vector<ir::StreamEvent>& out) {
  if (finished_) return !failed_;
  if (stop_seen_) {  // the body ended after messageStop without metadata: finish without usage
    Complete(out);
    return true;
  }
  return Fail("The Bedrock upstream stream ended before messageStop.", out);
}

}  // namespace sluice::provider
