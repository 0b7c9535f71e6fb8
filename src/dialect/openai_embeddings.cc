// OpenAI Embeddings request → ir::EmbeddingsRequest, ir::EmbeddingsResponse → OpenAI list body
// (reference §1.7). Thread rule: pure functions.
#include "dialect/openai_embeddings.h"

#include <bit>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <cstring>

#include "dialect/json_write.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;

constexpr size_t kMaxInputs = 2048;  // OpenAI's limit per request

core::Error Invalid(std::string message, std::string param) {
  return core::Error{core::ErrorCode::kInvalidRequest, std::move(message), 0, std::move(param)};
}

core::Error TokenIds() {
  return Invalid(
      "Token-id inputs (arrays of integers) are not supported for this model: its provider "
      "embeds text, not OpenAI token ids. Send 'input' as a string or an array of strings.",
      "input");
}

core::Error EmptyInput(const std::string& param) {
  return Invalid("Invalid '" + param + "': empty strings cannot be embedded.", param);
}

}  // namespace

core::Result<ir::EmbeddingsRequest> DecodeOpenAiEmbeddingsRequest(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  json::value root = json::parse(body, ec, {}, opts);
  if (ec)
    return Invalid(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
        "using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
        "");
  const json::object* obj = root.if_object();
  if (!obj) return Invalid("The request body must be a JSON object.", "");
  ir::EmbeddingsRequest req;

  const json::value* model = obj->if_contains("model");
  if (!model || (model->is_string() && model->get_string().empty()))
    return Invalid("you must provide a model parameter", "model");
  if (!model->is_string()) return Invalid("Invalid type for 'model': expected a string.", "model");
  req.model.assign(model->get_string().data(), model->get_string().size());

  const json::value* input = obj->if_contains("input");
  if (!input || input->is_null()) return Invalid("Missing required parameter: 'input'.", "input");
  if (input->is_string()) {
    if (input->get_string().empty()) return EmptyInput("input");
    req.inputs.emplace_back(input->get_string().data(), input->get_string().size());
  } else if (input->is_array()) {
    const json::array& items = input->get_array();
    if (items.empty())
      return Invalid("Invalid 'input': empty array. Expected an array with minimum length 1.",
                     "input");
    if (items.size() > kMaxInputs)
      return Invalid("Invalid 'input': array too long. Expected an array with maximum length " +
                         std::to_string(kMaxInputs) + ", but got an array with length " +
                         std::to_string(items.size()) + " instead.",
                     "input");
    req.input_was_array = true;
    req.inputs.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      const json::value& item = items[i];
      if (item.is_int64() || item.is_uint64() || item.is_array()) return TokenIds();
      std::string param = "input[" + std::to_string(i) + "]";
      if (!item.is_string())
        return Invalid("Invalid type for '" + param + "': expected a string.", param);
      if (item.get_string().empty()) return EmptyInput(param);
      req.inputs.emplace_back(item.get_string().data(), item.get_string().size());
    }
  } else {
    return Invalid("Invalid type for 'input': expected a string or an array of strings.", "input");
  }

  if (const json::value* f = obj->if_contains("encoding_format"); f && !f->is_null()) {
    if (!f->is_string() || (f->get_string() != "float" && f->get_string() != "base64"))
      return Invalid(
          "Invalid value for 'encoding_format': supported values are 'float' and 'base64'.",
          "encoding_format");
    req.base64 = f->get_string() == "base64";
  }
  if (const json::value* d = obj->if_contains("dimensions"); d && !d->is_null()) {
    uint64_t n = d->is_uint64() ? d->get_uint64()
                 : d->is_int64() && d->get_int64() > 0 ? static_cast<uint64_t>(d->get_int64())
                                                       : 0;
    if (n < 1 || n > UINT32_MAX)
      return Invalid("Invalid 'dimensions': expected an integer of at least 1.", "dimensions");
    req.dimensions = static_cast<uint32_t>(n);
  }
  if (const json::value* u = obj->if_contains("user"); u && !u->is_null()) {
    if (!u->is_string()) return Invalid("Invalid type for 'user': expected a string.", "user");
    req.user.assign(u->get_string().data(), u->get_string().size());
  }
  return req;
}

void AppendBase64Floats(std::string& out, const std::vector<float>& v) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // Little-endian bytes whatever the host order, as numpy's '<f4' that OpenAI's clients decode.
  std::string bytes(v.size() * 4, '\0');
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t bits = std::bit_cast<uint32_t>(v[i]);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
  }
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t at = out.size();
  out.resize(at + (n + 2) / 3 * 4);  // written in place: no per-character capacity checks
  char* o = out.data() + at;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t w = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
    *o++ = kAlphabet[w >> 18];
    *o++ = kAlphabet[(w >> 12) & 63];
    *o++ = kAlphabet[(w >> 6) & 63];
    *o++ = kAlphabet[w & 63];
  }
  if (size_t rest = n - i; rest > 0) {
    uint32_t w = uint32_t{in[i]} << 16 | (rest == 2 ? uint32_t{in[i + 1]} << 8 : 0);
    *o++ = kAlphabet[w >> 18];
    *o++ = kAlphabet[(w >> 12) & 63];
    *o++ = rest == 2 ? kAlphabet[(w >> 6) & 63] : '=';
    *o++ = '=';
  }
}

std::string EncodeOpenAiEmbeddingsResponse(const ir::EmbeddingsResponse& r, bool base64,
                                           std::string_view requested_model) {
  size_t values = 0;
  for (const auto& v : r.vectors) values += v.size();
  std::string out;
  out.reserve(128 + values * (base64 ? 6 : 12) + r.vectors.size() * 48);
  out += R"({"object":"list","data":[)";
  char buf[32];
  for (size_t i = 0; i < r.vectors.size(); ++i) {
    if (i) out += ',';
    out += R"({"object":"embedding","index":)";
    AppendJsonUint(out, i);
    out += R"(,"embedding":)";
    if (base64) {
      out += '"';
      AppendBase64Floats(out, r.vectors[i]);
      out += '"';
    } else {
      out += '[';
      bool first = true;
      for (float f : r.vectors[i]) {
        if (!first) out += ',';
        first = false;
        if (!std::isfinite(f)) f = 0;  // JSON has no NaN/Infinity
        // Shortest text that parses back to this exact float32 (std::to_chars guarantees it).
        auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), f);
        out.append(buf, end);
      }
      out += ']';
    }
    out += '}';
  }
  out += R"(],"model":)";
  AppendJsonString(out, r.model.empty() ? requested_model : std::string_view(r.model));
  out += R"(,"usage":{"prompt_tokens":)";
  AppendJsonUint(out, r.usage.input);
  out += R"(,"total_tokens":)";
  AppendJsonUint(out, r.usage.input);
  out += "}}";
  return out;
}

}  // namespace sluice::dialect
