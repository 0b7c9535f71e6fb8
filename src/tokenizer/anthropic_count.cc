// Anthropic Messages request counting (CountAnthropicMessages). Thread rule: pure functions.
#include <boost/json/serialize.hpp>
#include <cmath>

#include "tokenizer/chat_count.h"
#include "tokenizer/hf_chat_count.h"
#include "tokenizer/image_tokens.h"
#include "tokenizer/registry.h"

namespace sluice::tokenizer {
namespace {

namespace json = boost::json;

std::string_view Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

struct Tally {
  const Encoding& enc;
  uint64_t limit;
  uint64_t text = 0;    // tokenizer tokens (scaled later when an estimate)
  uint64_t images = 0;  // image tokens (already in provider units)
  bool exceeded() const { return text > limit; }
  void Text(std::string_view s) {
    if (!exceeded()) text += enc.Count(s, limit - text);
  }
};

void CountBlocks(const json::value& content, Tally& t);

void CountBlock(const json::object& b, Tally& t) {
  const std::string_view type = Str(b, "type");
  if (type == "text") {
    t.Text(Str(b, "text"));
  } else if (type == "image") {
    const json::value* src = b.if_contains("source");
    std::optional<ImageSize> size;
    if (src && src->is_object() && Str(src->get_object(), "type") == "base64") {
      const std::string data = "data:x;base64," + std::string(Str(src->get_object(), "data").substr(0, 90000));
      size = SniffDataUriImageSize(data);
    }
    t.images += AnthropicImageTokens(size);
  } else if (type == "tool_use" || type == "server_tool_use") {
    t.Text(Str(b, "name"));
    if (const json::value* in = b.if_contains("input")) t.Text(json::serialize(*in));
  } else if (type == "tool_result") {
    if (const json::value* c = b.if_contains("content")) CountBlocks(*c, t);
  } else if (type == "thinking") {
    t.Text(Str(b, "thinking"));
  } else if (type == "document") {
    const json::value* src = b.if_contains("source");
    if (src && src->is_object() && Str(src->get_object(), "type") == "text") t.Text(Str(src->get_object(), "data"));
  }
}

void CountBlocks(const json::value& content, Tally& t) {
  if (content.is_string()) {
    t.Text(content.get_string());
  } else if (content.is_array()) {
    for (const json::value& b : content.get_array()) {
      if (b.is_object()) CountBlock(b.get_object(), t);
    }
  }
}

core::Error BadRequest(std::string message) {
  core::Error e;
  e.code = core::ErrorCode::kInvalidRequest;
  e.message = std::move(message);
  return e;
}

}  // namespace

core::Result<TokenCount> CountAnthropicMessages(const json::object& request, const ModelTable& models,
                                                uint64_t limit) {
  const std::string_view model = Str(request, "model");
  if (model.empty()) return BadRequest("model: Field required");
  const json::value* messages = request.if_contains("messages");
  if (!messages || !messages->is_array()) return BadRequest("messages: Field required");
  const ModelTokenizer mt = models.Lookup(model);
  if (mt.hf) return CountAnthropicMessagesHf(request, mt, limit);  // the model's own tokenizer file
  auto enc = GetEncoding(mt.encoding);
  if (!enc.ok()) return enc.error();
  const uint64_t raw_limit =
      limit == kNoLimit || mt.exact ? limit : static_cast<uint64_t>(static_cast<double>(limit) / mt.factor);
  Tally t{**enc, raw_limit};
  uint64_t framing = 0;
  if (const json::value* sys = request.if_contains("system")) {
    framing += 3;
    CountBlocks(*sys, t);
  }
  for (const json::value& m : messages->get_array()) {
    if (!m.is_object()) return BadRequest("messages: each message must be an object");
    framing += 3;  // role framing, as in the OpenAI chat format
    t.Text(Str(m.get_object(), "role"));
    if (const json::value* c = m.get_object().if_contains("content")) CountBlocks(*c, t);
    if (t.exceeded()) break;
  }
  framing += 3;  // reply priming
  if (const json::value* tools = request.if_contains("tools"); tools && tools->is_array() && !t.exceeded()) {
    if (mt.exact) {
      // Anthropic tool {name, description, input_schema} maps onto OpenAI's function formula.
      json::array as_openai;
      for (const json::value& tool : tools->get_array()) {
        if (!tool.is_object()) continue;
        json::object f;
        f["name"] = Str(tool.get_object(), "name");
        f["description"] = Str(tool.get_object(), "description");
        if (const json::value* s = tool.get_object().if_contains("input_schema")) f["parameters"] = *s;
        as_openai.emplace_back(std::move(f));
      }
      t.text += CountOpenAiTools(as_openai, **enc, mt.legacy_tools);
    } else {
      // Anthropic injects a tool-use system prompt; without its tokenizer, count the definitions as JSON.
      for (const json::value& tool : tools->get_array()) t.Text(json::serialize(tool));
    }
  }
  TokenCount out;
  out.exact = mt.exact;
  out.family = mt.family;
  out.limit_exceeded = t.exceeded();
  const uint64_t text = t.text + framing;
  out.tokens = (mt.exact ? text : static_cast<uint64_t>(std::ceil(static_cast<double>(text) * mt.factor))) + t.images;
  return out;
}

}  // namespace sluice::tokenizer
