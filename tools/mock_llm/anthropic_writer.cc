// Anthropic Messages rendering for the mock (messages, event streams, errors, count_tokens, models).
// Thread rule: pure functions; AnthropicStream instances are used by one coroutine.
#include "mock_llm/anthropic_writer.h"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <vector>

#include "core/error.h"

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

// Anthropic's input_tokens excludes cache reads and writes (reference §3.4, §8.6).
json::object UsageJson(const UsageScript& u, uint64_t output_tokens) {
  json::object o;
  o["input_tokens"] = u.prompt_tokens - u.cached_tokens - u.cache_creation_tokens;
  o["cache_creation_input_tokens"] = u.cache_creation_tokens;
  o["cache_read_input_tokens"] = u.cached_tokens;
  o["cache_creation"] = {{"ephemeral_5m_input_tokens", u.cache_creation_tokens}, {"ephemeral_1h_input_tokens", 0}};
  o["output_tokens"] = output_tokens;
  o["service_tier"] = "standard";
  return o;
}

json::object MessageEnvelope(std::string_view model, std::string_view id) {
  json::object o;
  o["id"] = id;
  o["type"] = "message";
  o["role"] = "assistant";
  o["model"] = model;
  return o;
}

json::value StopSequence(const Script& s) {
  if (AnthropicStopReason(s) == "stop_sequence") return json::string(s.matched_stop);
  return nullptr;
}

json::object ToolUse(const ToolCallScript& t, size_t k, bool with_input) {
  json::object o{{"type", "tool_use"}, {"id", AnthropicToolUseId(k)}, {"name", t.name}};
  o["input"] = with_input ? json::parse(t.arguments) : json::value(json::object{});
  return o;
}

class AnthropicStream final : public StreamRenderer {
 public:
  AnthropicStream(const ChatCall& call, Script script, std::string id)
      : model_(call.model), script_(std::move(script)), id_(std::move(id)) {
    plan_.push_back({Kind::kMessageStart, 0, 0, 0});
    plan_.push_back({Kind::kPing, 0, 0, 0});
    uint32_t block = 0;
    if (!script_.thinking_chunks.empty()) {
      plan_.push_back({Kind::kThinkingStart, block, 0, 0});
      for (uint32_t i = 0; i < script_.thinking_chunks.size(); ++i) plan_.push_back({Kind::kThinkingDelta, block, i, 0});
      plan_.push_back({Kind::kSignature, block, 0, 0});
      plan_.push_back({Kind::kBlockStop, block, 0, 0});
      ++block;
    }
    if (script_.tool_calls.empty()) {
      if (!script_.content_chunks.empty()) {
        plan_.push_back({Kind::kTextStart, block, 0, 0});
        for (uint32_t i = 0; i < script_.content_chunks.size(); ++i) plan_.push_back({Kind::kTextDelta, block, i, 0});
        plan_.push_back({Kind::kBlockStop, block, 0, 0});
      }
    } else {
      for (uint32_t k = 0; k < script_.tool_calls.size(); ++k, ++block) {
        plan_.push_back({Kind::kToolStart, block, k, 0});
        plan_.push_back({Kind::kToolEmptyDelta, block, k, 0});  // the real API opens with partial_json ""
        for (uint32_t j = 0; j < script_.tool_calls[k].fragments.size(); ++j) {
          plan_.push_back({Kind::kToolDelta, block, k, j});
        }
        plan_.push_back({Kind::kBlockStop, block, 0, 0});
      }
    }
    plan_.push_back({Kind::kMessageDelta, 0, 0, 0});
    plan_.push_back({Kind::kMessageStop, 0, 0, 0});
  }

  size_t EventCount() const override { return plan_.size(); }
  size_t EventsBeforeFirstToken() const override { return 2; }

  StreamEvent Render(size_t index) const override {
    const Step& step = plan_[index];
    switch (step.kind) {
      case Kind::kMessageStart: {
        json::object message = MessageEnvelope(model_, id_);
        message["content"] = json::array{};
        message["stop_reason"] = nullptr;
        message["stop_sequence"] = nullptr;
        message["usage"] = UsageJson(script_.usage, 1);  // output_tokens is a placeholder here
        return Event("message_start", json::object{{"type", "message_start"}, {"message", std::move(message)}});
      }
      case Kind::kPing:
        return {AnthropicEvent("ping", R"({"type":"ping"})"), 0};
      case Kind::kThinkingStart:
        return BlockStart(step.block, json::object{{"type", "thinking"}, {"thinking", ""}});
      case Kind::kThinkingDelta:
        return Delta(step.block, json::object{{"type", "thinking_delta"}, {"thinking", script_.thinking_chunks[step.a]}},
                     script_.thinking_tokens[step.a]);
      case Kind::kSignature:
        return Delta(step.block, json::object{{"type", "signature_delta"}, {"signature", script_.thinking_signature}}, 0);
      case Kind::kTextStart:
        return BlockStart(step.block, json::object{{"type", "text"}, {"text", ""}});
      case Kind::kTextDelta:
        return Delta(step.block, json::object{{"type", "text_delta"}, {"text", script_.content_chunks[step.a]}},
                     script_.chunk_tokens[step.a]);
      case Kind::kToolStart: {
        StreamEvent e = BlockStart(step.block, ToolUse(script_.tool_calls[step.a], step.a, false));
        e.tokens = 1;  // the name, as the OpenAI stream counts it
        return e;
      }
      case Kind::kToolEmptyDelta:
        return Delta(step.block, json::object{{"type", "input_json_delta"}, {"partial_json", ""}}, 0);
      case Kind::kToolDelta:
        return Delta(step.block,
                     json::object{{"type", "input_json_delta"},
                                  {"partial_json", script_.tool_calls[step.a].fragments[step.b]}},
                     1);
      case Kind::kBlockStop:
        return Event("content_block_stop", json::object{{"type", "content_block_stop"}, {"index", step.block}});
      case Kind::kMessageDelta: {
        json::object delta{{"stop_reason", AnthropicStopReason(script_)}, {"stop_sequence", StopSequence(script_)}};
        return Event("message_delta", json::object{{"type", "message_delta"}, {"delta", std::move(delta)},
                                                   {"usage", {{"output_tokens", script_.usage.completion_tokens}}}});
      }
      case Kind::kMessageStop:
        return {AnthropicEvent("message_stop", R"({"type":"message_stop"})"), 0};
    }
    return {};
  }

  // The real API's mid-stream failure is an overload; its message is "Overloaded". A chosen status picks
  // the error type by status instead (error-after-N-SSS).
  std::string RenderError(std::string_view message, uint16_t status) const override {
    if (status != 0) return AnthropicEvent("error", RenderAnthropicError(status, message, {}));
    return AnthropicEvent("error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  }

 private:
  enum class Kind : uint8_t {
    kMessageStart, kPing, kThinkingStart, kThinkingDelta, kSignature, kTextStart, kTextDelta,
    kToolStart, kToolEmptyDelta, kToolDelta, kBlockStop, kMessageDelta, kMessageStop
  };
  struct Step {
    Kind kind;
    uint32_t block;  // content block index
    uint32_t a;      // chunk or tool call index
    uint32_t b;      // argument fragment index
  };

  static StreamEvent Event(std::string_view name, const json::object& data, uint32_t tokens = 0) {
    return {AnthropicEvent(name, json::serialize(data)), tokens};
  }
  static StreamEvent BlockStart(uint32_t block, json::object content_block) {
    return Event("content_block_start", json::object{{"type", "content_block_start"}, {"index", block},
                                                     {"content_block", std::move(content_block)}});
  }
  static StreamEvent Delta(uint32_t block, json::object delta, uint32_t tokens) {
    return Event("content_block_delta",
                 json::object{{"type", "content_block_delta"}, {"index", block}, {"delta", std::move(delta)}}, tokens);
  }

  std::string model_;
  Script script_;
  std::string id_;
  std::vector<Step> plan_;
};

struct ModelInfo {
  std::string_view id;
  std::string_view display_name;
  std::string_view created_at;
};
// Newest first, as the real list is ordered.
constexpr std::array<ModelInfo, 5> kModels = {{
    {"claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15T00:00:00Z"},
    {"claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z"},
    {"claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05T00:00:00Z"},
    {"mock-model", "Mock Model", "2023-11-14T22:13:20Z"},
    {"mock-tools", "Mock Tools", "2023-11-14T22:13:20Z"},
}};

json::object ModelJson(const ModelInfo& m) {
  return json::object{{"type", "model"}, {"id", m.id}, {"display_name", m.display_name}, {"created_at", m.created_at}};
}

}  // namespace

std::string_view AnthropicStopReason(const Script& script) {
  if (!script.tool_calls.empty()) return "tool_use";
  if (script.finish_reason == "content_filter") return "refusal";  // Anthropic's classifier stop
  if (script.finish_reason == "length") return "max_tokens";
  if (!script.matched_stop.empty()) return "stop_sequence";
  return "end_turn";
}

std::string AnthropicToolUseId(size_t k) { return "toolu_mock_" + std::to_string(k); }

std::string AnthropicEvent(std::string_view name, std::string_view json) {
  std::string out;
  out.reserve(name.size() + json.size() + 16);
  out.append("event: ").append(name).append("\ndata: ").append(json).append("\n\n");
  return out;
}

std::string RenderMessage(const ChatCall& call, const Script& script, std::string_view id) {
  json::array content;
  if (!script.thinking_chunks.empty()) {
    content.push_back(json::object{{"type", "thinking"}, {"thinking", script.Thinking()},
                                   {"signature", script.thinking_signature}});
  }
  if (script.tool_calls.empty()) {
    if (!script.content_chunks.empty()) content.push_back(json::object{{"type", "text"}, {"text", script.Content()}});
  } else {
    for (size_t k = 0; k < script.tool_calls.size(); ++k) content.push_back(ToolUse(script.tool_calls[k], k, true));
  }
  json::object o = MessageEnvelope(call.model, id);
  o["content"] = std::move(content);
  o["stop_reason"] = AnthropicStopReason(script);
  o["stop_sequence"] = StopSequence(script);
  o["usage"] = UsageJson(script.usage, script.usage.completion_tokens);
  return json::serialize(o);
}

std::string RenderSizedMessage(const ChatCall& call, const Script& script, std::string_view id,
                               uint64_t body_bytes) {
  Script sized = script;
  sized.tool_calls.clear();
  sized.finish_reason = "stop";
  sized.matched_stop.clear();
  size_t content = 0;
  std::string body;
  // output_tokens' digit count moves the envelope size: iterate to the fixed point.
  for (int round = 0; round < 8; ++round) {
    sized.content_chunks = {Filler(content)};
    sized.usage.completion_tokens = EstimateTextTokens(content) + script.usage.reasoning_tokens;
    body = RenderMessage(call, sized, id);
    if (body.size() == body_bytes) break;
    size_t envelope = body.size() - content;
    if (envelope >= body_bytes) break;
    content = body_bytes - envelope;
  }
  return body;
}

std::unique_ptr<StreamRenderer> MakeAnthropicStream(const ChatCall& call, Script script, std::string id) {
  return std::make_unique<AnthropicStream>(call, std::move(script), std::move(id));
}

std::string RenderAnthropicError(int status, std::string_view message, std::string_view request_id) {
  json::object o{{"type", "error"},
                 {"error", {{"type", core::AnthropicTypeForStatus(status)}, {"message", message}}}};
  if (!request_id.empty()) o["request_id"] = request_id;
  return json::serialize(o);
}

std::string RenderCountTokens(uint64_t input_tokens) {
  return json::serialize(json::object{{"input_tokens", input_tokens}});
}

std::string RenderAnthropicModelList(uint32_t limit, std::string_view after_id, std::string_view before_id) {
  limit = std::clamp<uint32_t>(limit, 1, 1000);
  size_t begin = 0, end = kModels.size();
  for (size_t i = 0; i < kModels.size(); ++i) {
    if (!after_id.empty() && kModels[i].id == after_id) begin = i + 1;
    if (!before_id.empty() && kModels[i].id == before_id) end = i;
  }
  json::array data;
  bool has_more = false;
  if (!before_id.empty()) {  // the page just before before_id
    size_t from = end > limit ? end - limit : 0;
    has_more = from > begin;
    for (size_t i = std::max(from, begin); i < end; ++i) data.push_back(ModelJson(kModels[i]));
  } else {
    for (size_t i = begin; i < end && data.size() < limit; ++i) data.push_back(ModelJson(kModels[i]));
    has_more = begin + data.size() < end;
  }
  json::object o;
  o["data"] = data;
  o["has_more"] = has_more;
  o["first_id"] = data.empty() ? json::value(nullptr) : data.front().at("id");
  o["last_id"] = data.empty() ? json::value(nullptr) : data.back().at("id");
  return json::serialize(o);
}

std::string RenderAnthropicModel(std::string_view id) {
  for (const auto& m : kModels) {
    if (m.id == id) return json::serialize(ModelJson(m));
  }
  return json::serialize(ModelJson({id, id, "2023-11-14T22:13:20Z"}));
}

}  // namespace sluice::mock_llm
