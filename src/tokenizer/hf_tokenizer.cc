// Hugging Face tokenizer.json loading, encode and count. Thread rule: see hf_tokenizer.h.
#include "tokenizer/hf_tokenizer.h"

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::tokenizer {
namespace {

namespace json = boost::json;

core::Error LoadError(const std::string& name, std::string message) {
  core::Error e;
  e.code = core::ErrorCode::kInternal;
  e.message = "tokenizer file " + name + ": " + std::move(message);
  return e;
}

bool IsNullOrEmptyString(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return !v || v->is_null() || (v->is_string() && v->get_string().empty());
}

// JavaScript's String.prototype.trim set, for added tokens with lstrip/rstrip (transformers.js trims so).
size_t JsSpaceAt(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return 1;
  static constexpr std::string_view kMulti[] = {"\xC2\xA0", "\xE1\x9A\x80", "\xE2\x80\xA8", "\xE2\x80\xA9",
                                                "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF"};
  for (std::string_view m : kMulti) {
    if (s.substr(i, m.size()) == m) return m.size();
  }
  if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) >= 0x80 && static_cast<unsigned char>(s[i + 2]) <= 0x8A) {
    return 3;  // U+2000..U+200A
  }
  return 0;
}

std::string_view TrimStartJs(std::string_view s) {
  while (!s.empty()) {
    const size_t n = JsSpaceAt(s, 0);
    if (!n) break;
    s.remove_prefix(n);
  }
  return s;
}

std::string_view TrimEndJs(std::string_view s) {
  for (;;) {
    size_t cut = 0;  // the longest white-space character ending the string
    for (size_t len = 1; len <= 3 && len <= s.size(); ++len) {
      if (JsSpaceAt(s, s.size() - len) == len) cut = len;
    }
    if (!cut) return s;
    s.remove_suffix(cut);
  }
}

}  // namespace

std::string_view ChatFramingName(ChatFraming f) {
  switch (f) {
    case ChatFraming::kLlama3: return "llama3";
    case ChatFraming::kChatMl: return "chatml";
    case ChatFraming::kDeepSeekV3: return "deepseek_v3";
    case ChatFraming::kNone: break;
  }
  return "none";
}

bool ParseChatFraming(std::string_view name, ChatFraming* out) {
  for (ChatFraming f : {ChatFraming::kNone, ChatFraming::kLlama3, ChatFraming::kChatMl, ChatFraming::kDeepSeekV3}) {
    if (ChatFramingName(f) == name) return *out = f, true;
  }
  return false;
}

core::Result<std::unique_ptr<HfTokenizer>> HfTokenizer::FromJson(std::string_view text, std::string name) {
  json::monotonic_resource arena;  // the DOM is scratch: one arena, freed at once
  boost::system::error_code ec;
  json::value root = json::parse(text, ec, &arena);
  if (ec || !root.is_object()) return LoadError(name, "not a JSON object");
  const json::object& top = root.get_object();
  const json::value* model = top.if_contains("model");
  if (!model || !model->is_object()) return LoadError(name, "no \"model\" object");
  const json::object& m = model->get_object();
  const json::value* type = m.if_contains("type");
  if (!type || !type->is_string() || type->get_string() != "BPE") {
    return LoadError(name, "model type " + (type ? json::serialize(*type) : std::string("(missing)")) +
                               " is not supported (only byte-level \"BPE\")");
  }
  if (const json::value* bf = m.if_contains("byte_fallback"); bf && bf->is_bool() && bf->get_bool()) {
    return LoadError(name, "model.byte_fallback: true is not supported (SentencePiece-style BPE, not byte-level)");
  }
  if (const json::value* d = m.if_contains("dropout"); d && !d->is_null()) {
    return LoadError(name, "model.dropout is not supported (counts must be deterministic)");
  }
  if (!IsNullOrEmptyString(m, "continuing_subword_prefix") || !IsNullOrEmptyString(m, "end_of_word_suffix")) {
    return LoadError(name, "model.continuing_subword_prefix / end_of_word_suffix are not supported");
  }
  std::unique_ptr<HfTokenizer> tok(new HfTokenizer());
  tok->name_ = std::move(name);
  const std::string& nm = tok->name_;
  std::string why;
  if (!tok->pre_.Configure(top.if_contains("normalizer"), top.if_contains("pre_tokenizer"), why)) {
    return LoadError(nm, why);
  }
  const json::value* vocab = m.if_contains("vocab");
  if (!vocab || !vocab->is_object()) return LoadError(nm, "model.vocab is not an object");
  std::string bytes;
  for (const auto& [key, id] : vocab->get_object()) {
    if (!id.is_int64() || id.get_int64() < 0) return LoadError(nm, "model.vocab id of a token is not a non-negative integer");
    // Entries outside the byte-level alphabet (e.g. special tokens kept in the vocab) cannot come out of
    // byte-level text; they are reachable only as added tokens.
    if (!ByteLevelToBytes(key, bytes)) continue;
    if (!tok->bpe_.AddToken(bytes, static_cast<uint32_t>(id.get_int64()), why)) return LoadError(nm, "model.vocab: " + why);
  }
  if (!tok->bpe_.Seal(why)) return LoadError(nm, "model.vocab: " + why);
  const json::value* merges = m.if_contains("merges");
  if (!merges || !merges->is_array()) return LoadError(nm, "model.merges is not an array");
  std::string left, right;
  uint32_t rank = 0;
  for (const json::value& merge : merges->get_array()) {
    std::string_view a, b;
    if (merge.is_string()) {  // "a b" (tokenizers < 0.20)
      const std::string_view s = merge.get_string();
      const size_t sp = s.find(' ');
      if (sp == std::string_view::npos || s.find(' ', sp + 1) != std::string_view::npos) {
        return LoadError(nm, "model.merges[" + std::to_string(rank) + "] is not \"left right\"");
      }
      a = s.substr(0, sp);
      b = s.substr(sp + 1);
    } else if (merge.is_array() && merge.get_array().size() == 2 && merge.get_array()[0].is_string() &&
               merge.get_array()[1].is_string()) {  // ["a", "b"] (tokenizers >= 0.20)
      a = merge.get_array()[0].get_string();
      b = merge.get_array()[1].get_string();
    } else {
      return LoadError(nm, "model.merges[" + std::to_string(rank) + "] is neither \"a b\" nor [\"a\", \"b\"]");
    }
    if (!ByteLevelToBytes(a, left) || !ByteLevelToBytes(b, right)) {
      return LoadError(nm, "model.merges[" + std::to_string(rank) + "] is not byte-level text");
    }
    if (!tok->bpe_.AddMerge(left, right, rank, why)) return LoadError(nm, "model.merges: " + why);
    ++rank;
  }
  const json::value* ignore = m.if_contains("ignore_merges");
  tok->bpe_.Finish(ignore && ignore->is_bool() && ignore->get_bool());

  if (const json::value* added = top.if_contains("added_tokens"); added && added->is_array()) {
    for (const json::value& a : added->get_array()) {
      if (!a.is_object()) return LoadError(nm, "added_tokens: an entry is not an object");
      const json::object& o = a.get_object();
      const json::value* content = o.if_contains("content");
      const json::value* id = o.if_contains("id");
      if (!content || !content->is_string() || content->get_string().empty() || !id || !id->is_int64() ||
          id->get_int64() < 0) {
        return LoadError(nm, "added_tokens: an entry lacks content or id");
      }
      auto flag = [&](std::string_view k) {
        const json::value* v = o.if_contains(k);
        return v && v->is_bool() && v->get_bool();
      };
      tok->added_.push_back({std::string(content->get_string()), static_cast<uint32_t>(id->get_int64()), flag("lstrip"),
                             flag("rstrip")});
    }
  }
  tok->added_by_byte_.assign(256, {});
  for (uint32_t i = 0; i < tok->added_.size(); ++i) {
    tok->added_by_byte_[static_cast<unsigned char>(tok->added_[i].content[0])].push_back(i);
  }
  for (auto& list : tok->added_by_byte_) {
    std::stable_sort(list.begin(), list.end(), [&](uint32_t x, uint32_t y) {
      return tok->added_[x].content.size() > tok->added_[y].content.size();
    });
  }
  return tok;
}

core::Result<std::unique_ptr<HfTokenizer>> HfTokenizer::FromFile(const std::string& path) {
  // "<folder>/tokenizer.json": the file name alone is the same for every model.
  const std::filesystem::path p(path);
  const std::string name = p.has_parent_path() && p.parent_path().has_filename()
                               ? (p.parent_path().filename() / p.filename()).string()
                               : p.filename().string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return LoadError(path, "cannot be read");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in.good() && !in.eof()) return LoadError(path, "read error");
  auto loaded = FromJson(buf.str(), name);
  if (!loaded.ok()) {  // name the file by its full path: that is what the operator configured
    core::Error e = loaded.error();
    e.message.replace(0, ("tokenizer file " + name).size(), "tokenizer file " + path);
    return e;
  }
  return loaded;
}

void HfTokenizer::EncodeSection(std::string_view text, std::vector<uint32_t>& out) const {
  thread_local std::string scratch;
  const std::string_view prepared = pre_.Prepare(text, scratch);
  pre_.ForEachPiece(prepared, [&](std::string_view piece) {
    bpe_.Encode(piece, out);
    return true;
  });
}

void HfTokenizer::Encode(std::string_view text, std::vector<uint32_t>& out) const { EncodeSection(text, out); }

std::vector<uint32_t> HfTokenizer::Encode(std::string_view text) const {
  std::vector<uint32_t> out;
  out.reserve(text.size() / 3 + 1);
  EncodeSection(text, out);
  return out;
}

uint64_t HfTokenizer::Count(std::string_view text, uint64_t limit) const {
  thread_local std::string scratch;
  const std::string_view prepared = pre_.Prepare(text, scratch);
  uint64_t count = 0;
  pre_.ForEachPiece(prepared, [&](std::string_view piece) {
    count += bpe_.Count(piece);
    return count <= limit;
  });
  return count;
}

std::vector<uint32_t> HfTokenizer::EncodeWithAdded(std::string_view text) const {
  // transformers.js _encode_text: split out added tokens (longest match at the leftmost position), apply
  // their lstrip/rstrip to the neighbouring text, encode the text sections.
  struct Section {
    std::string_view text;
    const Added* added;
  };
  std::vector<Section> sections;
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    const Added* hit = nullptr;
    for (uint32_t k : added_by_byte_[static_cast<unsigned char>(text[i])]) {
      if (text.substr(i, added_[k].content.size()) == added_[k].content) {
        hit = &added_[k];
        break;
      }
    }
    if (!hit) {
      ++i;
      continue;
    }
    if (i > start) sections.push_back({text.substr(start, i - start), nullptr});
    sections.push_back({hit->content, hit});
    i += hit->content.size();
    start = i;
  }
  if (start < text.size()) sections.push_back({text.substr(start), nullptr});
  for (size_t i = 0; i < sections.size(); ++i) {
    if (!sections[i].added) continue;
    if (sections[i].added->lstrip && i > 0 && !sections[i - 1].added) sections[i - 1].text = TrimEndJs(sections[i - 1].text);
    if (sections[i].added->rstrip && i + 1 < sections.size() && !sections[i + 1].added) {
      sections[i + 1].text = TrimStartJs(sections[i + 1].text);
    }
  }
  std::vector<uint32_t> out;
  for (const Section& s : sections) {
    if (s.added) out.push_back(s.added->id);
    else EncodeSection(s.text, out);
  }
  return out;
}

std::string HfTokenizer::Decode(const std::vector<uint32_t>& ids) const {
  std::string out;
  for (uint32_t id : ids) {
    std::string_view bytes = bpe_.TokenBytes(id);
    if (bytes.empty()) {
      for (const Added& a : added_) {
        if (a.id == id) bytes = a.content;
      }
    }
    out.append(bytes);
  }
  return out;
}

std::string_view HfTokenizer::TrimSpace(std::string_view s) { return TrimEndJs(TrimStartJs(s)); }

std::optional<uint32_t> HfTokenizer::AddedTokenId(std::string_view content) const {
  if (content.empty()) return std::nullopt;
  for (uint32_t k : added_by_byte_[static_cast<unsigned char>(content[0])]) {
    if (added_[k].content == content) return added_[k].id;
  }
  return std::nullopt;
}

ChatFraming HfTokenizer::DetectedFraming() const {
  auto has_all = [&](std::initializer_list<std::string_view> tokens) {
    for (std::string_view t : tokens) {
      if (!AddedTokenId(t)) return false;
    }
    return true;
  };
  const bool llama3 = has_all({"<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"});
  const bool chatml = has_all({"<|im_start|>", "<|im_end|>"});
  const bool deepseek = has_all({"<｜begin▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>", "<｜end▁of▁sentence｜>"});
  if (llama3 + chatml + deepseek != 1) return ChatFraming::kNone;  // none, or ambiguous: configure it
  return llama3 ? ChatFraming::kLlama3 : chatml ? ChatFraming::kChatMl : ChatFraming::kDeepSeekV3;
}

}  // namespace sluice::tokenizer
