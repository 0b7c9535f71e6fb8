// Encoding: one tiktoken-compatible BPE vocabulary (o200k_base or cl100k_base) with its split pattern
// and special tokens, loaded from the JSON file the `tiktoken` npm package ships (encoders/<name>.json).
// Thread rule: loaded once at start-up; all methods are const and safe to call from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/rank_table.h"

namespace sluice::tokenizer {

enum class EncodingId { kO200kBase, kCl100kBase };

std::string_view EncodingName(EncodingId id);              // "o200k_base", "cl100k_base"
bool ParseEncodingName(std::string_view name, EncodingId* id);

class Encoding {
 public:
  // Parses the npm package's JSON ({"pat_str","special_tokens","bpe_ranks"}). Rejects a file whose
  // pat_str differs from the pattern the built-in pre-tokenizer emulates.
  static core::Result<std::unique_ptr<Encoding>> FromJson(EncodingId id, std::string_view json);
  static core::Result<std::unique_ptr<Encoding>> FromFile(EncodingId id, const std::string& path);

  EncodingId id() const { return id_; }
  std::string_view name() const { return EncodingName(id_); }
  SplitPattern pattern() const { return pattern_; }
  const RankTable& ranks() const { return ranks_; }

  // Special-token strings are encoded as ordinary text: what the OpenAI API does with user content.
  void EncodeOrdinary(std::string_view text, std::vector<uint32_t>& out) const;
  std::vector<uint32_t> EncodeOrdinary(std::string_view text) const;

  // Every special token string in the text becomes its special id (tiktoken allowed_special="all").
  std::vector<uint32_t> EncodeWithSpecial(std::string_view text) const;

  // Token count of EncodeOrdinary(text) without building the ids. Stops as soon as the count exceeds
  // `limit`, then returns a value > limit (not the full count): enough to reject an oversized request.
  uint64_t Count(std::string_view text, uint64_t limit = UINT64_MAX) const;

  // Bytes of the tokens (special ids included); unknown ids are skipped. Not necessarily valid UTF-8.
  std::string Decode(const std::vector<uint32_t>& ids) const;

  const std::vector<std::pair<std::string, uint32_t>>& special_tokens() const { return specials_; }
  uint32_t vocab_size() const;  // one past the highest id, specials included

 private:
  explicit Encoding(EncodingId id);

  EncodingId id_;
  SplitPattern pattern_;
  RankTable ranks_;
  std::vector<std::pair<std::string, uint32_t>> specials_;
};

}  // namespace sluice::tokenizer
