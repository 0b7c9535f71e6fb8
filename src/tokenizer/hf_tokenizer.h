// HfTokenizer: exact token counts for open models from their Hugging Face `tokenizer.json`, when it is a
// byte-level BPE (Llama 3, Qwen 2/2.5/3, DeepSeek V3/R1, Command R+, GPT-2-style files). Anything else
// (Unigram/WordPiece models, byte_fallback, other normalizers or pre-tokenizers) is refused at load with a
// message naming the unsupported part. Semantics follow transformers.js / tokenizers: normalize, pre-tokenize,
// byte-level BPE with pair-ranked merges and `ignore_merges`.
// Added tokens (`<|eot_id|>`, `<|im_start|>`...) inside user text are counted as text, as the OpenAI path
// does; EncodeWithAdded maps them to their ids (what tokenizer.encode does) for chat framing and tests.
// Thread rule: loaded once (see hf_registry.h), immutable afterwards; const methods are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "tokenizer/chat_framing.h"
#include "tokenizer/hf_bpe.h"
#include "tokenizer/hf_pretokenizer.h"

namespace sluice::tokenizer {

class HfTokenizer {
 public:
  // `name` labels the tokenizer in families and messages (the file name). Errors: kInternal with a message.
  static core::Result<std::unique_ptr<HfTokenizer>> FromJson(std::string_view json, std::string name);
  static core::Result<std::unique_ptr<HfTokenizer>> FromFile(const std::string& path);

  const std::string& name() const { return name_; }

  // Ids of the text, added-token strings encoded as ordinary text.
  void Encode(std::string_view text, std::vector<uint32_t>& out) const;
  std::vector<uint32_t> Encode(std::string_view text) const;
  // Ids with added tokens split out first (longest match, leftmost), as tokenizer.encode() does.
  std::vector<uint32_t> EncodeWithAdded(std::string_view text) const;
  // Count of Encode(text) without building it; stops once the count exceeds `limit` (then returns > limit).
  uint64_t Count(std::string_view text, uint64_t limit = UINT64_MAX) const;

  // Bytes of the ids (added tokens as their text); unknown ids are skipped.
  std::string Decode(const std::vector<uint32_t>& ids) const;

  // The id of an added token by its exact content.
  std::optional<uint32_t> AddedTokenId(std::string_view content) const;
  // The framing whose tokens the file defines, when exactly one matches; kNone otherwise.
  ChatFraming DetectedFraming() const;

  // s without leading and trailing white space as JavaScript's trim() defines it (Jinja's `trim` filter in
  // transformers.js, which the llama3 template applies to each message).
  static std::string_view TrimSpace(std::string_view s);

  size_t vocab_size() const { return bpe_.token_count() + added_.size(); }
  size_t merge_count() const { return bpe_.merge_count(); }
  const HfPretokenizer& pretokenizer() const { return pre_; }
  const HfBpe& model() const { return bpe_; }

 private:
  struct Added {
    std::string content;
    uint32_t id;
    bool lstrip, rstrip;
  };
  HfTokenizer() = default;
  void EncodeSection(std::string_view text, std::vector<uint32_t>& out) const;

  std::string name_;
  HfPretokenizer pre_;
  HfBpe bpe_;
  std::vector<Added> added_;  // sorted by content, longest-first scanning uses added_by_byte_
  std::vector<std::vector<uint32_t>> added_by_byte_;  // first byte -> indexes into added_, longest first
};

}  // namespace sluice::tokenizer
