#include "dialect/openai_request.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <vector>

#include "dialect/json_members.h"
#include "dialect/json_validate.h"

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
  // Validate the whole text once without a DOM, then read fields through the member scanner: the body is
  // forwarded byte for byte, so nothing needs to be materialised.
  if (!IsValidJson(body)) {
    return Invalid("We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                   "using your HTTP library correctly. The OpenAI API expects a JSON payload.)");
  }
  OpenAiRequest req;
  req.endpoint = endpoint;
  req.members.reserve(16);
  if (!ScanTopLevelMembers(body, req.members)) return Invalid("The request body must be a JSON object.");

  std::string_view model, messages, stream, stream_options, input;
  bool has_model = false, has_messages = false, has_stream = false, has_stream_options = false, has_input = false;
  for (const auto& m : req.members) {
    std::string_view value = body.substr(m.value_begin, m.value_end - m.value_begin);
    // Later duplicates win, as in most JSON parsers (and in the upstreams).
    if (KeyEquals(m, "model")) {
      model = value;
      has_model = true;
    } else if (KeyEquals(m, "messages")) {
      messages = value;
      has_messages = true;
    } else if (KeyEquals(m, "stream")) {
      stream = value;
      has_stream = true;
    } else if (KeyEquals(m, "stream_options")) {
      stream_options = value;
      has_stream_options = true;
    } else if (KeyEquals(m, "input")) {
      input = value;
      has_input = true;
    }
  }

  if (!has_model) return Invalid("you must provide a model parameter", "model");
  if (!DecodeJsonString(model, req.model)) return Invalid("Invalid type for 'model': expected a string.", "model");
  if (req.model.empty()) return Invalid("you must provide a model parameter", "model");

  if (endpoint == OpenAiEndpoint::kChatCompletions) {
    if (!has_messages) return Invalid("Missing required parameter: 'messages'.", "messages");
    std::vector<std::pair<size_t, size_t>> elements;
    elements.reserve(8);
    if (!ScanArrayElements(messages, elements))
      return Invalid("Invalid type for 'messages': expected an array of objects.", "messages");
    if (elements.empty())
      return Invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages");
    std::vector<JsonMember> fields;
    fields.reserve(8);
    for (const auto& [begin, end] : elements) {
      bool has_role = false;
      if (ScanTopLevelMembers(messages.substr(begin, end - begin), fields)) {
        for (const auto& f : fields) has_role = has_role || KeyEquals(f, "role");
      }
      if (!has_role)
        return Invalid("Invalid 'messages': each message must be an object with a 'role'.", "messages");
    }
    if (has_stream && stream != "null") {
      if (stream == "true") {
        req.stream = true;
      } else if (stream != "false") {
        return Invalid("Invalid type for 'stream': expected a boolean.", "stream");
      }
    }
    if (has_stream_options && stream_options != "null") {
      std::vector<JsonMember> options;
      if (!ScanTopLevelMembers(stream_options, options))
        return Invalid("Invalid type for 'stream_options': expected an object.", "stream_options");
      if (!req.stream)
        return Invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
      req.has_stream_options = true;
      for (const auto& o : options) {
        if (!KeyEquals(o, "include_usage")) continue;
        std::string_view v = stream_options.substr(o.value_begin, o.value_end - o.value_begin);
        if (v != "true" && v != "false")
          return Invalid("Invalid type for 'stream_options.include_usage': expected a boolean.",
                         "stream_options.include_usage");
        req.client_wants_usage = v == "true";
      }
    }
  } else {
    if (!has_input) return Invalid("Missing required parameter: 'input'.", "input");
    bool ok = false;
    if (!input.empty() && input.front() == '"') {
      if (input == "\"\"") return Invalid("'$.input' is invalid. Please check the API reference.", "input");
      ok = true;
    } else if (!input.empty() && input.front() == '[') {
      std::vector<std::pair<size_t, size_t>> items;
      ok = ScanArrayElements(input, items) && !items.empty();
    }
    if (!ok) return Invalid("Invalid 'input': expected a string or a non-empty array.", "input");
  }
  return req;
}

std::string EncodeOpenAiUpstreamBody(std::string_view body, const OpenAiRequest& request,
                                     std::string_view upstream_model) {
  const std::vector<JsonMember>& members = request.members;
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
