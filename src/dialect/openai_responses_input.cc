// OpenAI Responses `input` → IR messages (reference §2 "Input items"; item shapes from the openai
// SDK's ResponseInputItem types). Errors name the offending path ("input[3].content[0].file_id").
// Thread rule: pure functions.
#include "dialect/openai_responses.h"
#include "dialect/openai_responses_detail.h"

namespace sluice::dialect::openai_responses_detail {
namespace {

// "data:<media type>;base64,<data>" → media type and data; false for anything else.
bool SplitDataUrl(std::string_view url, std::string& media_type, std::string& data) {
  constexpr std::string_view kMarker = ";base64,";
  if (!url.starts_with("data:")) return false;
  size_t marker = url.find(kMarker);
  if (marker == std::string_view::npos) return false;
  media_type.assign(url.substr(5, marker - 5));
  data.assign(url.substr(marker + kMarker.size()));
  return !media_type.empty() && !data.empty();
}

const json::string* StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

core::Result<bool> Image(const json::object& o, const std::string& p,
                         std::vector<ir::ContentPart>& out) {
  if (const json::value* id = o.if_contains("file_id"); id && !id->is_null())
    return NotOnThisRoute("Image file ids ('file_id') are", p + ".file_id");
  const json::string* url = StringMember(o, "image_url");
  if (!url) return Invalid("Missing required parameter: '" + p + ".image_url'.", p + ".image_url");
  ir::ContentPart part;
  part.kind = ir::PartKind::kImage;
  std::string_view u(url->data(), url->size());
  if (u.starts_with("data:")) {
    if (!SplitDataUrl(u, part.media_type, part.data))
      return Invalid("Invalid image URL: a data URL must be 'data:<media type>;base64,<data>'.",
                     p + ".image_url");
  } else {
    part.url.assign(u);
  }
  if (const json::string* d = StringMember(o, "detail")) part.detail = Str(*d);
  out.push_back(std::move(part));
  return true;
}

core::Result<bool> File(const json::object& o, const std::string& p,
                        std::vector<ir::ContentPart>& out) {
  if (const json::value* id = o.if_contains("file_id"); id && !id->is_null())
    return NotOnThisRoute("File ids ('file_id') are", p + ".file_id");
  if (const json::value* url = o.if_contains("file_url"); url && !url->is_null())
    return NotOnThisRoute("File URLs ('file_url') are", p + ".file_url");
  const json::string* fd = StringMember(o, "file_data");
  ir::ContentPart part;
  part.kind = ir::PartKind::kFile;
  if (!fd || !SplitDataUrl(std::string_view(fd->data(), fd->size()), part.media_type, part.data))
    return Invalid("Invalid file data: expected 'data:<media type>;base64,<data>'.",
                   p + ".file_data");
  if (const json::string* n = StringMember(o, "filename")) part.name = Str(*n);
  out.push_back(std::move(part));
  return true;
}

enum class Side : uint8_t { kUser, kAssistant, kInstructions, kToolOutput };

// One content part of a message (or of a function_call_output) for the given side.
core::Result<bool> Part(const json::value& v, const std::string& p, Side side,
                        std::vector<ir::ContentPart>& out) {
  const json::object* o = v.if_object();
  if (!o) return BadType(p, "an object");
  const json::string* type = StringMember(*o, "type");
  if (!type) return Invalid("Missing required parameter: '" + p + ".type'.", p + ".type");
  std::string_view t(type->data(), type->size());
  // Assistant history is output_text/refusal; input_text is accepted there too (clients echo it).
  bool text_ok = t == "input_text" || (side == Side::kAssistant && t == "output_text");
  if (text_ok) {
    const json::string* text = StringMember(*o, "text");
    if (!text) return BadType(p + ".text", "a string");
    out.push_back(ir::ContentPart::Text(Str(*text)));
    return true;
  }
  if (side == Side::kAssistant && t == "refusal") {
    const json::string* text = StringMember(*o, "refusal");
    if (!text) return BadType(p + ".refusal", "a string");
    out.push_back(ir::ContentPart::Text(Str(*text)));  // a refusal is assistant text elsewhere
    return true;
  }
  if ((side == Side::kUser || side == Side::kToolOutput) && t == "input_image")
    return Image(*o, p, out);
  if ((side == Side::kUser || side == Side::kToolOutput) && t == "input_file")
    return File(*o, p, out);
  std::string_view supported = side == Side::kAssistant      ? "'output_text' and 'refusal'"
                               : side == Side::kInstructions ? "'input_text'"
                                                             : "'input_text', 'input_image' and "
                                                               "'input_file'";
  return Invalid("Invalid value: '" + std::string(t) + "'. Supported values are: " +
                     std::string(supported) + ".",
                 p + ".type");
}

core::Result<bool> Content(const json::value& content, const std::string& p, Side side,
                           std::vector<ir::ContentPart>& out) {
  if (content.is_string()) {
    if (side != Side::kAssistant || !content.get_string().empty())
      out.push_back(ir::ContentPart::Text(Str(content.get_string())));
    return true;
  }
  if (!content.is_array()) return BadType(p, "one of a string or array of objects");
  size_t j = 0;
  for (const json::value& part : content.get_array()) {
    auto ok = Part(part, p + "[" + std::to_string(j++) + "]", side, out);
    if (!ok) return ok;
  }
  return true;
}

// The assistant message an assistant-side item joins: the last message when it is one.
ir::Message& AssistantTurn(ir::ChatRequest& req) {
  if (req.messages.empty() || req.messages.back().role != ir::Role::kAssistant) {
    req.messages.emplace_back();
    req.messages.back().role = ir::Role::kAssistant;
  }
  return req.messages.back();
}

core::Result<bool> Message(const json::object& o, const std::string& p, ir::ChatRequest& req) {
  const json::string* role = StringMember(o, "role");
  if (!role) return Invalid("Missing required parameter: '" + p + ".role'.", p + ".role");
  const json::value* content = o.if_contains("content");
  if (!content) return Invalid("Missing required parameter: '" + p + ".content'.", p + ".content");
  std::string c = p + ".content";
  if (*role == "system" || *role == "developer") {
    // Instructions before the first turn join the system prompt; later ones keep their place.
    if (req.messages.empty()) return Content(*content, c, Side::kInstructions, req.system);
    ir::Message msg;
    msg.role = ir::Role::kSystem;
    auto ok = Content(*content, c, Side::kInstructions, msg.parts);
    if (!ok) return ok;
    req.messages.push_back(std::move(msg));
    return true;
  }
  if (*role == "user") {
    ir::Message msg;
    msg.role = ir::Role::kUser;
    auto ok = Content(*content, c, Side::kUser, msg.parts);
    if (!ok) return ok;
    req.messages.push_back(std::move(msg));
    return true;
  }
  if (*role == "assistant") {
    std::vector<ir::ContentPart> parts;
    auto ok = Content(*content, c, Side::kAssistant, parts);
    if (!ok) return ok;
    ir::Message& turn = AssistantTurn(req);
    for (ir::ContentPart& part : parts) turn.parts.push_back(std::move(part));
    return true;
  }
  return Invalid("Invalid value: '" + Str(*role) +
                     "'. Supported values are: 'user', 'assistant', 'system', and 'developer'.",
                 p + ".role");
}

core::Result<bool> FunctionCall(const json::object& o, const std::string& p,
                                ir::ChatRequest& req) {
  const json::string* call_id = StringMember(o, "call_id");
  if (!call_id || call_id->empty())
    return Invalid("Missing required parameter: '" + p + ".call_id'.", p + ".call_id");
  const json::string* name = StringMember(o, "name");
  if (!name || name->empty())
    return Invalid("Missing required parameter: '" + p + ".name'.", p + ".name");
  const json::value* args = o.if_contains("arguments");
  if (!args || !args->is_string()) return BadType(p + ".arguments", "a string");
  AssistantTurn(req).parts.push_back(
      ir::ContentPart::ToolCall(Str(*call_id), Str(*name), Str(args->get_string())));
  return true;
}

core::Result<bool> FunctionCallOutput(const json::object& o, const std::string& p,
                                      ir::ChatRequest& req) {
  const json::string* call_id = StringMember(o, "call_id");
  if (!call_id || call_id->empty())
    return Invalid("Missing required parameter: '" + p + ".call_id'.", p + ".call_id");
  const json::value* output = o.if_contains("output");
  if (!output) return Invalid("Missing required parameter: '" + p + ".output'.", p + ".output");
  ir::ContentPart result;
  result.kind = ir::PartKind::kToolResult;
  result.id = Str(*call_id);
  auto ok = Content(*output, p + ".output", Side::kToolOutput, result.parts);
  if (!ok) return ok;
  // Consecutive outputs answer one assistant turn: they share one tool message.
  if (req.messages.empty() || req.messages.back().role != ir::Role::kTool) {
    req.messages.emplace_back();
    req.messages.back().role = ir::Role::kTool;
  }
  req.messages.back().parts.push_back(std::move(result));
  return true;
}

core::Result<bool> Reasoning(const json::object& o, const std::string& p, ir::ChatRequest& req) {
  std::string text;
  // Raw reasoning text (`content`) is what the model produced; summaries stand in when absent.
  const json::value* content = o.if_contains("content");
  const json::value* source = content && content->is_array() && !content->get_array().empty()
                                  ? content
                                  : o.if_contains("summary");
  std::string sp = p + (source == content ? ".content" : ".summary");
  if (source && !source->is_null()) {
    if (!source->is_array()) return BadType(sp, "an array of objects");
    size_t j = 0;
    for (const json::value& s : source->get_array()) {
      std::string pp = sp + "[" + std::to_string(j++) + "]";
      const json::object* so = s.if_object();
      const json::string* t = so ? StringMember(*so, "text") : nullptr;
      if (!t) return BadType(pp + ".text", "a string");
      if (j > 1) text += "\n\n";
      text.append(t->data(), t->size());
    }
  }
  std::string encrypted;
  if (const json::string* e = StringMember(o, "encrypted_content")) encrypted = Str(*e);
  if (text.empty() && encrypted.empty()) return true;  // nothing a provider could use
  ir::ContentPart part;
  if (std::string_view(encrypted).starts_with(kRedactedPrefix)) {
    part.kind = ir::PartKind::kRedactedReasoning;
    part.data = encrypted.substr(kRedactedPrefix.size());
  } else {
    part = ir::ContentPart::Reasoning(std::move(text), std::move(encrypted));
  }
  AssistantTurn(req).parts.push_back(std::move(part));
  return true;
}

}  // namespace

core::Result<bool> DecodeInput(const json::value& input, ir::ChatRequest& req) {
  if (input.is_string()) {
    ir::Message msg;
    msg.role = ir::Role::kUser;
    msg.parts.push_back(ir::ContentPart::Text(Str(input.get_string())));
    req.messages.push_back(std::move(msg));
    return true;
  }
  if (!input.is_array()) return BadType("input", "one of a string or array of objects");
  size_t i = 0;
  for (const json::value& item : input.get_array()) {
    std::string p = "input[" + std::to_string(i++) + "]";
    const json::object* o = item.if_object();
    if (!o) return BadType(p, "an object");
    const json::value* type = o->if_contains("type");
    if (type && !type->is_string()) return BadType(p + ".type", "a string");
    std::string_view t = type ? std::string_view(type->get_string().data(),
                                                 type->get_string().size())
                              : std::string_view("message");
    core::Result<bool> ok = true;
    if (t == "message")
      ok = Message(*o, p, req);
    else if (t == "function_call")
      ok = FunctionCall(*o, p, req);
    else if (t == "function_call_output")
      ok = FunctionCallOutput(*o, p, req);
    else if (t == "reasoning")
      ok = Reasoning(*o, p, req);
    else if (t == "item_reference")
      ok = NotOnThisRoute("Item references (stored items) are", p);
    else
      ok = NotOnThisRoute("Input items of type '" + std::string(t) + "' are", p + ".type");
    if (!ok) return ok;
  }
  return true;
}

}  // namespace sluice::dialect::openai_responses_detail
