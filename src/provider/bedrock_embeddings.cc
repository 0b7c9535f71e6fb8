// Bedrock embeddings through InvokeModel (POST /model/{id}/invoke) with each model family's native
// body:
//  - Amazon Titan text embeddings (id contains "titan-embed"): {"inputText"} — one text per call,
//    so more than one input is a 400 (the gateway does not fan out). v2 adds "dimensions" (256, 512
//    or 1024) and "normalize": true (OpenAI's vectors are unit length too); v1/G1 take inputText
//    only. Answer: {"embedding":[…], "inputTextTokenCount": N}.
//  - Cohere embed (id contains "cohere.embed"): {"texts":[…], "input_type":"search_document"} (a
//    document-side default: OpenAI's API has no query/document distinction), at most 96 texts; v4
//    also gets "embedding_types":["float"] and "output_dimension" for dimensions. Answer:
//    {"embeddings":[[…]]} or, typed, {"embeddings":{"float":[[…]]}}; Cohere reports no token count
//    in the body (Bedrock sends it as a header), so usage stays absent.
// The answer is recognised by its shape, since DecodeEmbeddingsResponse does not see the model.
// Thread rule: pure functions.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "provider/bedrock.h"
#include "provider/bedrock_usage.h"
#include "provider/json_fields.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

constexpr size_t kCohereMaxTexts = 96;

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// A JSON array of numbers → floats; false when it is not one.
bool ReadVector(const json::value& v, std::vector<float>& out) {
  const json::array* a = v.if_array();
  if (!a) return false;
  out.clear();
  out.reserve(a->size());
  for (const json::value& x : *a) {
    if (x.is_double())
      out.push_back(static_cast<float>(x.get_double()));
    else if (x.is_int64())
      out.push_back(static_cast<float>(x.get_int64()));
    else if (x.is_uint64())
      out.push_back(static_cast<float>(x.get_uint64()));
    else
      return false;
  }
  return true;
}

}  // namespace

core::Result<UpstreamRequest> BedrockAdapter::BuildEmbeddingsRequest(
    const ir::EmbeddingsRequest& request, const Target& target) const {
  std::string_view model = target.model;
  if (request.inputs.empty()) return Unsupported("'input' must hold at least one text.", "input");
  json::object body;
  if (Contains(model, "titan-embed")) {
    if (request.inputs.size() > 1)
      return Unsupported(
          "Amazon Titan embedding models embed one text per request; send one input (got " +
              std::to_string(request.inputs.size()) + ").",
          "input");
    body["inputText"] = request.inputs[0];
    bool v1 = Contains(model, "titan-embed-text-v1") || Contains(model, "titan-embed-g1");
    if (request.dimensions) {
      uint32_t d = *request.dimensions;
      if (v1)
        return Unsupported(
            "Titan text embeddings v1 have a fixed size; 'dimensions' is not supported.",
            "dimensions");
      if (d != 256 && d != 512 && d != 1024)
        return Unsupported("Titan text embeddings v2 offer 256, 512 or 1024 dimensions, not " +
                               std::to_string(d) + ".",
                           "dimensions");
      body["dimensions"] = d;
    }
    if (!v1) body["normalize"] = true;
  } else if (Contains(model, "cohere.embed")) {
    if (request.inputs.size() > kCohereMaxTexts)
      return Unsupported("Cohere embedding models take at most 96 texts per request (got " +
                             std::to_string(request.inputs.size()) + ").",
                         "input");
    json::array texts;
    for (const std::string& s : request.inputs) texts.emplace_back(s);
    body["texts"] = std::move(texts);
    body["input_type"] = "search_document";
    bool v4 = Contains(model, "embed-v4");
    if (v4) {  // v4 answers by type; ask for floats so the shape is certain
      json::array types;
      types.emplace_back("float");
      body["embedding_types"] = std::move(types);
    }
    if (request.dimensions) {
      if (!v4)
        return Unsupported(
            "This Cohere embedding model has a fixed size; 'dimensions' is not supported.",
            "dimensions");
      body["output_dimension"] = *request.dimensions;
    }
  } else {
    return Unsupported(
        "Sluice supports Bedrock embeddings for amazon.titan-embed-* and cohere.embed-* models, "
        "not '" +
            std::string(model) + "'.",
        "model");
  }
  auto path = ModelPath(target.path_prefix, model, "invoke");
  if (!path) return path.error();
  UpstreamRequest out;
  out.path = std::move(*path);
  out.headers = {{"content-type", "application/json"}, {"accept", "application/json"}};
  out.body = json::serialize(body);
  Sign(out, target);
  return out;
}

core::Result<ir::EmbeddingsResponse> BedrockAdapter::DecodeEmbeddingsResponse(
    std::string_view body) const {
  boost::system::error_code ec;
  json::value root = json::parse(body, ec);
  const json::object* o = ec ? nullptr : root.if_object();
  if (!o)
    return ProtocolError(
        "The Bedrock upstream returned an embeddings body that is not a JSON object.");
  ir::EmbeddingsResponse r;
  if (const json::value* one = o->if_contains("embedding")) {  // Titan
    r.vectors.emplace_back();
    if (!ReadVector(*one, r.vectors.back()))
      return ProtocolError(
          "The Bedrock upstream returned a Titan embedding that is not an array of numbers.");
    uint64_t tokens = 0;
    if (bedrock_detail::Count(*o, "inputTextTokenCount", tokens)) {
      r.usage.input = tokens;
      r.usage.present = true;
    }
    return r;
  }
  const json::value* many =
      o->if_contains("embeddings");  // Cohere: array, or {"float": array} when typed
  if (many && many->is_object()) many = many->get_object().if_contains("float");
  if (!many || !many->is_array())
    return ProtocolError(
        "The Bedrock upstream returned an embeddings body without 'embedding' or 'embeddings'.");
  for (const json::value& v : many->get_array()) {
    r.vectors.emplace_back();
    if (!ReadVector(v, r.vectors.back()))
      return ProtocolError(
          "The Bedrock upstream returned an embedding that is not an array of numbers.");
  }
  return r;
}

}  // namespace sluice::provider
