// OpenAI Chat Completions messages → IR messages and content parts (reference §1.2, §1.3 for tool
// calls). Errors name the offending path ("messages[1].content[0].image_url.url").
// Thread rule: pure functions.
#include "dialect/openai_chat_detail.h"

namespace sluice::dialect::openai_chat_detail {
namespace {

// "data:<media type>;base64,<data>" → media type and data. False when the URL is a data URL that is
// not base64 (the only encoding providers accept).
bool SplitDataUrl(std::string_view url, std::string& media_type, std::string& data) {
  constexpr std::string_view kMarker = ";base64,";
  size_t marker = url.find(kMarker);
  if (marker == std::string_view::npos) return false;
  media_type.assign(url.substr(5, marker - 5));
  data.assign(url.substr(marker + kMarker.size()));
  return !media_type.empty() && !data.empty();
}

// Text-only content (system, developer, tool messages): a string or an array of text parts.
core::Result<bool> TextParts(const json::value& content, const std::string& param,
                             std::vector<ir::ContentPart>& out) {
  if (content.is_string()) {
    out.push_back(ir::ContentPart::Text(Str(content.get_string())));
    return true;
  }
  if (!content.is_array()) return BadType(param, "one of a string or array of objects");
  size_t j = 0;
  for (const json::value& part : content.get_array()) {
    std::string p = param + "[" + std::to_string(j++) + "]";
    const json::object* o = part.if_object();
    const json::value* type = o ? o->if_contains("type") : nullptr;
    if (!type || !type->is_string() || type->get_string() != "text")
      return Invalid("Invalid value for '" + p + ".type': expected 'text'.", p + ".type");
    const json::value* text = o->if_contains("text");
    if (!text || !text->is_string()) return BadType(p + ".text", "a string");
    out.push_back(ir::ContentPart::Text(Str(text->get_string())));
  }
  return true;
}

core::Result<bool> UserPart(const json::object& o, const std::string& p,
                            std::vector<ir::ContentPart>& out) {
  const json::value* type = o.if_contains("type");
  if (!type || !type->is_string())
    return Invalid("Missing required parameter: '" + p + ".type'.", p + ".type");
  json::string_view t = type->get_string();
  if (t == "text") {
    const json::value* text = o.if_contains("text");
    if (!text || !text->is_string()) return BadType(p + ".text", "a string");
    out.push_back(ir::ContentPart::Text(Str(text->get_string())));
    return true;
  }
  if (t == "image_url") {
    const json::value* iu = o.if_contains("image_url");
    const json::object* io = iu ? iu->if_object() : nullptr;
    const json::value* url = io ? io->if_contains("url") : nullptr;
    if (!url || !url->is_string()) return BadType(p + ".image_url.url", "a string");
    ir::ContentPart part;
    part.kind = ir::PartKind::kImage;
    std::string_view u(url->get_string().data(), url->get_string().size());
    if (u.starts_with("data:")) {
      if (!SplitDataUrl(u, part.media_type, part.data))
        return Invalid("Invalid image URL: a data URL must be 'data:<media type>;base64,<data>'.",
                       p + ".image_url.url");
    } else {
      part.url.assign(u);
    }
    if (const json::value* d = io->if_contains("detail"); d && d->is_string())
      part.detail = Str(d->get_string());
    out.push_back(std::move(part));
    return true;
  }
  if (t == "input_audio") {
    const json::value* ia = o.if_contains("input_audio");
    const json::object* ao = ia ? ia->if_object() : nullptr;
    const json::value* data = ao ? ao->if_contains("data") : nullptr;
    const json::value* format = ao ? ao->if_contains("format") : nullptr;
    if (!data || !data->is_string()) return BadType(p + ".input_audio.data", "a string");
    if (!format || !format->is_string()) return BadType(p + ".input_audio.format", "a string");
    ir::ContentPart part;
    part.kind = ir::PartKind::kAudio;
    part.data = Str(data->get_string());
    part.media_type = Str(format->get_string());
    out.push_back(std::move(part));
    return true;
  }
  if (t == "file") {
    const json::value* f = o.if_contains("file");
    const json::object* fo = f ? f->if_object() : nullptr;
    if (!fo) return BadType(p + ".file", "an object");
    ir::ContentPart part;
    part.kind = ir::PartKind::kFile;
    if (const json::value* id = fo->if_contains("file_id"); id && id->is_string())
      part.id = Str(id->get_string());
    if (const json::value* n = fo->if_contains("filename"); n && n->is_string())
      part.name = Str(n->get_string());
    if (const json::value* fd = fo->if_contains("file_data"); fd && fd->is_string()) {
      std::string_view u(fd->get_string().data(), fd->get_string().size());
      if (!u.starts_with("data:") || !SplitDataUrl(u, part.media_type, part.data))
        return Invalid("Invalid file data: expected 'data:<media type>;base64,<data>'.",
                       p + ".file.file_data");
    }
    if (part.id.empty() && part.data.empty())
      return Invalid(
          "Missing required parameter: '" + p + ".file.file_id' or '" + p + ".file.file_data'.",
          p + ".file");
    out.push_back(std::move(part));
    return true;
  }
  return Invalid("Invalid value: '" + Str(t) +
                     "'. Supported values are: 'text', 'image_url', 'input_audio', and 'file'.",
                 p + ".type");
}

core::Result<bool> ToolCalls(const json::value& calls, const std::string& param,
                             std::vector<ir::ContentPart>& out) {
  if (!calls.is_array()) return BadType(param, "an array of objects");
  size_t j = 0;
  for (const json::value& c : calls.get_array()) {
    std::string p = param + "[" + std::to_string(j++) + "]";
    const json::object* co = c.if_object();
    if (!co) return BadType(p, "an object");
    const json::value* id = co->if_contains("id");
    if (!id || !id->is_string())
      return Invalid("Missing required parameter: '" + p + ".id'.", p + ".id");
    const json::value* fn = co->if_contains("function");
    const json::object* fo = fn ? fn->if_object() : nullptr;
    if (!fo) return Invalid("Missing required parameter: '" + p + ".function'.", p + ".function");
    const json::value* name = fo->if_contains("name");
    if (!name || !name->is_string()) return BadType(p + ".function.name", "a string");
    const json::value* args = fo->if_contains("arguments");
    if (args && !args->is_string() && !args->is_null())
      return BadType(p + ".function.arguments", "a string");
    out.push_back(
        ir::ContentPart::ToolCall(Str(id->get_string()), Str(name->get_string()),
                                  args && args->is_string() ? Str(args->get_string()) : ""));
  }
  return true;
}

}  // namespace

core::Result<bool> DecodeMessage(const json::value& mv, size_t i, ir::ChatRequest& req) {
  std::string p = "messages[" + std::to_string(i) + "]";
  const json::object* m = mv.if_object();
  if (!m) return BadType(p, "an object");
  const json::value* role = m->if_contains("role");
  if (!role) return Invalid("Missing required parameter: '" + p + ".role'.", p + ".role");
  if (!role->is_string()) return BadType(p + ".role", "a string");
  json::string_view r = role->get_string();
  const json::value* content = m->if_contains("content");
  ir::Message msg;
  if (const json::value* n = m->if_contains("name"); n && n->is_string())
    msg.name = Str(n->get_string());

  if (r == "system" || r == "developer") {
    if (!content)
      return Invalid("Missing required parameter: '" + p + ".content'.", p + ".content");
    // Instructions before the first turn are the system prompt; later ones keep their position.
    bool leading = req.messages.empty();
    auto ok = TextParts(*content, p + ".content", leading ? req.system : msg.parts);
    if (!ok) return ok.error();
    if (leading) return true;
    msg.role = ir::Role::kSystem;
  } else if (r == "user") {
    if (!content)
      return Invalid("Missing required parameter: '" + p + ".content'.", p + ".content");
    msg.role = ir::Role::kUser;
    if (content->is_string()) {
      msg.parts.push_back(ir::ContentPart::Text(Str(content->get_string())));
    } else if (content->is_array()) {
      size_t j = 0;
      for (const json::value& part : content->get_array()) {
        std::string pp = p + ".content[" + std::to_string(j++) + "]";
        if (!part.is_object()) return BadType(pp, "an object");
        auto ok = UserPart(part.get_object(), pp, msg.parts);
        if (!ok) return ok.error();
      }
    } else {
      return BadType(p + ".content", "one of a string or array of objects");
    }
  } else if (r == "assistant") {
    msg.role = ir::Role::kAssistant;
    if (content && content->is_string()) {
      if (!content->get_string().empty())
        msg.parts.push_back(ir::ContentPart::Text(Str(content->get_string())));
    } else if (content && content->is_array()) {
      size_t j = 0;
      for (const json::value& part : content->get_array()) {
        std::string pp = p + ".content[" + std::to_string(j++) + "]";
        const json::object* o = part.if_object();
        const json::value* type = o ? o->if_contains("type") : nullptr;
        json::string_view t = type && type->is_string() ? type->get_string() : "";
        const json::value* text = t == "text"      ? o->if_contains("text")
                                  : t == "refusal" ? o->if_contains("refusal")
                                                   : nullptr;
        if (!text || !text->is_string())
          return Invalid("Invalid value for '" + pp + ".type': expected 'text' or 'refusal'.",
                         pp + ".type");
        msg.parts.push_back(ir::ContentPart::Text(Str(text->get_string())));
      }
    } else if (content && !content->is_null()) {
      return BadType(p + ".content", "one of a string, array of objects or null");
    }
    // A refusal echoed back in history is assistant text to every other provider.
    if (const json::value* refusal = m->if_contains("refusal");
        refusal && refusal->is_string() && msg.parts.empty())
      msg.parts.push_back(ir::ContentPart::Text(Str(refusal->get_string())));
    if (const json::value* calls = m->if_contains("tool_calls"); calls && !calls->is_null()) {
      auto ok = ToolCalls(*calls, p + ".tool_calls", msg.parts);
      if (!ok) return ok.error();
    }
  } else if (r == "tool") {
    msg.role = ir::Role::kTool;
    const json::value* id = m->if_contains("tool_call_id");
    if (!id || !id->is_string())
      return Invalid("Missing required parameter: '" + p + ".tool_call_id'.", p + ".tool_call_id");
    if (!content)
      return Invalid("Missing required parameter: '" + p + ".content'.", p + ".content");
    ir::ContentPart result;
    result.kind = ir::PartKind::kToolResult;
    result.id = Str(id->get_string());
    auto ok = TextParts(*content, p + ".content", result.parts);
    if (!ok) return ok.error();
    msg.parts.push_back(std::move(result));
  } else {
    return Invalid(
        "Invalid value: '" + Str(r) +
            "'. Supported values are: 'system', 'developer', 'user', 'assistant', and 'tool'.",
        p + ".role");
  }
  req.messages.push_back(std::move(msg));
  return true;
}

}  // namespace sluice::dialect::openai_chat_detail
