#include "dialect/openai_request.h"

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <vector>

#include "dialect/json_members.h"

namespace sluice::dialect {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;

Error Invalid(std::string message, std::string param = {}) {
  return Error{ErrorCode::kInvalidRequest, std::move(message), 0, std::move(param)};
}

}  // namespace

core::Result<OpenAiRequest> DecodeOpenAiRequest(std::string_view body, OpenAiEndpoint endpoint) {
  // A stack buffer serves typical bodies without touching the heap.
  std::array<unsigned char, 8192> stack_buffer;
  json::monotonic_resource mr(stack_buffer.data(), stack_buffer.size());
  json::parse_options opts;
  opts.max_depth = 64;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, &mr, opts);
  if (ec) {
    return Invalid("We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                   "using your HTTP library correctly. The OpenAI API expects a JSON payload.)");
  }
  if (!root.is_object()) return Invalid("The request body must be a JSON object.");
  const json::object& obj = root.get_object();

  OpenAiRequest req;
  req.endpoint = endpoint;
  const json::value* model = obj.if_contains("model");
  if (!model) return Invalid("you must provide a model parameter", "model");
  if (!model->is_string()) return Invalid("Invalid type for 'model': expected a string.", "model");
  req.model = std::string(model->get_string());
  if (req.model.empty()) return Invalid("you must provide a model parameter", "model");

  if (endpoint == OpenAiEndpoint::kChatCompletions) {
    const json::value* messages = obj.if_contains("messages");
    if (!messages) return Invalid("Missing required parameter: 'messages'.", "messages");
    if (!messages->is_array())
      return Invalid("Invalid type for 'messages': expected an array of objects.", "messages");
    if (messages->get_array().empty())
      return Invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages");
    for (const auto& m : messages->get_array()) {
      if (!m.is_object() || !m.get_object().contains("role"))
        return Invalid("Invalid 'messages': each message must be an object with a 'role'.", "messages");
    }
    if (const json::value* stream = obj.if_contains("stream")) {
      if (stream->is_bool()) {
        req.stream = stream->get_bool();
      } else if (!stream->is_null()) {
        return Invalid("Invalid type for 'stream': expected a boolean.", "stream");
      }
    }
    if (const json::value* so = obj.if_contains("stream_options"); so && !so->is_null()) {
      if (!so->is_object()) return Invalid("Invalid type for 'stream_options': expected an object.", "stream_options");
      if (!req.stream)
        return Invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
      req.has_stream_options = true;
      if (const json::value* iu = so->get_object().if_contains("include_usage")) {
        if (!iu->is_bool())
          return Invalid("Invalid type for 'stream_options.include_usage': expected a boolean.",
                         "stream_options.include_usage");
        req.client_wants_usage = iu->get_bool();
      }
    }
  } else {
    const json::value* input = obj.if_contains("input");
    if (!input) return Invalid("Missing required parameter: 'input'.", "input");
    bool ok = input->is_string() || (input->is_array() && !input->get_array().empty());
    if (!ok) return Invalid("Invalid 'input': expected a string or a non-empty array.", "input");
    if (input->is_string() && input->get_string().empty())
      return Invalid("'$.input' is invalid. Please check the API reference.", "input");
  }
  return req;
}

std::string EncodeOpenAiUpstreamBody(std::string_view body, const OpenAiRequest& request,
                                     std::string_view upstream_model) {
  std::vector<JsonMember> members;
  members.reserve(16);
  ScanTopLevelMembers(body, members);  // body was validated by DecodeOpenAiRequest
  std::vector<JsonEdit> edits;
  std::string quoted_model;
  AppendJsonString(quoted_model, upstream_model);
  bool saw_stream_options = false;
  for (const auto& m : members) {
    if (KeyEquals(m, "model")) {
      edits.push_back({m.value_begin, m.value_end, quoted_model});
    } else if (request.stream && KeyEquals(m, "stream_options")) {
      saw_stream_options = true;
      if (request.client_wants_usage) continue;
      // Keep the client's other stream options, force include_usage on.
      std::string_view raw = body.substr(m.value_begin, m.value_end - m.value_begin);
      boost::system::error_code ec;
      json::value v = json::parse(raw, ec);
      if (ec || !v.is_object()) v = json::object();
      v.get_object()["include_usage"] = true;
      edits.push_back({m.value_begin, m.value_end, json::serialize(v)});
    }
  }
  if (request.stream && !saw_stream_options) {
    // Insert right after the opening brace: no comma bookkeeping at the end of the object.
    size_t brace = body.find('{');
    std::string insert = "\"stream_options\":{\"include_usage\":true}";
    if (!members.empty()) insert += ',';
    edits.push_back({brace + 1, brace + 1, std::move(insert)});
  }
  return ApplyEdits(body, std::move(edits));
}

}  // namespace sluice::dialect
