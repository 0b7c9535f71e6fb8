// OpenAI wire-format rendering for the mock (chat completions, chunks, embeddings, models, errors).
// Thread rule: pure functions; OpenAiStream instances are used by one coroutine.
#include "mock_llm/openai_writer.h"

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "mock_llm/embedding.h"

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

constexpr std::string_view kFingerprint = "fp_mock";

json::object UsageJson(const UsageScript& u) {
  json::object o;
  o["prompt_tokens"] = u.prompt_tokens;
  o["completion_tokens"] = u.completion_tokens;
  o["total_tokens"] = u.total();
  o["prompt_tokens_details"] = {{"cached_tokens", u.cached_tokens}, {"audio_tokens", 0}};
  o["completion_tokens_details"] = {{"reasoning_tokens", u.reasoning_tokens},
                                    {"audio_tokens", 0},
                                    {"accepted_prediction_tokens", 0},
                                    {"rejected_prediction_tokens", 0}};
  return o;
}

json::object Envelope(const ChatCall& call, const ResponseMeta& meta, std::string_view object) {
  json::object o;
  o["id"] = meta.id;
  o["object"] = object;
  o["created"] = meta.created;
  o["model"] = call.model;
  if (!meta.azure) o["service_tier"] = "default";
  o["system_fingerprint"] = kFingerprint;
  return o;
}

json::object Severity(bool filtered) {
  return json::object{{"filtered", filtered}, {"severity", filtered ? "high" : "safe"}};
}

json::object FilterCategories(bool violence_filtered) {
  return json::object{{"hate", Severity(false)}, {"self_harm", Severity(false)}, {"sexual", Severity(false)},
                      {"violence", Severity(violence_filtered)}};
}

json::object Detection() { return json::object{{"filtered", false}, {"detected", false}}; }

json::object CompletionFilters(bool filtered) {
  json::object o = FilterCategories(filtered);
  o["protected_material_code"] = Detection();
  o["protected_material_text"] = Detection();
  return o;
}

json::array PromptFilters() {
  json::object categories = FilterCategories(false);
  categories["jailbreak"] = Detection();
  return json::array{json::object{{"prompt_index", 0}, {"content_filter_results", std::move(categories)}}};
}

std::string Sse(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 8);
  out.append("data: ").append(payload).append("\n\n");
  return out;
}

class OpenAiStream final : public StreamRenderer {
 public:
  OpenAiStream(const ChatCall& call, Script script, ResponseMeta meta)
      : script_(std::move(script)), meta_(std::move(meta)) {
    call_.model = call.model;
    call_.include_usage = call.include_usage;
    // Event plan (indices into the tables below): generated events first, then the tail.
    if (meta_.azure) plan_.push_back({Kind::kPromptFilter, 0, 0});
    if (script_.tool_calls.empty()) {
      plan_.push_back({Kind::kRole, 0, 0});
      for (uint32_t i = 0; i < script_.content_chunks.size(); ++i) plan_.push_back({Kind::kContent, i, 0});
    } else {
      for (uint32_t k = 0; k < script_.tool_calls.size(); ++k) {
        plan_.push_back({Kind::kToolStart, k, 0});
        for (uint32_t j = 0; j < script_.tool_calls[k].fragments.size(); ++j) {
          plan_.push_back({Kind::kToolArgs, k, j});
        }
      }
    }
    plan_.push_back({Kind::kFinish, 0, 0});
    if (call_.include_usage) plan_.push_back({Kind::kUsage, 0, 0});
    plan_.push_back({Kind::kDone, 0, 0});
  }

  size_t EventCount() const override { return plan_.size(); }
  size_t EventsBeforeFirstToken() const override { return meta_.azure ? 1 : 0; }

  StreamEvent Render(size_t index) const override {
    const Step& step = plan_[index];
    switch (step.kind) {
      case Kind::kPromptFilter: {  // Azure: choices [] and empty identity, before anything else
        json::object o{{"choices", json::array{}}, {"created", 0}, {"id", ""}, {"model", ""}, {"object", ""},
                       {"prompt_filter_results", PromptFilters()}};
        return {Sse(json::serialize(o)), 0};
      }
      case Kind::kRole:
        return {Sse(RenderChunkJson(call_, meta_, R"({"role":"assistant","content":""})", {}, Filters(false, true))), 0};
      case Kind::kContent: {
        json::object delta;
        delta["content"] = script_.content_chunks[step.a];
        return {Sse(RenderChunkJson(call_, meta_, json::serialize(delta), {}, Filters(false, false))),
                script_.chunk_tokens[step.a]};
      }
      case Kind::kToolStart: {
        const ToolCallScript& t = script_.tool_calls[step.a];
        json::object call{{"index", step.a}, {"id", t.id}, {"type", "function"},
                          {"function", {{"name", t.name}, {"arguments", ""}}}};
        json::object delta;
        if (step.a == 0) {  // the first chunk also opens the assistant message (reference §1.5)
          delta["role"] = "assistant";
          delta["content"] = nullptr;
        }
        delta["tool_calls"] = json::array{std::move(call)};
        return {Sse(RenderChunkJson(call_, meta_, json::serialize(delta), {})), 1};
      }
      case Kind::kToolArgs: {
        const ToolCallScript& t = script_.tool_calls[step.a];
        json::object call{{"index", step.a}, {"function", {{"arguments", t.fragments[step.b]}}}};
        json::object delta{{"tool_calls", json::array{std::move(call)}}};
        return {Sse(RenderChunkJson(call_, meta_, json::serialize(delta), {})), 1};
      }
      case Kind::kFinish: {
        const bool filtered = script_.finish_reason == "content_filter";
        return {Sse(RenderChunkJson(call_, meta_, "{}", script_.finish_reason, Filters(filtered, !filtered))), 0};
      }
      case Kind::kUsage: {
        json::object o = Envelope(call_, meta_, "chat.completion.chunk");
        o["choices"] = json::array{};
        o["usage"] = UsageJson(script_.usage);
        return {Sse(json::serialize(o)), 0};
      }
      case Kind::kDone:
        return {"data: [DONE]\n\n", 0};
    }
    return {};
  }

  std::string RenderError(std::string_view message, uint16_t status) const override {
    if (status != 0) return Sse(RenderStatusError(status, message));
    return Sse(mock_llm::RenderError(message, "server_error", {}, "server_error"));
  }

 private:
  enum class Kind : uint8_t { kPromptFilter, kRole, kContent, kToolStart, kToolArgs, kFinish, kUsage, kDone };
  // Azure's per-choice annotations: {} on the role and finish chunks, the categories on content.
  std::string Filters(bool filtered, bool empty) const {
    if (!meta_.azure) return {};
    return empty ? std::string("{}") : json::serialize(CompletionFilters(filtered));
  }
  struct Step {
    Kind kind;
    uint32_t a;  // content chunk or tool call index
    uint32_t b;  // argument fragment index
  };
  ChatCall call_;  // only model and include_usage are kept
  Script script_;
  ResponseMeta meta_;
  std::vector<Step> plan_;
};

}  // namespace

std::string RenderChunkJson(const ChatCall& call, const ResponseMeta& meta, std::string_view delta_json,
                            std::string_view finish_reason, std::string_view content_filter_json) {
  json::object o = Envelope(call, meta, "chat.completion.chunk");
  json::object choice;
  choice["index"] = 0;
  choice["delta"] = json::parse(delta_json);
  choice["logprobs"] = nullptr;
  if (finish_reason.empty()) choice["finish_reason"] = nullptr;
  else choice["finish_reason"] = finish_reason;
  if (!content_filter_json.empty()) choice["content_filter_results"] = json::parse(content_filter_json);
  o["choices"] = json::array{std::move(choice)};
  if (call.include_usage) o["usage"] = nullptr;
  return json::serialize(o);
}

std::string RenderChatCompletion(const ChatCall& call, const Script& script, const ResponseMeta& meta) {
  json::object message;
  message["role"] = "assistant";
  if (script.tool_calls.empty()) message["content"] = script.Content();
  else message["content"] = nullptr;
  message["refusal"] = nullptr;
  message["annotations"] = json::array{};
  if (!script.tool_calls.empty()) {
    json::array calls;
    for (const auto& t : script.tool_calls) {
      calls.push_back(json::object{{"id", t.id}, {"type", "function"},
                                   {"function", {{"name", t.name}, {"arguments", t.arguments}}}});
    }
    message["tool_calls"] = std::move(calls);
  }
  json::object choice{{"index", 0}, {"message", std::move(message)}, {"logprobs", nullptr},
                      {"finish_reason", script.finish_reason}};
  if (meta.azure) choice["content_filter_results"] = CompletionFilters(script.finish_reason == "content_filter");
  json::object o = Envelope(call, meta, "chat.completion");
  o["choices"] = json::array{std::move(choice)};
  if (meta.azure) o["prompt_filter_results"] = PromptFilters();
  o["usage"] = UsageJson(script.usage);
  return json::serialize(o);
}

std::string RenderSizedChatCompletion(const ChatCall& call, const Script& script, const ResponseMeta& meta,
                                      uint64_t body_bytes) {
  Script sized = script;
  sized.tool_calls.clear();
  sized.finish_reason = "stop";
  size_t content = 0;
  std::string body;
  // The envelope's size depends on completion_tokens' digits, so iterate to the fixed point (≤ 3 rounds
  // in practice: the digit count changes at most once more after the first estimate).
  for (int round = 0; round < 8; ++round) {
    sized.content_chunks = {Filler(content)};
    sized.usage.completion_tokens = EstimateTextTokens(content) + script.usage.reasoning_tokens;
    body = RenderChatCompletion(call, sized, meta);
    if (body.size() == body_bytes) break;
    size_t envelope = body.size() - content;
    if (envelope >= body_bytes) break;  // smaller than the smallest body: return the smallest
    content = body_bytes - envelope;
  }
  return body;
}

std::string AzurePromptFilterResults() { return json::serialize(PromptFilters()); }

std::string AzureContentFilterResults(bool filtered) { return json::serialize(CompletionFilters(filtered)); }

std::string AzurePromptFilteredError() {
  json::object categories = FilterCategories(true);
  categories["jailbreak"] = Detection();
  json::object e;
  e["message"] =
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please "
      "modify your prompt and retry. To learn more about our content filtering policies please read our "
      "documentation: https://go.microsoft.com/fwlink/?linkid=2198766";
  e["type"] = nullptr;
  e["param"] = "prompt";
  e["code"] = "content_filter";
  e["status"] = 400;
  e["innererror"] = {{"code", "ResponsibleAIPolicyViolation"}, {"content_filter_result", std::move(categories)}};
  return json::serialize(json::object{{"error", std::move(e)}});
}

std::unique_ptr<StreamRenderer> MakeOpenAiStream(const ChatCall& call, Script script, ResponseMeta meta) {
  return std::make_unique<OpenAiStream>(call, std::move(script), std::move(meta));
}

uint32_t DefaultEmbeddingDimensions(std::string_view model) {
  return model.find("large") != std::string_view::npos ? 3072 : 1536;
}

std::string RenderEmbeddings(const EmbeddingsCall& call) {
  // Rendered by hand: Boost.JSON 1.81 prints doubles as "-2.67E-1"; OpenAI prints short decimals, and
  // std::to_chars gives the shortest text that round-trips the float32 value.
  const uint32_t dims = call.dimensions.value_or(DefaultEmbeddingDimensions(call.model));
  uint64_t tokens = 0;
  std::string out = R"({"object":"list","data":[)";
  out.reserve(64 + call.texts.size() * (call.base64 ? dims * 4 / 3 + 64 : dims * 12 + 64));
  for (size_t i = 0; i < call.texts.size(); ++i) {
    const std::vector<float> vec = MockEmbedding(call.model, call.texts[i], dims);
    if (i > 0) out.push_back(',');
    out.append(R"({"object":"embedding","index":)").append(std::to_string(i)).append(R"(,"embedding":)");
    if (call.base64) {
      std::vector<unsigned char> bytes(size_t{dims} * 4);
      for (uint32_t d = 0; d < dims; ++d) {  // little-endian float32, as OpenAI sends
        uint32_t bits;
        std::memcpy(&bits, &vec[d], 4);
        for (int b = 0; b < 4; ++b) bytes[d * 4 + b] = static_cast<unsigned char>(bits >> (8 * b));
      }
      out.push_back('"');
      out.append(Base64(bytes.data(), bytes.size()));
      out.push_back('"');
    } else {
      AppendFloatArray(out, vec);
    }
    out.push_back('}');
    tokens += call.input_tokens[i];
  }
  out.append(R"(],"model":)").append(json::serialize(json::string(call.model)));
  out.append(R"(,"usage":{"prompt_tokens":)").append(std::to_string(tokens));
  out.append(R"(,"total_tokens":)").append(std::to_string(tokens)).append("}}");
  return out;
}

namespace {
constexpr std::array<std::string_view, 6> kModels = {"gpt-4o", "gpt-4o-mini", "mock-model", "mock-tools",
                                                     "text-embedding-3-small", "text-embedding-3-large"};
json::object ModelJson(std::string_view id) {
  return json::object{{"id", id}, {"object", "model"}, {"created", 1700000000}, {"owned_by", "mock"}};
}
}  // namespace

std::string RenderModelList() {
  json::array data;
  for (auto id : kModels) data.push_back(ModelJson(id));
  return json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}});
}

std::string RenderModel(std::string_view id) { return json::serialize(ModelJson(id)); }

std::string RenderError(std::string_view message, std::string_view type, std::string_view param,
                        std::string_view code) {
  return core::OpenAiErrorBody(message, type, code, param);
}

std::string RenderStatusError(int status, std::string_view message) {
  std::string_view code;
  switch (status) {
    case 400: code = "invalid_request"; break;
    case 401: code = "invalid_api_key"; break;
    case 404: code = "model_not_found"; break;
    case 429: code = "rate_limit_exceeded"; break;
    default: break;  // OpenAI sends code null for 5xx
  }
  return RenderError(message, core::OpenAiTypeForStatus(status), {}, code);
}

}  // namespace sluice::mock_llm
