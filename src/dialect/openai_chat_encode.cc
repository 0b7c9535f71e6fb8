// ir::ChatResponse / ir::StreamEvent → OpenAI Chat Completions bodies and chunks. JSON is written
// directly (json_write.h): a chunk is ~200 bytes and this runs once per streamed event.
// Thread rule: pure functions; the stream encoder is per stream.
#include <algorithm>

#include "dialect/json_write.h"
#include "dialect/openai_chat.h"
#include "dialect/openai_chat_stream.h"

namespace sluice::dialect {
namespace {

std::string_view ReasoningKey(ReasoningField f) {
  return f == ReasoningField::kReasoning ? "reasoning" : "reasoning_content";
}

void AppendToolCall(std::string& out, const ir::ContentPart& call) {
  out += R"({"id":)";
  AppendJsonString(out, call.id);
  out += R"(,"type":"function","function":{"name":)";
  AppendJsonString(out, call.name);
  out += R"(,"arguments":)";
  AppendJsonString(
      out, call.arguments.empty() ? std::string_view("{}") : std::string_view(call.arguments));
  out += "}}";
}

}  // namespace

std::string_view OpenAiFinishReason(ir::FinishReason reason) {
  switch (reason) {
    case ir::FinishReason::kLength:
    case ir::FinishReason::kContextWindow:
      return "length";
    case ir::FinishReason::kToolCalls:
      return "tool_calls";
    case ir::FinishReason::kContentFilter:
      return "content_filter";
    default:
      return "stop";
  }
}

void AppendOpenAiUsage(std::string& out, const ir::Usage& u) {
  out += R"({"prompt_tokens":)";
  AppendJsonUint(out, u.input);
  out += R"(,"completion_tokens":)";
  AppendJsonUint(out, u.output);
  out += R"(,"total_tokens":)";
  AppendJsonUint(out, u.Total());
  out += R"(,"prompt_tokens_details":{"cached_tokens":)";
  AppendJsonUint(out, u.cache_read);
  out += R"(},"completion_tokens_details":{"reasoning_tokens":)";
  AppendJsonUint(out, u.reasoning);
  out += "}}";
}

std::string EncodeOpenAiChatResponse(const ir::ChatResponse& r,
                                     const OpenAiEncodeOptions& options) {
  std::string text, reasoning;
  bool has_text = false, has_reasoning = false, has_calls = false;
  for (const ir::ContentPart& p : r.content) {
    if (p.kind == ir::PartKind::kText) {
      text += p.text;
      has_text = true;
    } else if (p.kind == ir::PartKind::kReasoning) {
      reasoning += p.text;
      has_reasoning = true;
    } else if (p.kind == ir::PartKind::kToolCall) {
      has_calls = true;
    }
  }
  std::string out;
  out.reserve(256 + text.size() + reasoning.size());
  out += R"({"id":)";
  AppendJsonString(out, r.id);
  out += R"(,"object":"chat.completion","created":)";
  AppendJsonInt(out, options.created);
  out += R"(,"model":)";
  AppendJsonString(out, r.model);
  out += R"(,"choices":[{"index":0,"message":{"role":"assistant","content":)";
  if (has_text)
    AppendJsonString(out, text);
  else
    out += "null";
  if (has_reasoning && options.reasoning_field != ReasoningField::kOmit) {
    out += ",\"";
    out += ReasoningKey(options.reasoning_field);
    out += "\":";
    AppendJsonString(out, reasoning);
  }
  out += R"(,"refusal":null)";
  if (has_calls) {
    out += R"(,"tool_calls":[)";
    bool first = true;
    for (const ir::ContentPart& p : r.content) {
      if (p.kind != ir::PartKind::kToolCall) continue;
      if (!first) out += ',';
      first = false;
      AppendToolCall(out, p);
    }
    out += ']';
  }
  out += R"(},"logprobs":null,"finish_reason":")";
  out += OpenAiFinishReason(r.finish);
  out += "\"}]";
  if (r.usage.present) {
    out += R"(,"usage":)";
    AppendOpenAiUsage(out, r.usage);
  }
  out += '}';
  return out;
}

// ---- stream ----

void OpenAiChatStreamEncoder::EnsurePrefix() {
  if (!prefix_.empty()) return;
  prefix_ = R"(data: {"id":"","object":"chat.completion.chunk","created":)";
  AppendJsonInt(prefix_, options_.created);
  prefix_ += R"(,"model":"",)";
}

void OpenAiChatStreamEncoder::StartChunk(std::string& out) {
  EnsurePrefix();
  out += prefix_;
  out += R"("choices":[{"index":0,"delta":)";
}

void OpenAiChatStreamEncoder::EndChunk(std::string& out, std::string_view finish_reason) {
  out += R"(,"logprobs":null,"finish_reason":)";
  if (finish_reason.empty()) {
    out += "null";
  } else {
    out += '"';
    out += finish_reason;
    out += '"';
  }
  out += "}]";
  if (include_usage_) out += R"(,"usage":null)";
  out += "}\n\n";
}

int OpenAiChatStreamEncoder::ToolIndex(uint32_t block_index) const {
  for (const auto& [block, tool] : tool_index_)
    if (block == block_index) return tool;
  return -1;
}

void OpenAiChatStreamEncoder::Encode(const ir::StreamEvent& e, std::string& out) {
  if (done_) return;
  switch (e.kind) {
    case ir::EventKind::kMessageStart:
      prefix_ = R"(data: {"id":)";
      AppendJsonString(prefix_, e.id);
      prefix_ += R"(,"object":"chat.completion.chunk","created":)";
      AppendJsonInt(prefix_, options_.created);
      prefix_ += R"(,"model":)";
      AppendJsonString(prefix_, e.name);
      prefix_ += ',';
      if (e.usage.present) usage_ = e.usage;
      StartChunk(out);
      out += R"({"role":"assistant","content":""})";
      EndChunk(out, {});
      return;
    case ir::EventKind::kBlockStart: {
      if (e.block != ir::BlockKind::kToolCall || ToolIndex(e.index) >= 0) return;
      int tool = next_tool_++;
      tool_index_.emplace_back(e.index, tool);
      StartChunk(out);
      out += R"({"tool_calls":[{"index":)";
      AppendJsonInt(out, tool);
      out += R"(,"id":)";
      AppendJsonString(out, e.id);
      out += R"(,"type":"function","function":{"name":)";
      AppendJsonString(out, e.name);
      out += R"(,"arguments":""}}]})";
      EndChunk(out, {});
      return;
    }
    case ir::EventKind::kBlockDelta:
      if (e.text.empty()) return;
      if (e.delta == ir::DeltaKind::kText) {
        StartChunk(out);
        out += R"({"content":)";
        AppendJsonString(out, e.text);
        out += '}';
        EndChunk(out, {});
      } else if (e.delta == ir::DeltaKind::kArguments) {
        int tool = ToolIndex(e.index);
        if (tool < 0)
          return;  // fragments of a block never started: the decoder rejects this upstream
        StartChunk(out);
        out += R"({"tool_calls":[{"index":)";
        AppendJsonInt(out, tool);
        out += R"(,"function":{"arguments":)";
        AppendJsonString(out, e.text);
        out += "}}]}";
        EndChunk(out, {});
      } else if (e.delta == ir::DeltaKind::kReasoning &&
                 options_.reasoning_field != ReasoningField::kOmit) {
        StartChunk(out);
        out += "{\"";
        out += ReasoningKey(options_.reasoning_field);
        out += "\":";
        AppendJsonString(out, e.text);
        out += '}';
        EndChunk(out, {});
      }
      return;
    case ir::EventKind::kBlockStop:
      return;
    case ir::EventKind::kMessageDelta:
      if (e.usage.present) usage_ = e.usage;
      if (finish_sent_) return;
      finish_sent_ = true;
      StartChunk(out);
      out += "{}";
      EndChunk(out, OpenAiFinishReason(e.finish));
      return;
    case ir::EventKind::kMessageStop:
      if (!finish_sent_) {  // an upstream that never said why it stopped: it stopped
        finish_sent_ = true;
        StartChunk(out);
        out += "{}";
        EndChunk(out, "stop");
      }
      if (include_usage_ && usage_.present) {
        EnsurePrefix();
        out += prefix_;
        out += R"("choices":[],"usage":)";
        AppendOpenAiUsage(out, usage_);
        out += "}\n\n";
      }
      out += "data: [DONE]\n\n";
      done_ = true;
      return;
    case ir::EventKind::kError: {
      out += R"(data: {"error":{"message":)";
      AppendJsonString(out, e.text);
      out += R"(,"type":)";
      AppendJsonString(out, core::OpenAiTypeForStatus(e.status ? e.status : 500));
      out += R"(,"param":null,"code":null}})";
      out += "\n\n";
      done_ = true;
      return;
    }
  }
}

}  // namespace sluice::dialect
