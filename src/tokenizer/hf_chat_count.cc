// Chat counting with a tokenizer file and a chat framing. Thread rule: pure functions (see hf_chat_count.h).
#include "tokenizer/hf_chat_count.h"

#include <boost/json/serialize.hpp>
#include <deque>
#include <vector>

#include "tokenizer/image_tokens.h"

namespace sluice::tokenizer {
namespace {

namespace json = boost::json;

constexpr std::string_view kLlama3Tokens[] = {"<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>",
                                              "<|eot_id|>"};
constexpr std::string_view kChatMlTokens[] = {"<|im_start|>", "<|im_end|>"};
constexpr std::string_view kDeepSeekTokens[] = {"<｜begin▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>",
                                                "<｜end▁of▁sentence｜>"};

core::Error BadRequest(std::string message, std::string param = {}) {
  core::Error e;
  e.code = core::ErrorCode::kInvalidRequest;
  e.message = std::move(message);
  e.param = std::move(param);
  return e;
}

std::string_view Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// One message of the conversation as the template sees it.
struct Turn {
  std::string_view role;
  std::string_view text;
};

// The conversation plus what falls outside the template's text layout.
struct Conversation {
  std::vector<Turn> turns;
  std::deque<std::string> owned;        // joined texts the turns point into (stable addresses)
  std::vector<std::string> extra_text;  // tool definitions and calls, counted as plain text
  uint64_t extra_tokens = 0;            // images
  std::string_view Own(std::string s) { return owned.emplace_back(std::move(s)); }
};

// Counts against a limit, so that an oversized request stops costing CPU once it is known too big.
class Tally {
 public:
  Tally(const HfTokenizer& tok, uint64_t limit) : tok_(tok), limit_(limit) {}
  void Text(std::string_view s) {
    if (!exceeded()) total_ += tok_.Count(s, limit_ - total_);
  }
  // Text formed by a fixed prefix and the message text, encoded as one section (the template concatenates
  // them before tokenizing, so they may merge across the seam).
  void Joined(std::string_view a, std::string_view b, std::string_view c = {}) {
    if (exceeded()) return;
    thread_local std::string scratch;
    scratch.assign(a);
    scratch.append(b);
    scratch.append(c);
    Text(scratch);
  }
  void Special() { ++total_; }
  void Add(uint64_t n) { total_ += n; }
  bool exceeded() const { return total_ > limit_; }
  uint64_t total() const { return total_; }

 private:
  const HfTokenizer& tok_;
  uint64_t limit_;
  uint64_t total_ = 0;
};

void CountFramed(const Conversation& c, ChatFraming framing, Tally& t) {
  switch (framing) {
    case ChatFraming::kLlama3:
      t.Special();  // <|begin_of_text|>
      for (const Turn& turn : c.turns) {
        t.Special();  // <|start_header_id|>
        t.Text(turn.role);
        t.Special();  // <|end_header_id|>
        t.Joined("\n\n", HfTokenizer::TrimSpace(turn.text));
        t.Special();  // <|eot_id|>
      }
      t.Special();
      t.Text("assistant");
      t.Special();
      t.Text("\n\n");
      break;
    case ChatFraming::kChatMl:
      for (const Turn& turn : c.turns) {
        t.Special();  // <|im_start|>
        t.Joined(turn.role, "\n", turn.text);
        t.Special();  // <|im_end|>
        t.Text("\n");
      }
      t.Special();
      t.Text("assistant\n");
      break;
    case ChatFraming::kDeepSeekV3: {
      // Every system message, joined by a blank line, goes right after the BOS token.
      std::string system;
      bool first = true;
      for (const Turn& turn : c.turns) {
        if (turn.role != "system") continue;
        if (!first) system += "\n\n";
        system += turn.text;
        first = false;
      }
      t.Special();  // <｜begin▁of▁sentence｜>
      t.Text(system);
      for (const Turn& turn : c.turns) {
        if (turn.role == "system") continue;
        t.Special();  // <｜User｜>, <｜Assistant｜> or the tool-output marker
        t.Text(turn.text);
        if (turn.role == "assistant") t.Special();  // <｜end▁of▁sentence｜>
      }
      t.Special();  // <｜Assistant｜>
      break;
    }
    case ChatFraming::kNone:
      for (const Turn& turn : c.turns) t.Text(turn.text);
      break;
  }
  for (const std::string& s : c.extra_text) t.Text(s);
  t.Add(c.extra_tokens);
}

TokenCount Finish(const ModelTokenizer& mt, const Tally& t) {
  TokenCount out;
  out.exact = true;
  out.family = mt.family;
  out.tokens = t.total();
  out.limit_exceeded = t.exceeded();
  return out;
}

// OpenAI content: a string, or parts whose texts are joined with "\n" (how vLLM flattens parts for
// templates that expect a string).
std::string_view OpenAiContent(const json::value* content, Conversation& c) {
  if (!content) return {};
  if (content->is_string()) return content->get_string();
  if (!content->is_array()) return {};
  std::string joined;
  bool first = true;
  for (const json::value& part : content->get_array()) {
    if (!part.is_object()) continue;
    const json::object& p = part.get_object();
    const std::string_view type = Str(p, "type");
    if (type == "text" || type == "input_text" || type == "refusal") {
      if (!first) joined += '\n';
      joined += Str(p, type == "refusal" ? "refusal" : "text");
      first = false;
    } else if (type == "image_url") {
      c.extra_tokens += OpenAiImagePartTokens(p, false);
    }
  }
  return c.Own(std::move(joined));
}

void AnthropicBlocks(const json::value& content, Conversation& c, std::string& text) {
  auto append = [&](std::string_view s) {
    if (!text.empty()) text += '\n';
    text += s;
  };
  if (content.is_string()) {
    append(content.get_string());
    return;
  }
  if (!content.is_array()) return;
  for (const json::value& b : content.get_array()) {
    if (!b.is_object()) continue;
    const json::object& o = b.get_object();
    const std::string_view type = Str(o, "type");
    if (type == "text") {
      append(Str(o, "text"));
    } else if (type == "thinking") {
      append(Str(o, "thinking"));
    } else if (type == "tool_use" || type == "server_tool_use") {
      std::string call(Str(o, "name"));
      if (const json::value* in = o.if_contains("input")) call += json::serialize(*in);
      c.extra_text.push_back(std::move(call));
    } else if (type == "tool_result") {
      if (const json::value* r = o.if_contains("content")) AnthropicBlocks(*r, c, text);
    } else if (type == "document") {
      const json::value* src = o.if_contains("source");
      if (src && src->is_object() && Str(src->get_object(), "type") == "text") append(Str(src->get_object(), "data"));
    } else if (type == "image") {
      const json::value* src = o.if_contains("source");
      std::optional<ImageSize> size;
      if (src && src->is_object() && Str(src->get_object(), "type") == "base64") {
        size = SniffDataUriImageSize("data:x;base64," + std::string(Str(src->get_object(), "data").substr(0, 90000)));
      }
      c.extra_tokens += AnthropicImageTokens(size);
    }
  }
}

}  // namespace

bool FramingSupported(const HfTokenizer& tok, ChatFraming framing, std::string* missing) {
  const std::string_view* begin = nullptr;
  size_t n = 0;
  switch (framing) {
    case ChatFraming::kLlama3: begin = kLlama3Tokens, n = std::size(kLlama3Tokens); break;
    case ChatFraming::kChatMl: begin = kChatMlTokens, n = std::size(kChatMlTokens); break;
    case ChatFraming::kDeepSeekV3: begin = kDeepSeekTokens, n = std::size(kDeepSeekTokens); break;
    case ChatFraming::kNone: break;
  }
  for (size_t i = 0; i < n; ++i) {
    if (!tok.AddedTokenId(begin[i])) {
      if (missing) *missing = std::string(begin[i]);
      return false;
    }
  }
  return true;
}

core::Result<TokenCount> CountOpenAiChatHf(const json::object& request, const ModelTokenizer& mt, uint64_t limit) {
  const json::value* messages = request.if_contains("messages");
  if (!messages || !messages->is_array()) return BadRequest("'messages' must be an array", "messages");
  Conversation c;
  for (const json::value& mv : messages->get_array()) {
    if (!mv.is_object()) return BadRequest("each message must be an object", "messages");
    const json::object& m = mv.get_object();
    std::string_view text = OpenAiContent(m.if_contains("content"), c);
    if (const json::value* calls = m.if_contains("tool_calls"); calls && calls->is_array()) {
      for (const json::value& call : calls->get_array()) {
        const json::value* fn = call.is_object() ? call.get_object().if_contains("function") : nullptr;
        if (!fn || !fn->is_object()) continue;
        c.extra_text.push_back(std::string(Str(fn->get_object(), "name")) + std::string(Str(fn->get_object(), "arguments")));
      }
    }
    std::string_view role = Str(m, "role");
    if (role == "developer") role = "system";  // OpenAI's newer name; open-model templates know "system"
    c.turns.push_back({role, text});
  }
  for (const char* key : {"tools", "functions"}) {
    if (const json::value* tools = request.if_contains(key); tools && tools->is_array()) {
      for (const json::value& tool : tools->get_array()) c.extra_text.push_back(json::serialize(tool));
    }
  }
  Tally t(*mt.hf, limit);
  CountFramed(c, mt.framing, t);
  return Finish(mt, t);
}

core::Result<TokenCount> CountAnthropicMessagesHf(const json::object& request, const ModelTokenizer& mt,
                                                  uint64_t limit) {
  const json::value* messages = request.if_contains("messages");
  if (!messages || !messages->is_array()) return BadRequest("messages: Field required");
  Conversation c;
  if (const json::value* sys = request.if_contains("system")) {
    std::string text;
    AnthropicBlocks(*sys, c, text);
    c.turns.push_back({"system", c.Own(std::move(text))});
  }
  for (const json::value& mv : messages->get_array()) {
    if (!mv.is_object()) return BadRequest("messages: each message must be an object");
    std::string text;
    if (const json::value* content = mv.get_object().if_contains("content")) AnthropicBlocks(*content, c, text);
    c.turns.push_back({Str(mv.get_object(), "role"), c.Own(std::move(text))});
  }
  if (const json::value* tools = request.if_contains("tools"); tools && tools->is_array()) {
    for (const json::value& tool : tools->get_array()) c.extra_text.push_back(json::serialize(tool));
  }
  Tally t(*mt.hf, limit);
  CountFramed(c, mt.framing, t);
  return Finish(mt, t);
}

}  // namespace sluice::tokenizer
