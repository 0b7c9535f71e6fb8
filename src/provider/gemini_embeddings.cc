// ir::EmbeddingsRequest ⇄ Gemini embeddings (reference §4.5). Developer API: one input →
// `:embedContent` {content, outputDimensionality} → {"embedding":{"values"}}; several →
// `:batchEmbedContents` {requests:[{model:"models/x", content, outputDimensionality}]} →
// {"embeddings":[{"values"}]}; neither reports token usage (usage stays absent). Vertex AI's text
// embeddings API is `:predict` {instances:[{content}], parameters:{outputDimensionality}} →
// {"predictions":[{"embeddings":{"values","statistics":{"token_count"}}}]}, whose token counts
// become the usage. The decoder recognises all three shapes. Thread rule: pure functions.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "provider/gemini.h"
#include "provider/gemini_detail.h"
#include "provider/json_fields.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

json::object TextContent(std::string_view text) {
  json::object part, content;
  part["text"] = text;
  json::array parts;
  parts.push_back(std::move(part));
  content["parts"] = std::move(parts);
  return content;
}

// Appends one embedding's `values` to `out`; false when they are not a list of numbers.
bool ReadValues(const json::value* values, std::vector<std::vector<float>>& out) {
  const json::array* a = values ? values->if_array() : nullptr;
  if (!a) return false;
  std::vector<float> v;
  v.reserve(a->size());
  for (const json::value& x : *a) {
    if (!x.is_number()) return false;
    v.push_back(static_cast<float>(x.to_number<double>()));
  }
  out.push_back(std::move(v));
  return true;
}

const json::value* Member(const json::value& v, std::string_view key) {
  const json::object* o = v.if_object();
  return o ? o->if_contains(key) : nullptr;
}

}  // namespace

core::Result<UpstreamRequest> GeminiAdapter::BuildEmbeddingsRequest(
    const ir::EmbeddingsRequest& request, const Target& target) const {
  if (request.inputs.empty()) return Unsupported("The embeddings request has no input.", "input");
  json::object body;
  std::string_view method;
  if (options_.vertex) {
    method = "predict";
    json::array instances;
    for (const std::string& text : request.inputs) {
      json::object instance;
      instance["content"] = text;
      instances.push_back(std::move(instance));
    }
    body["instances"] = std::move(instances);
    if (request.dimensions) {
      json::object parameters;
      parameters["outputDimensionality"] = *request.dimensions;
      body["parameters"] = std::move(parameters);
    }
  } else if (request.inputs.size() == 1) {
    method = "embedContent";
    body["content"] = TextContent(request.inputs[0]);
    if (request.dimensions) body["outputDimensionality"] = *request.dimensions;
  } else {
    method = "batchEmbedContents";
    auto path =
        MethodPath(target.model, method, {});  // validates the name before it goes in the body
    if (!path) return path.error();
    std::string_view model = gemini_detail::NormalizedModel(target.model);
    json::array requests;
    for (const std::string& text : request.inputs) {
      json::object r;
      r["model"] = "models/" + std::string(model);
      r["content"] = TextContent(text);
      if (request.dimensions) r["outputDimensionality"] = *request.dimensions;
      requests.push_back(std::move(r));
    }
    body["requests"] = std::move(requests);
  }
  auto path = MethodPath(target.model, method, target.path_prefix);
  if (!path) return path.error();
  UpstreamRequest out;
  out.path = std::move(*path);
  out.headers = Headers(target);
  out.body = json::serialize(body);
  return out;
}

core::Result<ir::EmbeddingsResponse> GeminiAdapter::DecodeEmbeddingsResponse(
    std::string_view body) const {
  json::monotonic_resource mr;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr);
  const json::object* o = ec ? nullptr : root.if_object();
  if (!o) return ProtocolError("The Gemini upstream returned an embeddings body that is not JSON.");
  if (const json::value* err = o->if_contains("error"); err && err->is_object())
    return gemini_detail::ErrorFromGoogle(err->get_object(), 0);
  ir::EmbeddingsResponse r;
  bool ok = false;
  if (const json::value* one = o->if_contains("embedding")) {
    ok = ReadValues(Member(*one, "values"), r.vectors);
  } else if (const json::value* many = o->if_contains("embeddings"); many && many->is_array()) {
    ok = true;
    for (const json::value& e : many->get_array())
      ok = ok && ReadValues(Member(e, "values"), r.vectors);
  } else if (const json::value* preds = o->if_contains("predictions"); preds && preds->is_array()) {
    ok = true;
    for (const json::value& p : preds->get_array()) {
      const json::value* e = Member(p, "embeddings");
      ok = ok && e && ReadValues(Member(*e, "values"), r.vectors);
      if (!ok) break;
      if (const json::value* stats = Member(*e, "statistics"); stats && stats->is_object()) {
        // token_count is a JSON number that Vertex sometimes writes as 7.0.
        const json::value* n = stats->get_object().if_contains("token_count");
        if (n && n->is_number() && n->to_number<double>() >= 0) {
          r.usage.input += static_cast<uint64_t>(n->to_number<double>());
          r.usage.present = true;
        }
      }
    }
  }
  if (!ok) return ProtocolError("The Gemini upstream returned embeddings in an unknown shape.");
  return r;
}

}  // namespace sluice::provider
