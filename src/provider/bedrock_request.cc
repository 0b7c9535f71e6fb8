// ir::ChatRequest → Bedrock Converse request body (reference §5.1, §8.1–§8.4); the choices are
// listed in bedrock.h. Built as a Boost.JSON DOM on a stack-buffered monotonic resource and
// serialized once. Thread rule: pure functions.
#include <algorithm>
#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "provider/anthropic_rules.h"
#include "provider/bedrock.h"
#include "provider/json_fields.h"

namespace sluice::provider {
namespace {

namespace json = boost::json;

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}
bool IsAnthropicModel(std::string_view model) {
  return Contains(model, "anthropic") || Contains(model, "claude");
}
bool IsOpenAiModel(std::string_view model) { return Contains(model, "openai."); }

std::string_view ImageFormat(std::string_view media_type) {
  if (media_type == "image/png") return "png";
  if (media_type == "image/jpeg" || media_type == "image/jpg") return "jpeg";
  if (media_type == "image/gif") return "gif";
  if (media_type == "image/webp") return "webp";
  return {};
}

std::string_view DocumentFormat(std::string_view media_type) {
  if (media_type == "application/pdf") return "pdf";
  if (media_type == "text/csv") return "csv";
  if (media_type == "application/msword") return "doc";
  if (media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return "docx";
  if (media_type == "application/vnd.ms-excel") return "xls";
  if (media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return "xlsx";
  if (media_type == "text/html") return "html";
  if (media_type == "text/plain") return "txt";
  if (media_type == "text/markdown") return "md";
  return {};
}

// Bedrock document names allow letters, digits, single spaces, '-', '(', ')', '[' and ']' only: the
// extension is dropped and other characters become '-'.
std::string DocumentName(std::string_view filename, size_t ordinal) {
  if (size_t dot = filename.rfind('.'); dot != std::string_view::npos && dot > 0)
    filename = filename.substr(0, dot);
  std::string name;
  for (char c : filename) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '(' || c == ')' || c == '[' || c == ']';
    if (c == ' ' && !name.empty() && name.back() != ' ')
      name.push_back(' ');
    else if (c != ' ')
      name.push_back(ok ? c : '-');
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.empty()) name = "document-" + std::to_string(ordinal);
  return name;
}

// requestMetadata values: [a-zA-Z0-9\s:_@$#=/+,-.]{0,256}.
bool MetadataValue(std::string_view v) {
  if (v.size() > 256) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view(" \t:_@$#=/+,-.").find(c) != std::string_view::npos;
  });
}

class BodyBuilder {
 public:
  BodyBuilder(const ir::ChatRequest& req, json::storage_ptr sp) : req_(req), sp_(std::move(sp)) {}
  core::Result<json::object> Build(const Target& target);

 private:
  core::Result<json::value> Block(const ir::ContentPart& p, size_t msg_index);
  core::Result<json::array> Messages();
  json::array System();
  void ToolConfig(json::object& body);
  json::object Single(std::string_view key, json::value v) {
    json::object o(sp_);
    o[key] = std::move(v);
    return o;
  }

  const ir::ChatRequest& req_;
  json::storage_ptr sp_;
  std::vector<std::string> history_tools_;  // tool names used by toolUse blocks in the history
  bool history_has_tool_blocks_ = false;
  size_t documents_ = 0;
};

core::Result<json::value> BodyBuilder::Block(const ir::ContentPart& p, size_t msg_index) {
  std::string param = "messages[" + std::to_string(msg_index) + "]";
  switch (p.kind) {
    case ir::PartKind::kText:
      return json::value(Single("text", json::string(p.text, sp_)));
    case ir::PartKind::kImage: {
      if (!p.url.empty())
        return Unsupported(
            "Bedrock cannot fetch images by URL; send the image inline as a base64 data URL "
            "(data:image/png;base64,...).",
            param);
      std::string_view format = ImageFormat(p.media_type);
      if (format.empty())
        return Unsupported(
            "Bedrock models accept png, jpeg, gif and webp images, not '" + p.media_type + "'.",
            param);
      json::object image(sp_);
      image["format"] = format;
      image["source"] = Single("bytes", json::string(p.data, sp_));
      return json::value(Single("image", std::move(image)));
    }
    case ir::PartKind::kFile: {
      std::string_view format = DocumentFormat(p.media_type);
      if (p.data.empty() || format.empty())
        return Unsupported(
            "Bedrock accepts files only as inline data of a document type (pdf, csv, doc, docx, "
            "xls, xlsx, html, "
            "txt, md), not file ids or '" +
                p.media_type + "'.",
            param);
      json::object doc(sp_);
      doc["format"] = format;
      doc["name"] = DocumentName(p.name, ++documents_);
      doc["source"] = Single("bytes", json::string(p.data, sp_));
      return json::value(Single("document", std::move(doc)));
    }
    case ir::PartKind::kAudio:
      return Unsupported("Audio input is not supported through Bedrock Converse.", param);
    case ir::PartKind::kToolCall: {
      auto input = ToolCallArguments(p, param, sp_);
      if (!input) return input.error();
      history_has_tool_blocks_ = true;
      if (std::find(history_tools_.begin(), history_tools_.end(), p.name) == history_tools_.end())
        history_tools_.push_back(p.name);
      json::object use(sp_);
      use["toolUseId"] = p.id;
      use["name"] = p.name;
      use["input"] = std::move(*input);
      return json::value(Single("toolUse", std::move(use)));
    }
    case ir::PartKind::kToolResult: {
      history_has_tool_blocks_ = true;
      json::array content(sp_);
      for (const ir::ContentPart& inner : p.parts) {
        if (inner.kind == ir::PartKind::kText && inner.text.empty()) continue;
        if (inner.kind != ir::PartKind::kText && inner.kind != ir::PartKind::kImage &&
            inner.kind != ir::PartKind::kFile)
          return Unsupported("Bedrock tool results hold text, images and documents only.", param);
        auto block = Block(inner, msg_index);
        if (!block) return block.error();
        content.push_back(std::move(*block));
      }
      if (content.empty())
        content.push_back(Single("text", "(no output)"));  // blank text is rejected
      json::object result(sp_);
      result["toolUseId"] = p.id;
      result["content"] = std::move(content);
      result["status"] = p.is_error ? "error" : "success";
      return json::value(Single("toolResult", std::move(result)));
    }
    case ir::PartKind::kReasoning: {
      json::object text(sp_);
      text["text"] = p.text;
      text["signature"] = p.signature;
      return json::value(Single("reasoningContent", Single("reasoningText", std::move(text))));
    }
    case ir::PartKind::kRedactedReasoning:
      return json::value(
          Single("reasoningContent", Single("redactedContent", json::string(p.data, sp_))));
  }
  return Unsupported("Unknown content part.", param);
}

json::array BodyBuilder::System() {
  json::array blocks(sp_);
  auto add = [&](const ir::ContentPart& p) {
    if (p.kind == ir::PartKind::kText && !p.text.empty())
      blocks.push_back(Single("text", json::string(p.text, sp_)));
  };
  for (const ir::ContentPart& p : req_.system) add(p);
  for (const ir::Message& m : req_.messages)
    if (m.role == ir::Role::kSystem)
      for (const ir::ContentPart& p : m.parts) add(p);
  return blocks;
}

bool IsToolResult(const json::value& b) { return b.get_object().contains("toolResult"); }

core::Result<json::array> BodyBuilder::Messages() {
  json::array out(sp_);
  bool last_is_user = false;
  for (size_t i = 0; i < req_.messages.size(); ++i) {
    const ir::Message& m = req_.messages[i];
    if (m.role == ir::Role::kSystem) continue;  // hoisted by System()
    bool user = m.role != ir::Role::kAssistant;
    json::array blocks(sp_);
    for (const ir::ContentPart& p : m.parts) {
      if (p.kind == ir::PartKind::kText && p.text.empty()) continue;  // Bedrock rejects blank text
      // Thinking without a signature cannot be verified by the model host: it came from another
      // provider.
      if (p.kind == ir::PartKind::kReasoning && p.signature.empty()) continue;
      auto block = Block(p, i);
      if (!block) return block.error();
      blocks.push_back(std::move(*block));
    }
    if (blocks.empty()) continue;
    if (!out.empty() && user == last_is_user) {
      json::array& prev = out.back().get_object()["content"].get_array();
      for (json::value& b : blocks) prev.push_back(std::move(b));
    } else {
      json::object msg(sp_);
      msg["role"] = user ? "user" : "assistant";
      msg["content"] = std::move(blocks);
      out.push_back(std::move(msg));
    }
    last_is_user = user;
  }
  // Tool results answer the previous assistant turn and must lead their user turn (Anthropic models
  // reject them after other content), however the client's turns were split.
  for (json::value& mv : out) {
    json::array& content = mv.get_object()["content"].get_array();
    if (mv.get_object()["role"] == "user")
      std::stable_partition(content.begin(), content.end(), IsToolResult);
  }
  if (out.empty())
    return Unsupported("The request has no user or assistant content to send.", "messages");
  return out;
}

void BodyBuilder::ToolConfig(json::object& body) {
  bool none = req_.tool_choice.kind == ir::ToolChoiceKind::kNone;
  if (none && !history_has_tool_blocks_) return;
  json::array tools(sp_);
  for (const ir::Tool& t : req_.tools) {
    json::object spec(sp_);
    spec["name"] = t.name;
    if (!t.description.empty()) spec["description"] = t.description;
    spec["inputSchema"] = Single("json", anthropic_rules::ToolInputSchema(t, sp_));
    tools.push_back(Single("toolSpec", std::move(spec)));
  }
  // Tools used in the history but no longer declared still need a spec, or Bedrock refuses the
  // history.
  for (const std::string& name : history_tools_) {
    bool declared = std::any_of(req_.tools.begin(), req_.tools.end(),
                                [&](const ir::Tool& t) { return t.name == name; });
    if (declared) continue;
    json::object schema(sp_);
    schema["type"] = "object";
    json::object spec(sp_);
    spec["name"] = name;
    spec["description"] = "A tool used earlier in this conversation.";
    spec["inputSchema"] = Single("json", std::move(schema));
    tools.push_back(Single("toolSpec", std::move(spec)));
  }
  if (tools.empty()) return;
  json::object config(sp_);
  config["tools"] = std::move(tools);
  switch (req_.tool_choice.kind) {
    case ir::ToolChoiceKind::kUnset:
    case ir::ToolChoiceKind::kNone:
      break;  // Bedrock's default is auto; "none" has no Converse form (see bedrock.h)
    case ir::ToolChoiceKind::kAuto:
      config["toolChoice"] = Single("auto", json::object(sp_));
      break;
    case ir::ToolChoiceKind::kRequired:
      config["toolChoice"] = Single("any", json::object(sp_));
      break;
    case ir::ToolChoiceKind::kSpecific:
      config["toolChoice"] =
          Single("tool", Single("name", json::string(req_.tool_choice.name, sp_)));
      break;
  }
  body["toolConfig"] = std::move(config);
}

core::Result<json::object> BodyBuilder::Build(const Target& target) {
  if (req_.n > 1) return Unsupported("Bedrock models return one choice: 'n' must be 1.", "n");
  json::object body(sp_);
  auto messages = Messages();
  if (!messages) return messages.error();
  body["messages"] = std::move(*messages);
  if (json::array system = System(); !system.empty()) body["system"] = std::move(system);

  bool anthropic = IsAnthropicModel(target.model);
  uint64_t budget = 0;
  if (anthropic)
    budget =
        req_.reasoning_budget.value_or(anthropic_rules::BudgetForEffort(req_.reasoning_effort));
  std::optional<uint64_t> max_tokens = req_.max_tokens;
  if (!max_tokens && target.default_max_tokens) max_tokens = target.default_max_tokens;
  if (budget) {
    if (!req_.max_tokens) max_tokens = max_tokens.value_or(kBedrockThinkingMaxTokens) + budget;
    budget = anthropic_rules::FitThinkingBudget(budget, *max_tokens);
  }

  json::object inference(sp_);
  if (max_tokens) inference["maxTokens"] = *max_tokens;
  if (!budget && req_.temperature)
    inference["temperature"] = std::clamp(*req_.temperature, 0.0, 1.0);
  if (req_.top_p)
    inference["topP"] = budget ? std::max(*req_.top_p, 0.95) : std::clamp(*req_.top_p, 0.0, 1.0);
  if (!req_.stop.empty()) {
    json::array stops(sp_);
    for (const std::string& s : req_.stop) stops.emplace_back(s);
    inference["stopSequences"] = std::move(stops);
  }
  if (!inference.empty()) body["inferenceConfig"] = std::move(inference);

  ToolConfig(body);

  json::object additional(sp_);
  if (req_.top_k && !budget) additional["top_k"] = *req_.top_k;
  if (budget) {
    json::object thinking(sp_);
    thinking["type"] = "enabled";
    thinking["budget_tokens"] = budget;
    additional["thinking"] = std::move(thinking);
  }
  bool effort = !req_.reasoning_effort.empty() && req_.reasoning_effort != "none";
  if (IsOpenAiModel(target.model) && effort) additional["reasoning_effort"] = req_.reasoning_effort;
  if (!additional.empty()) body["additionalModelRequestFields"] = std::move(additional);
  if (anthropic && !req_.stop.empty()) {
    json::array paths(sp_);
    paths.emplace_back("/stop_sequence");
    body["additionalModelResponseFieldPaths"] = std::move(paths);
  }

  if (req_.response_format.kind == ir::ResponseFormatKind::kJsonSchema &&
      !req_.response_format.schema.empty()) {
    json::object schema(sp_);
    schema["schema"] = req_.response_format.schema;  // Converse takes the schema as a string
    schema["name"] = req_.response_format.name.empty() ? std::string_view("response")
                                                       : req_.response_format.name;
    if (!req_.response_format.description.empty())
      schema["description"] = req_.response_format.description;
    json::object format(sp_);
    format["type"] = "json_schema";
    format["structure"] = Single("jsonSchema", std::move(schema));
    body["outputConfig"] = Single("textFormat", std::move(format));
  }
  if (!req_.user.empty() && MetadataValue(req_.user))
    body["requestMetadata"] = Single("user", json::string(req_.user, sp_));
  return body;
}

}  // namespace

core::Result<std::string> BedrockAdapter::EncodeBody(const ir::ChatRequest& request,
                                                     const Target& target) {
  return SerializeBuiltBody([&](json::monotonic_resource* mr) { return BodyBuilder(request, mr).Build(target); });
}

core::Result<UpstreamRequest> BedrockAdapter::BuildRequest(const ir::ChatRequest& request,
                                                           const Target& target) const {
  auto body = EncodeBody(request, target);
  if (!body) return body.error();
  auto path =
      ModelPath(target.path_prefix, target.model, request.stream ? "converse-stream" : "converse");
  if (!path) return path.error();
  UpstreamRequest out;
  out.path = std::move(*path);
  out.headers = {
      {"content-type", "application/json"},
      {"accept", request.stream ? "application/vnd.amazon.eventstream" : "application/json"}};
  out.body = std::move(*body);
  out.stream = request.stream;
  Sign(out, target);
  return out;
}

}  // namespace sluice::provider
