// Gemini rendering (responses, SSE stream, errors, countTokens, embeddings). Thread rule: pure functions;
// GeminiStream instances are used by one coroutine.
#include "mock_llm/gemini_writer.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <vector>

#include "mock_llm/embedding.h"

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

// Usage so far: `candidates` generated content tokens, `thoughts` thinking tokens.
json::object UsageJson(const UsageScript& u, uint64_t candidates, uint64_t thoughts) {
  json::object o;
  o["promptTokenCount"] = u.prompt_tokens;
  if (candidates > 0) o["candidatesTokenCount"] = candidates;
  o["totalTokenCount"] = u.prompt_tokens + candidates + thoughts;
  if (u.cached_tokens > 0) o["cachedContentTokenCount"] = u.cached_tokens;
  o["promptTokensDetails"] = json::array{json::object{{"modality", "TEXT"}, {"tokenCount", u.prompt_tokens}}};
  if (thoughts > 0) o["thoughtsTokenCount"] = thoughts;
  return o;
}

json::object FinalUsage(const UsageScript& u) {
  return UsageJson(u, u.completion_tokens - u.reasoning_tokens, u.reasoning_tokens);
}

json::array SafetyRatings(bool blocked) {
  json::array out;
  for (std::string_view category : {"HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT",
                                    "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_SEXUALLY_EXPLICIT"}) {
    json::object r{{"category", category}, {"probability", "NEGLIGIBLE"}};
    if (blocked && category == "HARM_CATEGORY_DANGEROUS_CONTENT") {
      r["probability"] = "HIGH";
      r["blocked"] = true;
    }
    out.push_back(std::move(r));
  }
  return out;
}

json::object FunctionCallPart(const ToolCallScript& t, const Script& s, bool first) {
  json::object part{{"functionCall", {{"name", t.name}, {"args", json::parse(t.arguments)}}}};
  // Thinking models sign the first function call part; clients echo it back (reference §4.1).
  if (first && !s.thinking_chunks.empty()) part["thoughtSignature"] = s.thinking_signature;
  return part;
}

json::object Candidate(json::array parts, std::string_view finish) {
  json::object c;
  c["content"] = {{"parts", std::move(parts)}, {"role", "model"}};
  if (!finish.empty()) c["finishReason"] = finish;
  c["index"] = 0;
  if (finish == "SAFETY") c["safetyRatings"] = SafetyRatings(true);
  return c;
}

json::object Envelope(json::object body, const ChatCall& call, std::string_view response_id) {
  body["modelVersion"] = call.model;
  body["responseId"] = response_id;
  return body;
}

json::object BlockedPrompt(const Script& s) {
  json::object o;
  o["promptFeedback"] = {{"blockReason", "SAFETY"}, {"safetyRatings", SafetyRatings(true)}};
  o["usageMetadata"] = FinalUsage(s.usage);
  return o;
}

class GeminiStream final : public StreamRenderer {
 public:
  GeminiStream(const ChatCall& call, Script script, std::string response_id)
      : script_(std::move(script)), response_id_(std::move(response_id)) {
    call_.model = call.model;
    if (script_.prompt_blocked) {
      plan_.push_back({Kind::kBlocked, 0, 0, 0});
      return;
    }
    if (call.thoughts_visible) {
      for (uint32_t i = 0; i < script_.thinking_chunks.size(); ++i) plan_.push_back({Kind::kThought, i, 0, 0});
    }
    if (!script_.tool_calls.empty()) {
      for (uint32_t k = 0; k < script_.tool_calls.size(); ++k) plan_.push_back({Kind::kCall, k, 0, 0});
    } else {
      for (uint32_t i = 0; i < script_.content_chunks.size(); ++i) plan_.push_back({Kind::kText, i, 0, 0});
    }
    if (script_.finish_reason == "content_filter" || plan_.empty() || plan_.back().kind == Kind::kThought) {
      plan_.push_back({Kind::kFinal, 0, 0, 0});  // a closing event without new text
    }
    // Running usage: what has been generated up to and including each event.
    uint64_t thoughts = 0, candidates = 0;
    for (Step& s : plan_) {
      if (s.kind == Kind::kThought) thoughts += script_.thinking_tokens[s.a];
      if (s.kind == Kind::kText) candidates += script_.chunk_tokens[s.a];
      if (s.kind == Kind::kCall) candidates += 1 + script_.tool_calls[s.a].fragments.size();
      s.thoughts = thoughts;
      s.candidates = candidates;
    }
  }

  size_t EventCount() const override { return plan_.size(); }

  StreamEvent Render(size_t index) const override {
    const Step& step = plan_[index];
    const bool last = index + 1 == plan_.size();
    if (step.kind == Kind::kBlocked) return {Sse(Envelope(BlockedPrompt(script_), call_, response_id_)), 0};
    json::array parts;
    uint32_t tokens = 0;
    switch (step.kind) {
      case Kind::kThought:
        parts.push_back(json::object{{"text", script_.thinking_chunks[step.a]}, {"thought", true}});
        tokens = script_.thinking_tokens[step.a];
        break;
      case Kind::kText:
        parts.push_back(json::object{{"text", script_.content_chunks[step.a]}});
        tokens = script_.chunk_tokens[step.a];
        break;
      case Kind::kCall:
        parts.push_back(FunctionCallPart(script_.tool_calls[step.a], script_, step.a == 0));
        tokens = static_cast<uint32_t>(1 + script_.tool_calls[step.a].fragments.size());
        break;
      default:
        parts.push_back(json::object{{"text", ""}});
        break;
    }
    json::object body;
    std::string_view finish = last ? GeminiFinishReason(script_) : std::string_view{};
    json::object candidate = Candidate(std::move(parts), finish);
    if (finish == "SAFETY") candidate.erase("content");  // the filtered turn carries no content
    body["candidates"] = json::array{std::move(candidate)};
    body["usageMetadata"] = last ? FinalUsage(script_.usage) : UsageJson(script_.usage, step.candidates, step.thoughts);
    return {Sse(Envelope(std::move(body), call_, response_id_)), tokens};
  }

  std::string RenderError(std::string_view message, uint16_t status) const override {
    const int code = status != 0 ? status : 500;
    return Sse(json::parse(RenderGoogleError(code, message)).as_object());
  }

 private:
  enum class Kind : uint8_t { kThought, kText, kCall, kFinal, kBlocked };
  struct Step {
    Kind kind;
    uint32_t a;
    uint64_t thoughts = 0;    // thinking tokens generated up to this event
    uint64_t candidates = 0;  // answer tokens generated up to this event
  };
  static std::string Sse(const json::object& o) {
    std::string out = "data: ";
    out.append(json::serialize(o)).append("\r\n\r\n");
    return out;
  }

  ChatCall call_;  // only the model is kept
  Script script_;
  std::string response_id_;
  std::vector<Step> plan_;
};

// Re-frames the SSE events as elements of one JSON array.
class GeminiArrayStream final : public StreamRenderer {
 public:
  explicit GeminiArrayStream(std::unique_ptr<StreamRenderer> sse) : sse_(std::move(sse)) {}
  size_t EventCount() const override { return sse_->EventCount() + 1; }
  StreamEvent Render(size_t index) const override {
    if (index == sse_->EventCount()) return {"]", 0};
    StreamEvent e = sse_->Render(index);
    e.bytes = (index == 0 ? "[" : ",\r\n") + Unframe(e.bytes);
    opened_ = true;
    return e;
  }
  // The error is an element of its own that closes the array (opening it when it is the first).
  std::string RenderError(std::string_view message, uint16_t status) const override {
    return (opened_ ? ",\r\n" : "[") + Unframe(sse_->RenderError(message, status)) + "]";
  }

 private:
  static std::string Unframe(const std::string& sse) {  // "data: X\r\n\r\n" → "X"
    return sse.substr(6, sse.size() - 10);
  }
  std::unique_ptr<StreamRenderer> sse_;
  mutable bool opened_ = false;  // an element was rendered (events render in order, on one coroutine)
};

}  // namespace

std::unique_ptr<StreamRenderer> MakeGeminiArrayStream(const ChatCall& call, Script script, std::string response_id) {
  return std::make_unique<GeminiArrayStream>(MakeGeminiStream(call, std::move(script), std::move(response_id)));
}

std::string_view GeminiFinishReason(const Script& script) {
  if (script.finish_reason == "length") return "MAX_TOKENS";
  if (script.finish_reason == "content_filter") return "SAFETY";
  return "STOP";
}

std::string RenderGeminiResponse(const ChatCall& call, const Script& script, std::string_view response_id) {
  if (script.prompt_blocked) return json::serialize(Envelope(BlockedPrompt(script), call, response_id));
  json::array parts;
  if (call.thoughts_visible && !script.thinking_chunks.empty()) {
    parts.push_back(json::object{{"text", script.Thinking()}, {"thought", true}});
  }
  if (!script.tool_calls.empty()) {
    for (size_t k = 0; k < script.tool_calls.size(); ++k) {
      parts.push_back(FunctionCallPart(script.tool_calls[k], script, k == 0));
    }
  } else {
    parts.push_back(json::object{{"text", script.Content()}});
  }
  std::string_view finish = GeminiFinishReason(script);
  json::object candidate = Candidate(std::move(parts), finish);
  if (finish == "SAFETY") candidate.erase("content");
  json::object body;
  body["candidates"] = json::array{std::move(candidate)};
  body["usageMetadata"] = FinalUsage(script.usage);
  return json::serialize(Envelope(std::move(body), call, response_id));
}

std::string RenderSizedGeminiResponse(const ChatCall& call, const Script& script, std::string_view response_id,
                                      uint64_t body_bytes) {
  Script sized = script;
  sized.tool_calls.clear();
  sized.finish_reason = "stop";
  size_t content = 0;
  std::string body;
  for (int round = 0; round < 8; ++round) {  // the token count's digits move the envelope: iterate
    sized.content_chunks = {Filler(content)};
    sized.usage.completion_tokens = EstimateTextTokens(content) + script.usage.reasoning_tokens;
    body = RenderGeminiResponse(call, sized, response_id);
    if (body.size() == body_bytes) break;
    size_t envelope = body.size() - content;
    if (envelope >= body_bytes) break;
    content = body_bytes - envelope;
  }
  return body;
}

std::unique_ptr<StreamRenderer> MakeGeminiStream(const ChatCall& call, Script script, std::string response_id) {
  return std::make_unique<GeminiStream>(call, std::move(script), std::move(response_id));
}

std::string_view GoogleStatusFor(int code) {
  switch (code) {
    case 400: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 409: return "ABORTED";
    case 412: return "FAILED_PRECONDITION";
    case 413: return "OUT_OF_RANGE";
    case 429: return "RESOURCE_EXHAUSTED";
    case 499: return "CANCELLED";
    case 500: return "INTERNAL";
    case 501: return "UNIMPLEMENTED";
    case 503: return "UNAVAILABLE";
    case 504: return "DEADLINE_EXCEEDED";
    default: return code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

std::string RenderGoogleError(int code, std::string_view message, std::string_view status) {
  json::object e{{"code", code}, {"message", message}, {"status", status.empty() ? GoogleStatusFor(code) : status}};
  return json::serialize(json::object{{"error", std::move(e)}});
}

std::string RenderGeminiCountTokens(uint64_t total_tokens) {
  json::object o{{"totalTokens", total_tokens},
                 {"promptTokensDetails", json::array{json::object{{"modality", "TEXT"}, {"tokenCount", total_tokens}}}}};
  return json::serialize(o);
}

std::string RenderGeminiEmbeddings(const GeminiEmbedCall& call, bool batch) {
  std::string out = batch ? R"({"embeddings":[)" : R"({"embedding":)";
  const size_t count = batch ? call.texts.size() : std::min<size_t>(1, call.texts.size());
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out.push_back(',');
    out.append(R"({"values":)");
    AppendFloatArray(out, MockEmbedding(call.model, call.texts[i], call.dimensions[i]));
    out.push_back('}');
  }
  out.append(batch ? "]}" : "}");
  return out;
}

}  // namespace sluice::mock_llm
