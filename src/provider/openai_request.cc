// ir::ChatRequest → OpenAI Chat Completions request (reference §1.1–§1.3, §7, §8.1–§8.4). The body
// is built as a Boost.JSON DOM on a stack-buffered monotonic resource and serialized once, as the
// Anthropic adapter does. Thread rule: pure functions.
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "provider/json_fields.h"
#include "provider/openai.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;


std::string_view EffortForBudget(uint64_t budget) {
  if (budget < 4096) return "low";
  if (budget < 16384) return "medium";
  return "high";
}

class BodyBuilder {
 public:
  BodyBuilder(const ir::ChatRequest& req, const OpenAiAdapterOptions& options, json::storage_ptr sp)
      : req_(req), options_(options), sp_(std::move(sp)) {}

  core::Result<json::object> Build(const Target& target);

 private:
  json::object Text(std::string_view role, std::string_view text) {
    json::object m(sp_);
    m["role"] = role;
    m["content"] = text;
    return m;
  }
  core::Result<json::value> UserPart(const ir::ContentPart& p, const std::string& param);
  core::Result<bool> User(const ir::Message& m, size_t i, json::array& out);
  core::Result<bool> Assistant(const ir::Message& m, size_t i, json::array& out);
  core::Result<bool> ToolResult(const ir::ContentPart& p, const std::string& param,
                                json::array& out);

  const ir::ChatRequest& req_;
  const OpenAiAdapterOptions& options_;
  json::storage_ptr sp_;
};

core::Result<json::value> BodyBuilder::UserPart(const ir::ContentPart& p,
                                                const std::string& param) {
  json::object part(sp_);
  switch (p.kind) {
    case ir::PartKind::kText:
      part["type"] = "text";
      part["text"] = p.text;
      break;
    case ir::PartKind::kImage: {
      json::object image(sp_);
      image["url"] = p.url.empty() ? "data:" + p.media_type + ";base64," + p.data : p.url;
      if (!p.detail.empty()) image["detail"] = p.detail;
      part["type"] = "image_url";
      part["image_url"] = std::move(image);
      break;
    }
    case ir::PartKind::kAudio: {
      json::object audio(sp_);
      audio["data"] = p.data;
      audio["format"] = p.media_type;
      part["type"] = "input_audio";
      part["input_audio"] = std::move(audio);
      break;
    }
    case ir::PartKind::kFile: {
      json::object file(sp_);
      if (!p.id.empty()) {
        file["file_id"] = p.id;
      } else {
        file["file_data"] = "data:" + p.media_type + ";base64," + p.data;
        // OpenAI asks for a filename with inline data; Anthropic documents may have no title.
        file["filename"] = p.name.empty() ? std::string_view("document.pdf") : p.name;
      }
      part["type"] = "file";
      part["file"] = std::move(file);
      break;
    }
    default:
      return Unsupported("This content cannot appear in an OpenAI user message.", param);
  }
  return json::value(std::move(part));
}

core::Result<bool> BodyBuilder::ToolResult(const ir::ContentPart& p, const std::string& param,
                                           json::array& out) {
  std::string text;
  for (const ir::ContentPart& inner : p.parts) {
    if (inner.kind != ir::PartKind::kText)
      return Unsupported("OpenAI tool messages carry text only; the result of tool call '" + p.id +
                             "' contains an image or document.",
                         param);
    // One string, which every OpenAI-compatible server accepts (text-part arrays are not
    // universal).
    if (!text.empty() && !inner.text.empty()) text += "\n\n";
    text += inner.text;
  }
  if (p.is_error) text.insert(0, "Error: ");  // OpenAI has no is_error (reference §8.4)
  json::object m(sp_);
  m["role"] = "tool";
  m["tool_call_id"] = dialect::UpstreamToolCallId(p.id, options_.tool_call_ids);
  m["content"] = text;
  out.push_back(std::move(m));
  return true;
}

core::Result<bool> BodyBuilder::User(const ir::Message& m, size_t i, json::array& out) {
  std::string param = "messages[" + std::to_string(i) + "]";
  json::array parts(sp_);
  for (const ir::ContentPart& p : m.parts) {
    if (p.kind == ir::PartKind::kToolResult) {  // a tool message, in place
      auto ok = ToolResult(p, param, out);
      if (!ok) return ok.error();
      continue;
    }
    if (p.kind == ir::PartKind::kReasoning || p.kind == ir::PartKind::kRedactedReasoning ||
        p.kind == ir::PartKind::kToolCall)
      continue;  // no user-side form
    auto part = UserPart(p, param);
    if (!part) return part.error();
    parts.push_back(std::move(*part));
  }
  if (parts.empty()) return true;
  json::object msg(sp_);
  msg["role"] = "user";
  if (parts.size() == 1 && parts[0].get_object().at("type") == "text")
    msg["content"] = parts[0].get_object()["text"];  // the common case, as a plain string
  else
    msg["content"] = std::move(parts);
  if (!m.name.empty()) msg["name"] = m.name;
  out.push_back(std::move(msg));
  return true;
}

core::Result<bool> BodyBuilder::Assistant(const ir::Message& m, size_t i, json::array& out) {
  std::string text;
  bool has_text = false;
  json::array calls(sp_);
  for (const ir::ContentPart& p : m.parts) {
    if (p.kind == ir::PartKind::kText) {
      text += p.text;
      has_text = has_text || !p.text.empty();
    } else if (p.kind == ir::PartKind::kToolCall) {
      json::object fn(sp_), call(sp_);
      fn["name"] = p.name;
      fn["arguments"] = p.arguments.empty() ? std::string_view("{}") : p.arguments;
      call["id"] = dialect::UpstreamToolCallId(p.id, options_.tool_call_ids);
      call["type"] = "function";
      call["function"] = std::move(fn);
      calls.push_back(std::move(call));
    } else if (p.kind == ir::PartKind::kReasoning || p.kind == ir::PartKind::kRedactedReasoning) {
      continue;  // thinking is not sent back to OpenAI-shaped servers
    } else {
      return Unsupported("OpenAI assistant messages carry only text and tool calls.",
                         "messages[" + std::to_string(i) + "]");
    }
  }
  if (!has_text && calls.empty()) return true;  // e.g. a turn that only held thinking
  json::object msg(sp_);
  msg["role"] = "assistant";
  if (has_text)
    msg["content"] = text;
  else
    msg["content"] = nullptr;
  if (!calls.empty()) msg["tool_calls"] = std::move(calls);
  if (!m.name.empty()) msg["name"] = m.name;
  out.push_back(std::move(msg));
  return true;
}

core::Result<json::object> BodyBuilder::Build(const Target& target) {
  if (req_.n > 1) return Unsupported("Translated requests return one choice: 'n' must be 1.", "n");
  json::object body(sp_);
  body["model"] = target.model;

  json::array messages(sp_);
  for (const ir::ContentPart& p : req_.system)
    if (p.kind == ir::PartKind::kText && !p.text.empty())
      messages.push_back(Text("system", p.text));
  for (size_t i = 0; i < req_.messages.size(); ++i) {
    const ir::Message& m = req_.messages[i];
    core::Result<bool> ok = true;
    switch (m.role) {
      case ir::Role::kSystem: {
        std::string text;
        for (const ir::ContentPart& p : m.parts)
          if (p.kind == ir::PartKind::kText) text += p.text;
        if (!text.empty()) messages.push_back(Text("system", text));
        break;
      }
      case ir::Role::kUser:
      case ir::Role::kTool:  // kToolResult parts become tool messages; anything else a user turn
        ok = User(m, i, messages);
        break;
      case ir::Role::kAssistant:
        ok = Assistant(m, i, messages);
        break;
    }
    if (!ok) return ok.error();
  }
  if (messages.empty()) return Unsupported("The request has no content to send.", "messages");
  body["messages"] = std::move(messages);

  if (req_.max_tokens)
    body[options_.legacy_max_tokens ? "max_tokens" : "max_completion_tokens"] = *req_.max_tokens;
  if (req_.temperature) body["temperature"] = *req_.temperature;
  if (req_.top_p) body["top_p"] = *req_.top_p;
  if (req_.top_k && options_.send_top_k) body["top_k"] = *req_.top_k;
  if (!req_.stop.empty()) {
    json::array stops(sp_);
    for (const std::string& s : req_.stop) stops.emplace_back(s);
    body["stop"] = std::move(stops);
  }
  if (req_.seed) body[options_.random_seed ? "random_seed" : "seed"] = *req_.seed;
  if (!req_.reasoning_effort.empty())
    body["reasoning_effort"] = req_.reasoning_effort;
  else if (req_.reasoning_budget)
    body["reasoning_effort"] = EffortForBudget(*req_.reasoning_budget);

  if (!req_.tools.empty()) {
    json::array tools(sp_);
    for (const ir::Tool& t : req_.tools) {
      json::object fn(sp_), tool(sp_);
      fn["name"] = t.name;
      if (!t.description.empty()) fn["description"] = t.description;
      if (!t.parameters.empty()) {
        boost::system::error_code ec;
        json::value schema = json::parse(t.parameters, ec, sp_);
        if (!ec && schema.is_object()) fn["parameters"] = std::move(schema);
      }
      if (t.strict) fn["strict"] = *t.strict;
      tool["type"] = "function";
      tool["function"] = std::move(fn);
      tools.push_back(std::move(tool));
    }
    body["tools"] = std::move(tools);
    switch (req_.tool_choice.kind) {
      case ir::ToolChoiceKind::kUnset:
        break;
      case ir::ToolChoiceKind::kAuto:
        body["tool_choice"] = "auto";
        break;
      case ir::ToolChoiceKind::kNone:
        body["tool_choice"] = "none";
        break;
      case ir::ToolChoiceKind::kRequired:
        body["tool_choice"] = "required";
        break;
      case ir::ToolChoiceKind::kSpecific: {
        json::object fn(sp_), choice(sp_);
        fn["name"] = req_.tool_choice.name;
        choice["type"] = "function";
        choice["function"] = std::move(fn);
        body["tool_choice"] = std::move(choice);
        break;
      }
    }
    if (req_.parallel_tool_calls && options_.parallel_tool_calls)
      body["parallel_tool_calls"] = *req_.parallel_tool_calls;
  }

  const ir::ResponseFormat& rf = req_.response_format;
  if (rf.kind == ir::ResponseFormatKind::kText || rf.kind == ir::ResponseFormatKind::kJsonObject) {
    json::object format(sp_);
    format["type"] = rf.kind == ir::ResponseFormatKind::kText ? "text" : "json_object";
    body["response_format"] = std::move(format);
  } else if (rf.kind == ir::ResponseFormatKind::kJsonSchema) {
    json::object schema_spec(sp_), format(sp_);
    schema_spec["name"] = rf.name.empty() ? std::string_view("response") : rf.name;
    if (!rf.description.empty()) schema_spec["description"] = rf.description;
    if (!rf.schema.empty()) {
      boost::system::error_code ec;
      json::value schema = json::parse(rf.schema, ec, sp_);
      if (!ec) schema_spec["schema"] = std::move(schema);
    }
    if (rf.strict) schema_spec["strict"] = *rf.strict;
    format["type"] = "json_schema";
    format["json_schema"] = std::move(schema_spec);
    body["response_format"] = std::move(format);
  }
  if (!req_.user.empty()) body["user"] = req_.user;
  if (req_.stream) {
    body["stream"] = true;
    if (options_.stream_usage) {
      json::object so(sp_);
      so["include_usage"] = true;  // the gateway needs usage for accounting, whatever the client asked
      body["stream_options"] = std::move(so);
    }
  }
  CopyUnmodelledMembers(req_, ir::Dialect::kOpenAiChat, body, sp_);
  return body;
}

}  // namespace

core::Result<std::string> OpenAiAdapter::EncodeBody(const ir::ChatRequest& request,
                                                    const Target& target,
                                                    const OpenAiAdapterOptions& options) {
  return SerializeBuiltBody(
      [&](json::monotonic_resource* mr) { return BodyBuilder(request, options, mr).Build(target); });
}

core::Result<UpstreamRequest> OpenAiAdapter::BuildRequest(const ir::ChatRequest& request,
                                                          const Target& target) const {
  auto body = EncodeBody(request, target, options_);
  if (!body) return body.error();
  UpstreamRequest out;
  out.path.append(target.path_prefix);
  if (options_.endpoint.base_path.empty() && !target.path_prefix.empty()) {
    OpenAiEndpointConfig endpoint = options_.endpoint;
    endpoint.base_path = std::string(target.path_prefix);
    out.path += OpenAiUpstreamPath(endpoint, OpenAiApi::kChatCompletions, target.model);
  } else {
    out.path += OpenAiUpstreamPath(options_.endpoint, OpenAiApi::kChatCompletions, target.model);
  }
  out.headers = {{"content-type", "application/json"}};
  // Local servers (vLLM without --api-key, Ollama) need no key: no header rather than "Bearer ".
  if (auto auth = OpenAiAuthHeader(options_.endpoint, target.api_key)) out.headers.push_back(std::move(*auth));
  if (request.stream) out.headers.push_back({"accept", "text/event-stream"});
  out.body = std::move(*body);
  out.stream = request.stream;
  return out;
}

dialect::ToolCallIdMap OpenAiAdapter::ToolCallIdsFor(const ir::ChatRequest& request) const {
  dialect::ToolCallIdMap ids;
  if (options_.tool_call_ids == dialect::ToolCallIdRule::kAny) return ids;
  for (const ir::Message& m : request.messages)
    for (const ir::ContentPart& p : m.parts)
      if ((p.kind == ir::PartKind::kToolCall || p.kind == ir::PartKind::kToolResult) &&
          !dialect::ToolCallIdFits(p.id, options_.tool_call_ids))
        ids.Add(dialect::UpstreamToolCallId(p.id, options_.tool_call_ids), p.id);
  return ids;
}

}  // namespace sluice::provider
