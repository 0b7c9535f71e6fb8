// Anthropic Messages turns and content blocks → IR messages and parts (reference §3.1, §3.2):
// text, image, document, tool_use, tool_result, thinking and redacted_thinking. Errors name the
// dotted path ("messages.1.content.0.source.media_type"). Thread rule: pure functions.
#include <boost/json/serialize.hpp>

#include "dialect/anthropic_messages_detail.h"

namespace sluice::dialect::anthropic_messages_detail {
namespace {

// A text / image block (system, tool_result content and message content share these).
core::Result<bool> SourceBlock(const json::object& b, std::string_view type, const std::string& p,
                               std::vector<ir::ContentPart>& out) {
  if (type == "text") {
    const json::string* text = StringMember(b, "text");
    if (!text) return Invalid(p + ".text", "Field required");
    out.push_back(ir::ContentPart::Text(Str(*text)));
    return true;
  }
  const json::value* sv = b.if_contains("source");
  const json::object* s = sv ? sv->if_object() : nullptr;
  if (!s) return Invalid(p + ".source", "Field required");
  const json::string* st = StringMember(*s, "type");
  std::string_view source_type = st ? std::string_view(*st) : std::string_view();
  ir::ContentPart part;
  if (type == "image") {
    part.kind = ir::PartKind::kImage;
    if (source_type == "base64") {
      const json::string* mt = StringMember(*s, "media_type");
      const json::string* data = StringMember(*s, "data");
      if (!mt) return Invalid(p + ".source.media_type", "Field required");
      if (*mt != "image/jpeg" && *mt != "image/png" && *mt != "image/gif" && *mt != "image/webp")
        return Invalid(p + ".source.media_type",
                       "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
      if (!data) return Invalid(p + ".source.data", "Field required");
      part.media_type = Str(*mt);
      part.data = Str(*data);
    } else if (source_type == "url") {
      const json::string* url = StringMember(*s, "url");
      if (!url) return Invalid(p + ".source.url", "Field required");
      part.url = Str(*url);
    } else {
      return Invalid(p + ".source.type",
                     "Input should be 'base64' or 'url' (file sources are not supported by this "
                     "gateway)");
    }
    out.push_back(std::move(part));
    return true;
  }
  // document
  if (source_type == "base64") {
    const json::string* mt = StringMember(*s, "media_type");
    const json::string* data = StringMember(*s, "data");
    if (!mt) return Invalid(p + ".source.media_type", "Field required");
    if (!data) return Invalid(p + ".source.data", "Field required");
    part.kind = ir::PartKind::kFile;
    part.media_type = Str(*mt);
    part.data = Str(*data);
    if (const json::string* title = StringMember(b, "title")) part.name = Str(*title);
    out.push_back(std::move(part));
    return true;
  }
  if (source_type == "text") {
    const json::string* data = StringMember(*s, "data");
    if (!data) return Invalid(p + ".source.data", "Field required");
    out.push_back(ir::ContentPart::Text(Str(*data)));
    return true;
  }
  return Invalid(p + ".source.type",
                 "Input should be 'base64' or 'text' (url, file and content document sources are "
                 "not supported by this gateway)");
}

core::Result<bool> ToolResult(const json::object& b, const std::string& p,
                              std::vector<ir::ContentPart>& out) {
  const json::string* id = StringMember(b, "tool_use_id");
  if (!id) return Invalid(p + ".tool_use_id", "Field required");
  ir::ContentPart result;
  result.kind = ir::PartKind::kToolResult;
  result.id = Str(*id);
  if (const json::value* e = b.if_contains("is_error"); e && !e->is_null()) {
    if (!e->is_bool()) return Invalid(p + ".is_error", "Input should be a valid boolean");
    result.is_error = e->get_bool();
  }
  const json::value* content = b.if_contains("content");
  if (content && content->is_string()) {
    result.parts.push_back(ir::ContentPart::Text(Str(content->get_string())));
  } else if (content && content->is_array()) {
    size_t j = 0;
    for (const json::value& cv : content->get_array()) {
      std::string cp = p + ".content." + std::to_string(j++);
      const json::object* c = cv.if_object();
      const json::string* t = c ? StringMember(*c, "type") : nullptr;
      if (!t || (*t != "text" && *t != "image" && *t != "document"))
        return Invalid(cp + ".type", "Input should be 'text', 'image' or 'document'");
      auto ok = SourceBlock(*c, *t, cp, result.parts);
      if (!ok) return ok.error();
    }
  } else if (content && !content->is_null()) {
    return Invalid(p + ".content", "Input should be a valid string or list");
  }
  out.push_back(std::move(result));
  return true;
}

}  // namespace

core::Result<bool> DecodeMessage(const json::value& mv, size_t i, ir::ChatRequest& req) {
  std::string p = "messages." + std::to_string(i);
  const json::object* m = mv.if_object();
  if (!m) return Invalid(p, "Input should be a valid dictionary");
  const json::value* rv = m->if_contains("role");
  if (!rv) return Invalid(p + ".role", "Field required");
  bool assistant = rv->is_string() && rv->get_string() == "assistant";
  if (!assistant && !(rv->is_string() && rv->get_string() == "user"))
    return Invalid(p + ".role", "Input should be 'user' or 'assistant'");
  const json::value* content = m->if_contains("content");
  if (!content) return Invalid(p + ".content", "Field required");

  ir::Message msg;
  msg.role = assistant ? ir::Role::kAssistant : ir::Role::kUser;
  ir::Message results;  // this user turn's tool_result blocks, sent first as a kTool message
  results.role = ir::Role::kTool;
  if (content->is_string()) {
    msg.parts.push_back(ir::ContentPart::Text(Str(content->get_string())));
  } else if (content->is_array()) {
    size_t j = 0;
    for (const json::value& bv : content->get_array()) {
      std::string bp = p + ".content." + std::to_string(j++);
      const json::object* b = bv.if_object();
      if (!b) return Invalid(bp, "Input should be a valid dictionary");
      const json::string* ts = StringMember(*b, "type");
      if (!ts) return Invalid(bp + ".type", "Field required");
      std::string_view t = *ts;
      core::Result<bool> ok = true;
      if (t == "text" || t == "image" || t == "document") {
        ok = SourceBlock(*b, t, bp, msg.parts);
      } else if (t == "tool_use") {
        if (!assistant)
          return Invalid(bp + ".type", "tool_use blocks are only allowed in assistant messages");
        const json::string* id = StringMember(*b, "id");
        const json::string* name = StringMember(*b, "name");
        const json::value* input = b->if_contains("input");
        if (!id) return Invalid(bp + ".id", "Field required");
        if (!name) return Invalid(bp + ".name", "Field required");
        if (!input || !input->is_object())
          return Invalid(bp + ".input", "Input should be a valid dictionary");
        msg.parts.push_back(
            ir::ContentPart::ToolCall(Str(*id), Str(*name), json::serialize(*input)));
      } else if (t == "tool_result") {
        if (assistant)
          return Invalid(bp + ".type", "tool_result blocks are only allowed in user messages");
        ok = ToolResult(*b, bp, results.parts);
      } else if (t == "thinking") {
        const json::string* thinking = StringMember(*b, "thinking");
        const json::string* signature = StringMember(*b, "signature");
        if (!thinking) return Invalid(bp + ".thinking", "Field required");
        if (!signature) return Invalid(bp + ".signature", "Field required");
        msg.parts.push_back(ir::ContentPart::Reasoning(Str(*thinking), Str(*signature)));
      } else if (t == "redacted_thinking") {
        const json::string* data = StringMember(*b, "data");
        if (!data) return Invalid(bp + ".data", "Field required");
        ir::ContentPart part;
        part.kind = ir::PartKind::kRedactedReasoning;
        part.data = Str(*data);
        msg.parts.push_back(std::move(part));
      } else {
        return Invalid(bp + ".type",
                       "Input tag '" + std::string(t) +
                           "' is not supported by this gateway (expected text, image, "
                           "document, tool_use, tool_result, thinking or "
                           "redacted_thinking)");
      }
      if (!ok) return ok.error();
    }
  } else {
    return Invalid(p + ".content", "Input should be a valid string or list");
  }
  if (!results.parts.empty()) req.messages.push_back(std::move(results));
  if (!msg.parts.empty() || assistant) req.messages.push_back(std::move(msg));
  return true;
}

}  // namespace sluice::dialect::anthropic_messages_detail
