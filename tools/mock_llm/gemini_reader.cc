// Gemini request decoding with Google's 400 INVALID_ARGUMENT wording. Thread rule: pure functions.
#include "mock_llm/gemini_reader.h"

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

template <typename T>
Decoded<T> Fail(std::string message) {
  Decoded<T> d;
  d.error.message = std::move(message);
  return d;
}

// "system_instruction" → "systemInstruction": the proto-JSON parser accepts both spellings.
std::string Camel(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool upper = false;
  for (char c : name) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
      upper = false;
    }
  }
  return out;
}

// "systemInstruction" → "system_instruction", as Google names fields in its messages.
std::string Snake(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back('_');
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string UnknownName(std::string_view key, std::string_view at) {
  std::string m = "Invalid JSON payload received. Unknown name \"";
  m.append(key).append("\"");
  if (!at.empty()) m.append(" at '").append(at).append("'");
  m.append(": Cannot find field.");
  return m;
}

std::string InvalidValue(std::string_view at, std::string_view type, const json::value& v) {
  std::string m = "Invalid value at '";
  m.append(at).append("' (").append(type).append("), ").append(json::serialize(v));
  return m;
}

constexpr std::string_view kContentType = "type.googleapis.com/google.ai.generativelanguage.v1beta.Content";

// Finds `name` (camelCase) in either spelling.
const json::value* Field(const json::object& o, std::string_view camel) {
  if (auto* v = o.if_contains(camel)) return v;
  std::string snake = Snake(camel);
  return o.if_contains(snake);
}

// Every key of `o` must be one of `known` (camelCase); the first unknown one is the error.
template <size_t N>
std::optional<std::string> CheckKnown(const json::object& o, const std::array<std::string_view, N>& known,
                                      std::string_view at) {
  for (const auto& kv : o) {
    std::string camel = Camel(kv.key());
    if (std::find(known.begin(), known.end(), camel) == known.end()) return UnknownName(kv.key(), at);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 10> kRequestFields = {
    "model", "contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "safetySettings",
    "cachedContent", "labels", "generateContentRequest"};
constexpr std::array<std::string_view, 20> kGenerationFields = {
    "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities",
    "candidateCount", "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty",
    "frequencyPenalty", "responseLogprobs", "logprobs", "enableEnhancedCivicAnswers", "speechConfig",
    "thinkingConfig", "mediaResolution", "imageConfig"};
constexpr std::array<std::string_view, 11> kPartFields = {
    "text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode",
    "codeExecutionResult", "thought", "thoughtSignature", "videoMetadata", "partMetadata"};
constexpr std::array<std::string_view, 7> kDataFields = {
    "text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"};
constexpr std::array<std::string_view, 2> kContentFields = {"role", "parts"};

struct TurnSummary {
  bool has_text = false;
  size_t function_calls = 0;
  size_t function_responses = 0;
  size_t bytes = 0;
  std::string text;
};

// Validates one Content (a turn or the systemInstruction) and sums what it holds.
std::optional<std::string> ReadContent(const json::value& v, std::string_view at, std::string_view request,
                                       bool system, TurnSummary& out) {
  const json::object* c = v.if_object();
  if (!c) return InvalidValue(at, kContentType, v);
  if (auto e = CheckKnown(*c, kContentFields, at)) return e;
  if (!system) {
    if (const json::value* role = c->if_contains("role"); role && !role->is_null()) {
      if (!role->is_string()) return InvalidValue(std::string(at) + ".role", "TYPE_STRING", *role);
      // The Developer API defaults a missing role to "user"; anything but user/model is refused.
      if (!role->get_string().empty() && role->get_string() != "user" && role->get_string() != "model") {
        return std::string("Please use a valid role: user, model.");
      }
    }
  }
  const json::value* parts = c->if_contains("parts");
  if (!parts || (parts->is_array() && parts->get_array().empty())) {
    std::string m = "* ";
    m.append(request).append(".").append(at).append(".parts: contents.parts must not be empty.\n");
    return m;
  }
  if (!parts->is_array()) return InvalidValue(std::string(at) + ".parts", "type.googleapis.com/google.ai.generativelanguage.v1beta.Part", *parts);
  const json::array& list = parts->get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = std::string(at) + ".parts[" + std::to_string(i) + "]";
    const json::object* p = list[i].if_object();
    if (!p) return InvalidValue(path, "type.googleapis.com/google.ai.generativelanguage.v1beta.Part", list[i]);
    if (auto e = CheckKnown(*p, kPartFields, path)) return e;
    size_t data = 0;
    for (auto name : kDataFields) data += Field(*p, name) != nullptr;
    if (data == 0) {
      return "* " + std::string(request) + "." + path + ".data: required oneof field 'data' must have one initialized field\n";
    }
    if (data > 1) {
      return "Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '" + path + "'.";
    }
    if (const json::value* t = Field(*p, "text")) {
      if (!t->is_string()) return InvalidValue(path + ".text", "TYPE_STRING", *t);
      if (!out.text.empty()) out.text.push_back('\n');
      out.text.append(t->get_string());
      out.bytes += t->get_string().size();
      out.has_text = out.has_text || !t->get_string().empty();
    } else if (const json::value* fc = Field(*p, "functionCall")) {
      const json::object* f = fc->if_object();
      const json::value* name = f ? f->if_contains("name") : nullptr;
      if (!name || !name->is_string() || name->get_string().empty()) {
        return "* " + std::string(request) + "." + path + ".function_call.name: Name cannot be empty.\n";
      }
      out.bytes += name->get_string().size();
      if (const json::value* args = f->if_contains("args")) {
        if (!args->is_object()) {
          return InvalidValue(path + ".function_call.args", "type.googleapis.com/google.protobuf.Struct", *args);
        }
        out.bytes += json::serialize(*args).size();
      }
      ++out.function_calls;
    } else if (const json::value* fr = Field(*p, "functionResponse")) {
      const json::object* f = fr->if_object();
      const json::value* name = f ? f->if_contains("name") : nullptr;
      if (!name || !name->is_string() || name->get_string().empty()) {
        return "* " + std::string(request) + "." + path + ".function_response.name: Name cannot be empty.\n";
      }
      const json::value* response = f->if_contains("response");
      if (response && !response->is_object()) {
        return InvalidValue(path + ".function_response.response", "type.googleapis.com/google.protobuf.Struct",
                            *response);
      }
      if (response) out.bytes += json::serialize(*response).size();
      ++out.function_responses;
    }
  }
  return std::nullopt;
}

std::string RoleOf(const json::value& content) {
  const json::object* c = content.if_object();
  const json::value* role = c ? c->if_contains("role") : nullptr;
  if (!role || !role->is_string() || role->get_string().empty()) return "user";
  return std::string(role->get_string());
}

// The generateContent checks shared with countTokens' generateContentRequest form.
std::optional<std::string> ReadGenerateRequest(const json::object& obj, std::string_view request, ChatCall& call,
                                               bool allow_nested) {
  if (auto e = CheckKnown(obj, kRequestFields, {})) return e;
  if (!allow_nested && obj.if_contains("generateContentRequest")) return UnknownName("generateContentRequest", {});
  const json::value* contents = obj.if_contains("contents");
  if (!contents || contents->is_null() || (contents->is_array() && contents->get_array().empty())) {
    return "* " + std::string(request) + ".contents: contents is not specified\n";
  }
  if (!contents->is_array()) return InvalidValue("contents", kContentType, *contents);
  uint64_t tokens = kTokensPerReply;
  if (const json::value* system = Field(obj, "systemInstruction"); system && !system->is_null()) {
    TurnSummary s;
    if (auto e = ReadContent(*system, "system_instruction", request, true, s)) return e;
    tokens += kTokensPerMessage + EstimateTextTokens(s.bytes);
  }
  const json::array& list = contents->get_array();
  TurnSummary previous;
  std::string previous_role;
  for (size_t i = 0; i < list.size(); ++i) {
    TurnSummary turn;
    std::string at = "contents[" + std::to_string(i) + "]";
    if (auto e = ReadContent(list[i], at, request, false, turn)) return e;
    const std::string role = RoleOf(list[i]);
    if (turn.function_responses > 0) {
      if (i == 0 || previous.function_calls == 0 || previous_role != "model") {
        return std::string("Please ensure that function response turn comes immediately after a function call turn.");
      }
      if (turn.function_responses != previous.function_calls) {
        return std::string("Please ensure that the number of function response parts is equal to the number of "
                           "function call parts of the function call turn.");
      }
    }
    if (turn.function_calls > 0 && (i == 0 || (previous_role != "user" && previous.function_responses == 0))) {
      return std::string("Please ensure that function call turn comes immediately after a user turn or after a "
                         "function response turn.");
    }
    if (role == "user" && turn.has_text) call.last_user_text = turn.text;
    tokens += kTokensPerMessage + EstimateTextTokens(turn.bytes);
    previous = std::move(turn);
    previous_role = role;
  }
  call.prompt_tokens_estimate = tokens;

  if (const json::value* tools = obj.if_contains("tools"); tools && !tools->is_null()) {
    if (!tools->is_array()) return InvalidValue("tools", "type.googleapis.com/google.ai.generativelanguage.v1beta.Tool", *tools);
    for (size_t t = 0; t < tools->get_array().size(); ++t) {
      const json::object* tool = tools->get_array()[t].if_object();
      if (!tool) continue;
      const json::value* decls = Field(*tool, "functionDeclarations");
      if (!decls || !decls->is_array()) continue;
      for (size_t d = 0; d < decls->get_array().size(); ++d) {
        const json::object* fd = decls->get_array()[d].if_object();
        const json::value* name = fd ? fd->if_contains("name") : nullptr;
        if (!name || !name->is_string() || name->get_string().empty()) {
          return "* " + std::string(request) + ".tools[" + std::to_string(t) + "].function_declarations[" +
                 std::to_string(d) + "].name: Name cannot be empty.\n";
        }
        call.tool_names.emplace_back(name->get_string());
      }
    }
  }
  if (const json::value* gc = Field(obj, "generationConfig"); gc && !gc->is_null()) {
    const json::object* g = gc->if_object();
    if (!g) return InvalidValue("generation_config", "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig", *gc);
    if (auto e = CheckKnown(*g, kGenerationFields, "generation_config")) return e;
    if (const json::value* m = Field(*g, "maxOutputTokens"); m && !m->is_null()) {
      if (!m->is_int64() && !m->is_uint64()) return InvalidValue("generation_config.max_output_tokens", "TYPE_INT32", *m);
      if (m->is_int64() && m->get_int64() < 0) return InvalidValue("generation_config.max_output_tokens", "TYPE_INT32", *m);
      call.max_tokens = m->is_int64() ? static_cast<uint64_t>(m->get_int64()) : m->get_uint64();
      if (*call.max_tokens == 0) call.max_tokens.reset();  // 0 = the model's default, as proto3 reads it
    }
    if (const json::value* stops = Field(*g, "stopSequences"); stops && stops->is_array()) {
      for (const auto& s : stops->get_array()) {
        if (!s.is_string()) return InvalidValue("generation_config.stop_sequences", "TYPE_STRING", s);
        call.stop_sequences.emplace_back(s.get_string());
      }
    }
    if (const json::value* tc = Field(*g, "thinkingConfig"); tc && tc->is_object()) {
      if (const json::value* inc = Field(tc->get_object(), "includeThoughts"); inc && inc->is_bool()) {
        call.thinking_requested = inc->get_bool();
      }
    }
  }
  call.thoughts_visible = call.thinking_requested;
  return std::nullopt;
}

const json::object* ParseBody(std::string_view body, json::value& root) {
  boost::system::error_code ec;
  root = json::parse(body, ec);
  if (ec || !root.is_object()) return nullptr;
  return &root.get_object();
}

constexpr std::string_view kBadJson = "Invalid JSON payload received. Unexpected token.";

}  // namespace

Decoded<ChatCall> DecodeGeminiGenerate(std::string_view body, std::string_view model, bool stream) {
  json::value root;
  const json::object* obj = ParseBody(body, root);
  if (!obj) return Fail<ChatCall>(std::string(kBadJson));
  ChatCall call;
  call.model = model;
  call.stream = stream;
  if (obj->if_contains("generateContentRequest")) return Fail<ChatCall>(UnknownName("generateContentRequest", {}));
  if (auto e = ReadGenerateRequest(*obj, "GenerateContentRequest", call, false)) return Fail<ChatCall>(*e);
  Decoded<ChatCall> d;
  d.value = std::move(call);
  return d;
}

Decoded<ChatCall> DecodeGeminiCountTokens(std::string_view body, std::string_view model) {
  json::value root;
  const json::object* obj = ParseBody(body, root);
  if (!obj) return Fail<ChatCall>(std::string(kBadJson));
  ChatCall call;
  call.model = model;
  if (const json::value* nested = Field(*obj, "generateContentRequest")) {
    if (obj->size() != 1) return Fail<ChatCall>("contents and generateContentRequest cannot both be set.");
    if (!nested->is_object()) {
      return Fail<ChatCall>(InvalidValue("generate_content_request",
                                         "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentRequest",
                                         *nested));
    }
    if (auto e = ReadGenerateRequest(nested->get_object(), "GenerateContentRequest", call, false)) return Fail<ChatCall>(*e);
  } else {
    for (const auto& kv : *obj) {
      if (Camel(kv.key()) != "contents") return Fail<ChatCall>(UnknownName(kv.key(), {}));
    }
    if (auto e = ReadGenerateRequest(*obj, "CountTokensRequest", call, false)) return Fail<ChatCall>(*e);
  }
  Decoded<ChatCall> d;
  d.value = std::move(call);
  return d;
}

uint32_t DefaultGeminiEmbeddingDimensions(std::string_view model) {
  return model.find("gemini-embedding") != std::string_view::npos ? 3072 : 768;
}

Decoded<GeminiEmbedCall> DecodeGeminiEmbed(std::string_view body, std::string_view model, bool batch) {
  json::value root;
  const json::object* obj = ParseBody(body, root);
  if (!obj) return Fail<GeminiEmbedCall>(std::string(kBadJson));
  GeminiEmbedCall call;
  call.model = model;
  const uint32_t max_dims = DefaultGeminiEmbeddingDimensions(model);
  constexpr std::array<std::string_view, 5> kEmbedFields = {"model", "content", "taskType", "title",
                                                            "outputDimensionality"};
  auto read_one = [&](const json::object& req, std::string_view request, std::string_view at) -> std::optional<std::string> {
    if (auto e = CheckKnown(req, kEmbedFields, at)) return e;
    const json::value* content = req.if_contains("content");
    std::string prefix = "* " + std::string(request) + "." + std::string(at) + (at.empty() ? "" : ".");
    if (!content || content->is_null()) return prefix + "content: content is not specified\n";
    TurnSummary s;
    if (auto e = ReadContent(*content, std::string(at) + (at.empty() ? "" : ".") + "content", request, true, s)) return e;
    uint32_t dims = max_dims;
    if (const json::value* d = Field(req, "outputDimensionality"); d && !d->is_null()) {
      if (!d->is_int64() || d->get_int64() < 1 || d->get_int64() > max_dims) {
        return prefix + "output_dimensionality: Output dimensionality must be between 1 and " +
               std::to_string(max_dims) + ".\n";
      }
      dims = static_cast<uint32_t>(d->get_int64());
    }
    call.texts.push_back(std::move(s.text));
    call.dimensions.push_back(dims);
    return std::nullopt;
  };
  if (!batch) {
    if (auto e = read_one(*obj, "EmbedContentRequest", {})) return Fail<GeminiEmbedCall>(*e);
  } else {
    for (const auto& kv : *obj) {
      if (kv.key() != "requests") return Fail<GeminiEmbedCall>(UnknownName(kv.key(), {}));
    }
    const json::value* requests = obj->if_contains("requests");
    if (!requests || !requests->is_array() || requests->get_array().empty()) {
      return Fail<GeminiEmbedCall>("* BatchEmbedContentsRequest.requests: requests is not specified\n");
    }
    const std::string want = "models/" + std::string(model);
    for (size_t i = 0; i < requests->get_array().size(); ++i) {
      const json::value& r = requests->get_array()[i];
      std::string at = "requests[" + std::to_string(i) + "]";
      if (!r.is_object()) return Fail<GeminiEmbedCall>(InvalidValue(at, "type.googleapis.com/google.ai.generativelanguage.v1beta.EmbedContentRequest", r));
      const json::value* m = r.get_object().if_contains("model");
      if (!m || !m->is_string() || m->get_string() != want) {
        return Fail<GeminiEmbedCall>("* BatchEmbedContentsRequest." + at + ".model: model must be '" + want +
                                     "', the model of the batch request.\n");
      }
      if (auto e = read_one(r.get_object(), "BatchEmbedContentsRequest", at)) return Fail<GeminiEmbedCall>(*e);
    }
  }
  Decoded<GeminiEmbedCall> d;
  d.value = std::move(call);
  return d;
}

}  // namespace sluice::mock_llm
