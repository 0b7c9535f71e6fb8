// Chat request counting. Thread rule: pure functions (see chat_count.h).
#include "tokenizer/chat_count.h"

#include <boost/json/serialize.hpp>
#include <cmath>

#include "tokenizer/hf_chat_count.h"
#include "tokenizer/image_tokens.h"
#include "tokenizer/registry.h"

namespace sluice::tokenizer {
namespace {

namespace json = boost::json;

core::Error BadRequest(std::string message, std::string param = {}) {
  core::Error e;
  e.code = core::ErrorCode::kInvalidRequest;
  e.message = std::move(message);
  e.param = std::move(param);
  return e;
}

// Accumulates tokens against a limit so that a huge request stops costing CPU once it is known too big.
class Counter {
 public:
  Counter(const Encoding& enc, uint64_t limit) : enc_(enc), limit_(limit) {}
  void Text(std::string_view s) {
    if (exceeded()) return;
    total_ += enc_.Count(s, limit_ - total_);
  }
  void Add(uint64_t n) { total_ += n; }
  bool exceeded() const { return total_ > limit_; }
  uint64_t total() const { return total_; }
  const Encoding& enc() const { return enc_; }

 private:
  const Encoding& enc_;
  uint64_t limit_;
  uint64_t total_ = 0;
};

std::string_view StringOr(const json::object& o, std::string_view key, std::string_view fallback = {}) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : fallback;
}

std::string_view TrimPeriod(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

uint64_t EncodeLen(const Encoding& enc, std::string_view s) { return enc.Count(s); }

void CountOpenAiContentParts(const json::array& parts, Counter& c, const ModelTokenizer& mt) {
  for (const json::value& part : parts) {
    if (!part.is_object()) continue;
    const json::object& p = part.get_object();
    const std::string_view type = StringOr(p, "type");
    if (type == "text" || type == "input_text") {
      c.Text(StringOr(p, "text"));
    } else if (type == "image_url") {
      c.Add(OpenAiImagePartTokens(p, mt.mini_images));
    } else if (type == "refusal") {
      c.Text(StringOr(p, "refusal"));
    }
    // input_audio and file parts are billed by the provider's own rules; not counted here.
  }
}

}  // namespace

uint64_t CountOpenAiTools(const json::array& tools, const Encoding& enc, bool legacy) {
  // OpenAI cookbook constants: per function 7 (o200k models) or 10 (cl100k), +3 when it has properties,
  // +3 per property, -3 per enum list, +3 per enum item, +12 once at the end.
  const int64_t func_init = legacy ? 10 : 7, prop_init = 3, prop_key = 3, enum_init = -3, enum_item = 3,
                func_end = 12;
  int64_t total = 0;
  for (const json::value& tool : tools) {
    if (!tool.is_object()) continue;
    const json::object* f = &tool.get_object();
    if (const json::value* fn = f->if_contains("function"); fn && fn->is_object()) f = &fn->get_object();
    total += func_init;
    std::string line(StringOr(*f, "name"));
    line += ':';
    line += TrimPeriod(StringOr(*f, "description"));
    total += static_cast<int64_t>(EncodeLen(enc, line));
    const json::value* params = f->if_contains("parameters");
    const json::value* props = params && params->is_object() ? params->get_object().if_contains("properties") : nullptr;
    if (props && props->is_object() && !props->get_object().empty()) {
      total += prop_init;
      for (const auto& [key, prop] : props->get_object()) {
        total += prop_key;
        std::string_view type, desc;
        if (prop.is_object()) {
          type = StringOr(prop.get_object(), "type");
          desc = StringOr(prop.get_object(), "description");
          if (const json::value* en = prop.get_object().if_contains("enum"); en && en->is_array()) {
            total += enum_init;
            for (const json::value& item : en->get_array()) {
              total += enum_item;
              total += static_cast<int64_t>(EncodeLen(enc, item.is_string() ? std::string(item.get_string())
                                                                             : json::serialize(item)));
            }
          }
        }
        std::string pline(key);
        pline += ':';
        pline += type;
        pline += ':';
        pline += TrimPeriod(desc);
        total += static_cast<int64_t>(EncodeLen(enc, pline));
      }
    }
  }
  if (!tools.empty()) total += func_end;
  return total < 0 ? 0 : static_cast<uint64_t>(total);
}

core::Result<TokenCount> CountOpenAiChat(const json::object& request, const ModelTable& models, uint64_t limit) {
  const std::string_view model = StringOr(request, "model");
  if (model.empty()) return BadRequest("you must provide a model parameter", "model");
  const json::value* messages = request.if_contains("messages");
  if (!messages || !messages->is_array()) return BadRequest("'messages' must be an array", "messages");
  const ModelTokenizer mt = models.Lookup(model);
  if (mt.hf) return CountOpenAiChatHf(request, mt, limit);  // the model's own tokenizer file
  auto enc = GetEncoding(mt.encoding);
  if (!enc.ok()) return enc.error();
  // An estimate scales the count, so the raw limit is scaled back before counting.
  const uint64_t raw_limit =
      limit == kNoLimit || mt.exact ? limit : static_cast<uint64_t>(static_cast<double>(limit) / mt.factor);
  Counter c(**enc, raw_limit);
  for (const json::value& mv : messages->get_array()) {
    if (!mv.is_object()) return BadRequest("each message must be an object", "messages");
    c.Add(3);  // <|start|>{role/name}\n{content}<|end|>\n
    for (const auto& [key, value] : mv.get_object()) {
      if (value.is_string()) {
        c.Text(value.get_string());
        if (key == "name") c.Add(1);
      } else if (key == "content" && value.is_array()) {
        CountOpenAiContentParts(value.get_array(), c, mt);
      } else if (key == "tool_calls" && value.is_array()) {
        for (const json::value& call : value.get_array()) {
          if (!call.is_object()) continue;
          const json::value* fn = call.get_object().if_contains("function");
          if (!fn || !fn->is_object()) continue;
          c.Add(3);  // per-call framing (not in the cookbook; see docs/tokenizer.md)
          c.Text(StringOr(fn->get_object(), "name"));
          c.Text(StringOr(fn->get_object(), "arguments"));
        }
      }
      if (c.exceeded()) break;
    }
    if (c.exceeded()) break;
  }
  c.Add(3);  // every reply is primed with <|start|>assistant<|message|>
  for (const char* key : {"tools", "functions"}) {
    if (const json::value* t = request.if_contains(key); t && t->is_array() && !c.exceeded()) {
      c.Add(CountOpenAiTools(t->get_array(), **enc, mt.legacy_tools));
    }
  }
  TokenCount out;
  out.exact = mt.exact;
  out.family = mt.family;
  out.limit_exceeded = c.exceeded();
  out.tokens = mt.exact ? c.total() : static_cast<uint64_t>(std::ceil(static_cast<double>(c.total()) * mt.factor));
  return out;
}

}  // namespace sluice::tokenizer
