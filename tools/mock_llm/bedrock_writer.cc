// Bedrock rendering (Converse bodies, ConverseStream frames, errors, embeddings). Thread rule: pure
// functions; ConverseStream instances are used by one coroutine.
#include "mock_llm/bedrock_writer.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <vector>

#include "mock_llm/embedding.h"
#include "mock_llm/eventstream.h"

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

json::object UsageJson(const UsageScript& u) {
  json::object o;
  o["inputTokens"] = u.prompt_tokens - u.cached_tokens - u.cache_creation_tokens;
  o["outputTokens"] = u.completion_tokens;
  o["totalTokens"] = u.total();
  o["cacheReadInputTokens"] = u.cached_tokens;
  o["cacheWriteInputTokens"] = u.cache_creation_tokens;
  return o;
}

json::object ToolUse(const ToolCallScript& t, size_t k) {
  return json::object{{"toolUseId", BedrockToolUseId(k)}, {"name", t.name}, {"input", json::parse(t.arguments)}};
}

// AWS pads event payloads with "p" so their sizes do not leak the content; clients must ignore it.
constexpr std::string_view kPadding = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
std::string_view Padding(size_t index) { return kPadding.substr(0, 1 + (index * 7) % (kPadding.size() - 1)); }

class ConverseStream final : public StreamRenderer {
 public:
  ConverseStream(Script script, uint64_t latency_ms) : script_(std::move(script)), latency_ms_(latency_ms) {
    plan_.push_back({Kind::kMessageStart, 0, 0, 0});
    uint32_t block = 0;
    if (script_.prompt_blocked) {
      plan_.push_back({Kind::kBlockedText, 0, 0, 0});
      plan_.push_back({Kind::kBlockStop, 0, 0, 0});
    }
    if (!script_.thinking_chunks.empty()) {
      for (uint32_t i = 0; i < script_.thinking_chunks.size(); ++i) plan_.push_back({Kind::kReasoning, block, i, 0});
      plan_.push_back({Kind::kSignature, block, 0, 0});
      plan_.push_back({Kind::kBlockStop, block, 0, 0});
      ++block;
    }
    if (script_.tool_calls.empty()) {
      if (!script_.content_chunks.empty()) {
        for (uint32_t i = 0; i < script_.content_chunks.size(); ++i) plan_.push_back({Kind::kText, block, i, 0});
        plan_.push_back({Kind::kBlockStop, block, 0, 0});
      }
    } else {
      for (uint32_t k = 0; k < script_.tool_calls.size(); ++k, ++block) {
        plan_.push_back({Kind::kToolStart, block, k, 0});
        for (uint32_t j = 0; j < script_.tool_calls[k].fragments.size(); ++j) plan_.push_back({Kind::kToolDelta, block, k, j});
        plan_.push_back({Kind::kBlockStop, block, 0, 0});
      }
    }
    plan_.push_back({Kind::kMessageStop, 0, 0, 0});
    plan_.push_back({Kind::kMetadata, 0, 0, 0});
  }

  size_t EventCount() const override { return plan_.size(); }
  size_t EventsBeforeFirstToken() const override { return 1; }

  StreamEvent Render(size_t index) const override {
    const Step& step = plan_[index];
    switch (step.kind) {
      case Kind::kMessageStart:
        return Event("messageStart", index, json::object{{"role", "assistant"}}, 0);
      case Kind::kBlockedText:
        return Delta(index, step.block, json::object{{"text", kGuardrailBlockedText}}, 0);
      case Kind::kReasoning:
        return Delta(index, step.block, json::object{{"reasoningContent", {{"text", script_.thinking_chunks[step.a]}}}},
                     script_.thinking_tokens[step.a]);
      case Kind::kSignature:
        return Delta(index, step.block, json::object{{"reasoningContent", {{"signature", script_.thinking_signature}}}}, 0);
      case Kind::kText:
        return Delta(index, step.block, json::object{{"text", script_.content_chunks[step.a]}}, script_.chunk_tokens[step.a]);
      case Kind::kToolStart: {
        json::object start{{"toolUse", {{"toolUseId", BedrockToolUseId(step.a)}, {"name", script_.tool_calls[step.a].name}}}};
        return Event("contentBlockStart", index, json::object{{"contentBlockIndex", step.block}, {"start", std::move(start)}}, 1);
      }
      case Kind::kToolDelta:
        return Delta(index, step.block,
                     json::object{{"toolUse", {{"input", script_.tool_calls[step.a].fragments[step.b]}}}}, 1);
      case Kind::kBlockStop:
        return Event("contentBlockStop", index, json::object{{"contentBlockIndex", step.block}}, 0);
      case Kind::kMessageStop:
        return Event("messageStop", index, json::object{{"stopReason", BedrockStopReason(script_)}}, 0);
      case Kind::kMetadata: {
        json::object o{{"usage", UsageJson(script_.usage)}, {"metrics", {{"latencyMs", latency_ms_}}}};
        return {EncodeEvent("metadata", json::serialize(o)), 0};
      }
    }
    return {};
  }

  std::string RenderError(std::string_view message, uint16_t status) const override {
    std::string_view type = BedrockStreamExceptionType(status);
    json::object o{{"message", message}};
    if (type == "modelStreamErrorException") {
      o["originalStatusCode"] = status != 0 ? status : 500;
      o["originalMessage"] = message;
    }
    return EncodeException(type, json::serialize(o));
  }

 private:
  enum class Kind : uint8_t {
    kMessageStart, kBlockedText, kReasoning, kSignature, kText, kToolStart, kToolDelta, kBlockStop, kMessageStop, kMetadata
  };
  struct Step {
    Kind kind;
    uint32_t block;
    uint32_t a;
    uint32_t b;
  };
  static StreamEvent Event(std::string_view type, size_t index, json::object payload, uint32_t tokens) {
    payload["p"] = Padding(index);
    return {EncodeEvent(type, json::serialize(payload)), tokens};
  }
  static StreamEvent Delta(size_t index, uint32_t block, json::object delta, uint32_t tokens) {
    return Event("contentBlockDelta", index, json::object{{"contentBlockIndex", block}, {"delta", std::move(delta)}}, tokens);
  }

  Script script_;
  uint64_t latency_ms_;
  std::vector<Step> plan_;
};

}  // namespace

std::string_view BedrockStopReason(const Script& script) {
  if (script.prompt_blocked) return "guardrail_intervened";
  if (!script.tool_calls.empty()) return "tool_use";
  if (script.finish_reason == "length") return "max_tokens";
  if (script.finish_reason == "content_filter") return "content_filtered";
  if (!script.matched_stop.empty()) return "stop_sequence";
  return "end_turn";
}

std::string BedrockToolUseId(size_t k) { return "tooluse_mock_" + std::to_string(k); }

std::string RenderConverseResponse(const ChatCall&, const Script& script, uint64_t latency_ms) {
  json::array content;
  if (script.prompt_blocked) content.push_back(json::object{{"text", kGuardrailBlockedText}});
  if (!script.thinking_chunks.empty()) {
    content.push_back(json::object{
        {"reasoningContent", {{"reasoningText", {{"text", script.Thinking()}, {"signature", script.thinking_signature}}}}}});
  }
  if (!script.tool_calls.empty()) {
    for (size_t k = 0; k < script.tool_calls.size(); ++k) content.push_back(json::object{{"toolUse", ToolUse(script.tool_calls[k], k)}});
  } else if (!script.prompt_blocked) {
    content.push_back(json::object{{"text", script.Content()}});
  }
  json::object o;
  o["output"] = {{"message", {{"role", "assistant"}, {"content", std::move(content)}}}};
  o["stopReason"] = BedrockStopReason(script);
  o["usage"] = UsageJson(script.usage);
  o["metrics"] = {{"latencyMs", latency_ms}};
  return json::serialize(o);
}

std::string RenderSizedConverseResponse(const ChatCall& call, const Script& script, uint64_t latency_ms,
                                        uint64_t body_bytes) {
  Script sized = script;
  sized.tool_calls.clear();
  sized.finish_reason = "stop";
  sized.matched_stop.clear();
  size_t content = 0;
  std::string body;
  for (int round = 0; round < 8; ++round) {  // the token count's digits move the envelope: iterate
    sized.content_chunks = {Filler(content)};
    sized.usage.completion_tokens = EstimateTextTokens(content) + script.usage.reasoning_tokens;
    body = RenderConverseResponse(call, sized, latency_ms);
    if (body.size() == body_bytes) break;
    size_t envelope = body.size() - content;
    if (envelope >= body_bytes) break;
    content = body_bytes - envelope;
  }
  return body;
}

std::unique_ptr<StreamRenderer> MakeConverseStream(const ChatCall&, Script script, uint64_t latency_ms) {
  return std::make_unique<ConverseStream>(std::move(script), latency_ms);
}

std::string_view BedrockErrorType(int status) {
  switch (status) {
    case 400: return "ValidationException";
    case 403: return "AccessDeniedException";
    case 404: return "ResourceNotFoundException";
    case 408: return "ModelTimeoutException";
    case 424: return "ModelErrorException";
    case 429: return "ThrottlingException";
    case 500: return "InternalServerException";
    case 503: return "ServiceUnavailableException";
    default: return status >= 500 ? "InternalServerException" : "ValidationException";
  }
}

std::string_view BedrockStreamExceptionType(int status) {
  switch (status) {
    case 0: case 424: return "modelStreamErrorException";
    case 429: return "throttlingException";
    case 503: return "serviceUnavailableException";
    default: return status >= 500 ? "internalServerException" : "validationException";
  }
}

std::string BedrockErrorTypeHeader(std::string_view type) {
  std::string out(type);
  out.append(":http://internal.amazon.com/coral/com.amazon.bedrock/");
  return out;
}

std::string RenderBedrockError(std::string_view message) {
  return json::serialize(json::object{{"message", message}});
}

std::string RenderBedrockCountTokens(uint64_t input_tokens) {
  return json::serialize(json::object{{"inputTokens", input_tokens}});
}

std::string RenderBedrockEmbedding(const BedrockEmbedCall& call, uint64_t id) {
  auto vector = [&](const std::string& text) {
    std::vector<float> v = MockEmbedding(call.model, text, call.dimensions);
    if (!call.normalize) {
      for (float& x : v) x *= 8.0f;  // Titan's unnormalized vectors are not unit length
    }
    return v;
  };
  auto quantized = [](const std::vector<float>& v, bool binary) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i > 0) out.push_back(',');
      out += binary ? (v[i] > 0 ? "1" : "0") : std::to_string(static_cast<int>(std::lround(v[i] * 127.0f)));
    }
    return out + "]";
  };
  std::string out;
  if (call.family != EmbedFamily::kCohere) {
    std::vector<float> v = vector(call.texts.front());
    out = R"({"embedding":)";
    AppendFloatArray(out, v);
    if (call.family == EmbedFamily::kTitanV2) {
      out.append(R"(,"embeddingsByType":{)");
      bool first = true;
      for (const std::string& type : call.types.empty() ? std::vector<std::string>{"float"} : call.types) {
        if (!first) out.push_back(',');
        first = false;
        out.append("\"").append(type).append("\":");
        if (type == "float") AppendFloatArray(out, v);
        else out.append(quantized(v, true));
      }
      out.push_back('}');
    }
    out.append(R"(,"inputTextTokenCount":)").append(std::to_string(call.input_tokens)).append("}");
    return out;
  }
  auto matrix = [&](bool int8) {
    std::string m = "[";
    for (size_t i = 0; i < call.texts.size(); ++i) {
      if (i > 0) m.push_back(',');
      std::vector<float> v = vector(call.texts[i]);
      if (int8) m.append(quantized(v, false));
      else AppendFloatArray(m, v);
    }
    return m + "]";
  };
  out = R"({"embeddings":)";
  if (call.types.empty()) {
    out.append(matrix(false));
  } else {
    out.push_back('{');
    for (size_t t = 0; t < call.types.size(); ++t) {
      if (t > 0) out.push_back(',');
      out.append("\"").append(call.types[t]).append("\":").append(matrix(call.types[t] == "int8"));
    }
    out.push_back('}');
  }
  json::array texts;
  for (const auto& t : call.texts) texts.emplace_back(t);
  out.append(R"(,"id":")").append("mock-embed-" + std::to_string(id)).append("\"");
  out.append(R"(,"response_type":")").append(call.types.empty() ? "embeddings_floats" : "embeddings_by_type").append("\"");
  out.append(R"(,"texts":)").append(json::serialize(texts)).append("}");
  return out;
}

}  // namespace sluice::mock_llm
