// ir::ChatRequest → a Gemini generateContent request (reference §4.1, §8.1, §8.3): tools and
// toolConfig, generationConfig (sampling, stops, JSON output, thinking), and the HTTP envelope
// (path for the Developer API or Vertex, authentication header). The body is a Boost.JSON DOM on a
// stack-buffered monotonic resource, serialized once. Thread rule: pure functions.
#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdint>
#include <optional>

#include "provider/gemini.h"
#include "provider/gemini_detail.h"
#include "provider/gemini_request_detail.h"
#include "provider/json_fields.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;
using gemini_detail::NormalizedModel;
using gemini_detail::ToGeminiSchema;

constexpr size_t kMaxStopSequences = 5;

// reasoning_effort → thinkingBudget; nullopt: leave the model's default.
std::optional<int64_t> BudgetForEffort(std::string_view effort) {
  if (effort == "none") return 0;
  if (effort == "minimal") return 512;
  if (effort == "low") return 1024;
  if (effort == "medium") return 8192;
  if (effort == "high") return 24576;
  if (effort == "xhigh" || effort == "max") return 32768;
  return std::nullopt;
}

// A schema with no properties at the top: Gemini rejects an OBJECT with empty properties, and a
// function without `parameters` takes none.
bool TakesNoArguments(const json::object& schema) {
  const json::value* props = schema.if_contains("properties");
  bool none = !props || (props->is_object() && props->get_object().empty());
  return none && !schema.contains("anyOf") && !schema.contains("oneOf") &&
         !schema.contains("$ref") && !schema.contains("allOf");
}

// Sets `field` (OpenAPI subset) or `json_field` (JSON Schema verbatim) on `target`.
void PutSchema(json::value schema, json::object& target, std::string_view field,
               std::string_view json_field, const json::storage_ptr& sp) {
  json::value converted(sp);
  if (ToGeminiSchema(schema, converted, sp))
    target[field] = std::move(converted);
  else
    target[json_field] = std::move(schema);
}

// OpenAI penalties travel in `extra` (the IR does not model them); Gemini has the same two knobs.
void CopyPenalties(const ir::ChatRequest& req, json::object& config) {
  if (req.source != ir::Dialect::kOpenAiChat) return;
  for (const ir::RawField& f : req.extra) {
    std::string_view key = f.name == "presence_penalty"    ? "presencePenalty"
                           : f.name == "frequency_penalty" ? "frequencyPenalty"
                                                           : "";
    if (key.empty()) continue;
    boost::system::error_code ec;
    json::value v = json::parse(f.json, ec);
    if (!ec && v.is_number()) config[key] = v.to_number<double>();
  }
}

core::Result<json::object> Build(const ir::ChatRequest& req, std::string_view model,
                                 const json::storage_ptr& sp) {
  if (req.n > 1)
    return Unsupported("Gemini through Sluice returns one choice: 'n' must be 1.", "n");
  if (req.stop.size() > kMaxStopSequences)
    return Unsupported("Gemini models accept at most 5 stop sequences.", "stop");
  json::object body(sp);
  gemini_detail::ContentsBuilder contents(req, model, sp);
  if (json::value system = contents.SystemInstruction(); !system.is_null())
    body["systemInstruction"] = std::move(system);
  auto parts = contents.Contents();
  if (!parts) return parts.error();
  body["contents"] = std::move(*parts);

  if (!req.tools.empty()) {
    json::array decls(sp);
    for (const ir::Tool& t : req.tools) {
      json::object decl(sp);
      decl["name"] = t.name;
      if (!t.description.empty()) decl["description"] = t.description;
      boost::system::error_code ec;
      json::value schema = t.parameters.empty() ? json::value() : json::parse(t.parameters, ec, sp);
      if (!ec && schema.is_object() && !TakesNoArguments(schema.get_object()))
        PutSchema(std::move(schema), decl, "parameters", "parametersJsonSchema", sp);
      decls.push_back(std::move(decl));
    }
    json::object tool(sp);
    tool["functionDeclarations"] = std::move(decls);
    json::array tools(sp);
    tools.push_back(std::move(tool));
    body["tools"] = std::move(tools);

    json::object fcc(sp);
    switch (req.tool_choice.kind) {
      case ir::ToolChoiceKind::kUnset:
        break;
      case ir::ToolChoiceKind::kAuto:
        fcc["mode"] = "AUTO";
        break;
      case ir::ToolChoiceKind::kNone:
        fcc["mode"] = "NONE";
        break;
      case ir::ToolChoiceKind::kRequired:
        fcc["mode"] = "ANY";
        break;
      case ir::ToolChoiceKind::kSpecific: {
        fcc["mode"] = "ANY";
        json::array names(sp);
        names.emplace_back(req.tool_choice.name);
        fcc["allowedFunctionNames"] = std::move(names);
        break;
      }
    }
    if (!fcc.empty()) {
      json::object tool_config(sp);
      tool_config["functionCallingConfig"] = std::move(fcc);
      body["toolConfig"] = std::move(tool_config);
    }
  }

  json::object config(sp);
  if (!req.stop.empty()) {
    json::array stops(sp);
    for (const std::string& s : req.stop) stops.emplace_back(s);
    config["stopSequences"] = std::move(stops);
  }
  if (req.max_tokens) config["maxOutputTokens"] = *req.max_tokens;
  if (req.temperature) config["temperature"] = std::clamp(*req.temperature, 0.0, 2.0);
  if (req.top_p) config["topP"] = *req.top_p;
  if (req.top_k) config["topK"] = *req.top_k;
  if (req.seed) config["seed"] = static_cast<int32_t>(static_cast<uint32_t>(*req.seed));
  CopyPenalties(req, config);
  const ir::ResponseFormat& rf = req.response_format;
  if (rf.kind == ir::ResponseFormatKind::kJsonObject) {
    config["responseMimeType"] = "application/json";
  } else if (rf.kind == ir::ResponseFormatKind::kJsonSchema) {
    config["responseMimeType"] = "application/json";
    boost::system::error_code ec;
    json::value schema = rf.schema.empty() ? json::value() : json::parse(rf.schema, ec, sp);
    if (ec || !schema.is_object())
      return Unsupported("The response_format json_schema is not a JSON object.",
                         "response_format");
    PutSchema(std::move(schema), config, "responseSchema", "responseJsonSchema", sp);
  }
  std::optional<int64_t> budget;
  if (req.reasoning_budget)
    budget = static_cast<int64_t>(std::min<uint64_t>(*req.reasoning_budget, INT32_MAX));
  else
    budget = BudgetForEffort(req.reasoning_effort);
  if (budget) {
    json::object thinking(sp);
    thinking["thinkingBudget"] = *budget;
    if (*budget != 0) thinking["includeThoughts"] = true;
    config["thinkingConfig"] = std::move(thinking);
  }
  if (!config.empty()) body["generationConfig"] = std::move(config);
  return body;
}

// Characters a model, project or location may have in a path segment; anything else would let a
// name change the URL's meaning.
bool SafeSegment(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@';
  });
}

}  // namespace

GeminiAdapter::GeminiAdapter(GeminiOptions options) : options_(std::move(options)) {
  if (options_.api_version.empty() || (options_.vertex && options_.api_version == "v1beta"))
    options_.api_version = options_.vertex ? "v1" : "v1beta";
}

core::Result<std::string> GeminiAdapter::MethodPath(std::string_view model, std::string_view method,
                                                    std::string_view path_prefix) const {
  model = NormalizedModel(model);
  if (!SafeSegment(model))
    return Unsupported("The model name '" + std::string(model) + "' cannot be used with Gemini.",
                       "model");
  std::string path(path_prefix);
  path.append("/").append(options_.api_version);
  if (options_.vertex && !options_.project.empty()) {
    if (!SafeSegment(options_.project) || !SafeSegment(options_.location))
      return core::Error{core::ErrorCode::kInternal,
                         "The Vertex AI provider needs a valid project and location.",
                         0,
                         {}};
    path.append("/projects/").append(options_.project);
    path.append("/locations/").append(options_.location);
  }
  if (options_.vertex) path.append("/publishers/google");
  path.append("/models/").append(model).append(":").append(method);
  return path;
}

std::vector<Header> GeminiAdapter::Headers(const Target& target) const {
  std::vector<Header> headers{{"content-type", "application/json"}};
  if (options_.vertex && options_.vertex_key_is_access_token)
    headers.push_back({"authorization", "Bearer " + std::string(target.api_key)});
  else
    headers.push_back({"x-goog-api-key", std::string(target.api_key)});
  return headers;
}

core::Result<std::string> GeminiAdapter::EncodeBody(const ir::ChatRequest& request,
                                                    const Target& target) {
  return SerializeBuiltBody(
      [&](json::monotonic_resource* mr) { return Build(request, NormalizedModel(target.model), mr); });
}

core::Result<UpstreamRequest> GeminiAdapter::BuildRequest(const ir::ChatRequest& request,
                                                          const Target& target) const {
  auto path =
      MethodPath(target.model, request.stream ? "streamGenerateContent?alt=sse" : "generateContent",
                 target.path_prefix);
  if (!path) return path.error();
  auto body = EncodeBody(request, target);
  if (!body) return body.error();
  UpstreamRequest out;
  out.path = std::move(*path);
  out.headers = Headers(target);
  if (request.stream) out.headers.push_back({"accept", "text/event-stream"});
  out.body = std::move(*body);
  out.stream = request.stream;
  return out;
}

}  // namespace sluice::provider
