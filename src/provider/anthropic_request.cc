// ir::ChatRequest → Anthropic Messages request (reference §3.1–§3.3, §8.1–§8.4). The body is built
// as a Boost.JSON DOM on a stack-buffered monotonic resource (one request, ~1–10 KB) and serialized
// once. Thread rule: pure functions.
#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "provider/anthropic.h"
#include "provider/anthropic_rules.h"
#include "provider/json_fields.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;


bool SupportedImageType(std::string_view t) {
  return t == "image/jpeg" || t == "image/png" || t == "image/gif" || t == "image/webp";
}

class BodyBuilder {
 public:
  BodyBuilder(const ir::ChatRequest& req, json::storage_ptr sp) : req_(req), sp_(std::move(sp)) {}

  core::Result<json::object> Build(const Target& target);

 private:
  core::Result<json::value> Block(const ir::ContentPart& p, size_t msg_index);
  core::Result<json::array> Messages();
  json::value System();

  const ir::ChatRequest& req_;
  json::storage_ptr sp_;
};

json::object TextBlock(std::string_view text, const json::storage_ptr& sp) {
  json::object b(sp);
  b["type"] = "text";
  b["text"] = text;
  return b;
}

core::Result<json::value> BodyBuilder::Block(const ir::ContentPart& p, size_t msg_index) {
  std::string param = "messages[" + std::to_string(msg_index) + "]";
  json::object b(sp_);
  switch (p.kind) {
    case ir::PartKind::kText:
      return json::value(TextBlock(p.text, sp_));
    case ir::PartKind::kImage: {
      json::object source(sp_);
      if (!p.url.empty()) {
        source["type"] = "url";
        source["url"] = p.url;
      } else {
        if (!SupportedImageType(p.media_type))
          return Unsupported(
              "Anthropic models accept image/jpeg, image/png, image/gif and image/webp images, "
              "not '" +
                  p.media_type + "'.",
              param);
        source["type"] = "base64";
        source["media_type"] = p.media_type;
        source["data"] = p.data;
      }
      b["type"] = "image";
      b["source"] = std::move(source);
      return json::value(std::move(b));
    }
    case ir::PartKind::kFile: {
      if (p.data.empty() || p.media_type != "application/pdf")
        return Unsupported(
            "Anthropic models accept files only as inline PDF data (file_data), not file ids "
            "or other media types.",
            param);
      json::object source(sp_);
      source["type"] = "base64";
      source["media_type"] = p.media_type;
      source["data"] = p.data;
      b["type"] = "document";
      b["source"] = std::move(source);
      if (!p.name.empty()) b["title"] = p.name;
      return json::value(std::move(b));
    }
    case ir::PartKind::kAudio:
      return Unsupported("Audio input is not supported by Anthropic models.", param);
    case ir::PartKind::kToolCall: {
      auto input = ToolCallArguments(p, param, sp_);
      if (!input) return input.error();
      b["type"] = "tool_use";
      b["id"] = p.id;
      b["name"] = p.name;
      b["input"] = std::move(*input);
      return json::value(std::move(b));
    }
    case ir::PartKind::kToolResult: {
      b["type"] = "tool_result";
      b["tool_use_id"] = p.id;
      bool all_empty = std::all_of(p.parts.begin(), p.parts.end(), [](const ir::ContentPart& c) {
        return c.kind == ir::PartKind::kText && c.text.empty();
      });
      if (all_empty) {
        // No content member: an empty result ("" from OpenAI) is valid without one.
      } else if (p.parts.size() == 1 && p.parts[0].kind == ir::PartKind::kText) {
        b["content"] = p.parts[0].text;
      } else {
        json::array content(sp_);
        for (const ir::ContentPart& inner : p.parts) {
          if (inner.kind == ir::PartKind::kText && inner.text.empty()) continue;
          auto block = Block(inner, msg_index);
          if (!block) return block.error();
          content.push_back(std::move(*block));
        }
        b["content"] = std::move(content);
      }
      if (p.is_error) b["is_error"] = true;
      return json::value(std::move(b));
    }
    case ir::PartKind::kReasoning:
      b["type"] = "thinking";
      b["thinking"] = p.text;
      b["signature"] = p.signature;
      return json::value(std::move(b));
    case ir::PartKind::kRedactedReasoning:
      b["type"] = "redacted_thinking";
      b["data"] = p.data;
      return json::value(std::move(b));
  }
  return Unsupported("Unknown content part.", param);
}

json::value BodyBuilder::System() {
  // Leading instructions first, then every later system/developer message, in conversation order.
  json::array blocks(sp_);
  for (const ir::ContentPart& p : req_.system)
    if (p.kind == ir::PartKind::kText && !p.text.empty()) blocks.push_back(TextBlock(p.text, sp_));
  for (const ir::Message& m : req_.messages)
    if (m.role == ir::Role::kSystem)
      for (const ir::ContentPart& p : m.parts)
        if (p.kind == ir::PartKind::kText && !p.text.empty())
          blocks.push_back(TextBlock(p.text, sp_));
  if (blocks.empty()) return nullptr;
  if (blocks.size() == 1)
    return blocks[0].get_object()["text"];  // the common case, as a plain string
  return blocks;
}

core::Result<json::array> BodyBuilder::Messages() {
  json::array out(sp_);
  bool last_is_user = false;
  size_t tool_results = 0;  // tool_result blocks at the front of the last (user) message
  for (size_t i = 0; i < req_.messages.size(); ++i) {
    const ir::Message& m = req_.messages[i];
    if (m.role == ir::Role::kSystem) continue;  // hoisted by System()
    bool user = m.role != ir::Role::kAssistant;
    json::array blocks(sp_);
    for (const ir::ContentPart& p : m.parts) {
      if (p.kind == ir::PartKind::kText && p.text.empty())
        continue;  // Anthropic rejects empty text blocks
      auto block = Block(p, i);
      if (!block) return block.error();
      blocks.push_back(std::move(*block));
    }
    if (blocks.empty()) continue;  // e.g. an assistant turn with content "" and no tool calls
    if (user && last_is_user) {
      // Merge into the previous user turn; tool results must precede every other block in it.
      json::array& prev = out.back().get_object()["content"].get_array();
      for (json::value& b : blocks) {
        bool is_result = b.get_object().at("type") == "tool_result";
        if (is_result)
          prev.insert(prev.begin() + static_cast<std::ptrdiff_t>(tool_results++), std::move(b));
        else
          prev.push_back(std::move(b));
      }
      continue;
    }
    json::object msg(sp_);
    msg["role"] = user ? "user" : "assistant";
    tool_results = 0;
    if (user)
      std::stable_partition(blocks.begin(), blocks.end(), [&](const json::value& b) {
        bool r = b.get_object().at("type") == "tool_result";
        tool_results += r;
        return r;
      });
    msg["content"] = std::move(blocks);
    out.push_back(std::move(msg));
    last_is_user = user;
  }
  // A lone text block goes out as a plain string, the form most requests use.
  for (json::value& mv : out) {
    json::value& content = mv.get_object()["content"];
    json::array& blocks = content.get_array();
    if (blocks.size() == 1 && blocks[0].get_object().at("type") == "text") {
      json::value text = blocks[0].get_object()["text"];
      content = std::move(text);
    }
  }
  if (out.empty())
    return Unsupported("The request has no user or assistant content to send.", "messages");
  return out;
}

core::Result<json::object> BodyBuilder::Build(const Target& target) {
  if (req_.n > 1) return Unsupported("Anthropic models return one choice: 'n' must be 1.", "n");
  json::object body(sp_);
  body["model"] = target.model;

  uint64_t default_max =
      target.default_max_tokens ? target.default_max_tokens : kAnthropicDefaultMaxTokens;
  uint64_t max_tokens = req_.max_tokens.value_or(default_max);
  uint64_t budget =
      req_.reasoning_budget.value_or(anthropic_rules::BudgetForEffort(req_.reasoning_effort));
  if (budget && !req_.max_tokens) max_tokens += budget;  // keep room for the answer after thinking
  budget = anthropic_rules::FitThinkingBudget(budget, max_tokens);
  body["max_tokens"] = max_tokens;

  if (json::value system = System(); !system.is_null()) body["system"] = std::move(system);
  auto messages = Messages();
  if (!messages) return messages.error();
  body["messages"] = std::move(*messages);

  if (!req_.stop.empty()) {
    json::array stops(sp_);
    for (const std::string& s : req_.stop) stops.emplace_back(s);
    body["stop_sequences"] = std::move(stops);
  }
  if (budget == 0) {
    if (req_.temperature) body["temperature"] = std::clamp(*req_.temperature, 0.0, 1.0);
    if (req_.top_p) body["top_p"] = *req_.top_p;
    if (req_.top_k) body["top_k"] = *req_.top_k;
  } else {
    json::object thinking(sp_);
    thinking["type"] = "enabled";
    thinking["budget_tokens"] = budget;
    body["thinking"] = std::move(thinking);
    if (req_.top_p) body["top_p"] = std::max(*req_.top_p, 0.95);
  }
  if (req_.stream) body["stream"] = true;

  if (!req_.tools.empty()) {
    json::array tools(sp_);
    for (const ir::Tool& t : req_.tools) {
      json::object tool(sp_);
      tool["name"] = t.name;
      if (!t.description.empty()) tool["description"] = t.description;
      tool["input_schema"] = anthropic_rules::ToolInputSchema(t, sp_);
      if (t.strict) tool["strict"] = *t.strict;
      tools.push_back(std::move(tool));
    }
    body["tools"] = std::move(tools);

    json::object choice(sp_);
    switch (req_.tool_choice.kind) {
      case ir::ToolChoiceKind::kUnset:
      case ir::ToolChoiceKind::kAuto:
        choice["type"] = "auto";
        break;
      case ir::ToolChoiceKind::kNone:
        choice["type"] = "none";
        break;
      case ir::ToolChoiceKind::kRequired:
        choice["type"] = "any";
        break;
      case ir::ToolChoiceKind::kSpecific:
        choice["type"] = "tool";
        choice["name"] = req_.tool_choice.name;
        break;
    }
    bool no_parallel =
        req_.parallel_tool_calls == false && req_.tool_choice.kind != ir::ToolChoiceKind::kNone;
    if (no_parallel) choice["disable_parallel_tool_use"] = true;
    if (req_.tool_choice.kind != ir::ToolChoiceKind::kUnset || no_parallel)
      body["tool_choice"] = std::move(choice);
  }

  if (req_.response_format.kind == ir::ResponseFormatKind::kJsonSchema &&
      !req_.response_format.schema.empty()) {
    boost::system::error_code ec;
    json::value schema = json::parse(req_.response_format.schema, ec, sp_);
    if (!ec) {
      json::object format(sp_), config(sp_);
      format["type"] = "json_schema";
      format["schema"] = std::move(schema);
      config["format"] = std::move(format);
      body["output_config"] = std::move(config);
    }
  }
  if (!req_.user.empty()) {
    json::object metadata(sp_);
    metadata["user_id"] = req_.user;
    body["metadata"] = std::move(metadata);
  }
  CopyUnmodelledMembers(req_, ir::Dialect::kAnthropicMessages, body, sp_);
  return body;
}

}  // namespace

core::Result<std::string> AnthropicAdapter::EncodeBody(const ir::ChatRequest& request,
                                                       const Target& target) {
  return SerializeBuiltBody([&](json::monotonic_resource* mr) { return BodyBuilder(request, mr).Build(target); });
}

core::Result<UpstreamRequest> AnthropicAdapter::BuildRequest(const ir::ChatRequest& request,
                                                             const Target& target) const {
  auto body = EncodeBody(request, target);
  if (!body) return body.error();
  UpstreamRequest out;
  out.path.reserve(target.path_prefix.size() + 12);
  out.path.append(target.path_prefix).append("/v1/messages");
  out.headers = {{"content-type", "application/json"},
                 {"x-api-key", std::string(target.api_key)},
                 {"anthropic-version", std::string(kAnthropicVersion)}};
  if (request.stream) out.headers.push_back({"accept", "text/event-stream"});
  out.body = std::move(*body);
  out.stream = request.stream;
  return out;
}

}  // namespace sluice::provider
