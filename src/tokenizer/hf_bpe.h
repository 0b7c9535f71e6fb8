// HfBpe: the model half of a Hugging Face byte-level BPE tokenizer (tokenizer.json "model": {"type":"BPE"}).
// Vocabulary entries are GPT-2 byte-level strings (every byte mapped to a printable code point); they are
// stored as the raw bytes they stand for, so pieces of UTF-8 text are looked up without re-mapping.
// Merge semantics are Hugging Face's, not tiktoken's: a merge is ranked by its *pair* (left id, right id),
// and the piece's symbols are merged by repeatedly taking the adjacent pair with the lowest rank, the
// leftmost one on ties (tokenizers' Word::merge_all, transformers.js BPE.bpe).
// Thread rule: built once at load time; every const method is safe from any thread (scratch buffers are
// thread_local and reused, so steady-state encoding allocates nothing).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/rank_table.h"

namespace sluice::tokenizer {

// GPT-2's bytes_to_unicode: byte b is written as code point ByteToCodePoint(b) in byte-level vocabularies.
uint32_t ByteToCodePoint(uint8_t b);
// Decodes a byte-level string (UTF-8 of the mapped code points) into raw bytes; false when a code point is
// not one of the 256 byte stand-ins (such a vocabulary entry can never be produced from text).
bool ByteLevelToBytes(std::string_view byte_level, std::string& out);

class HfBpe {
 public:
  // Build steps, in order: AddToken for the vocabulary, Seal(), then AddMerge in rank order, then Finish().
  // Errors are returned as text for the loader to wrap.
  bool AddToken(std::string_view bytes, uint32_t id, std::string& why);
  bool Seal(std::string& why);  // indexes the vocabulary; every single byte must be a token
  bool AddMerge(std::string_view left, std::string_view right, uint32_t rank, std::string& why);
  void Finish(bool ignore_merges);

  uint32_t FindToken(std::string_view bytes) const { return tokens_.Find(bytes); }
  std::string_view TokenBytes(uint32_t id) const { return tokens_.Bytes(id); }
  size_t token_count() const { return tokens_.size(); }
  size_t merge_count() const { return merge_count_; }

  // Appends the ids of one pre-tokenized piece (raw bytes).
  void Encode(std::string_view piece, std::vector<uint32_t>& out) const;
  // Number of ids Encode would append.
  size_t Count(std::string_view piece) const;

  // The two merge loops, exposed so tests can check they agree: a scan per merge (fast for the short pieces
  // of ordinary text) and a heap (O(n log n) for long pieces, e.g. 100 KB of one letter).
  void MergeByScan(std::string_view piece, std::vector<uint32_t>& out) const;
  void MergeByHeap(std::string_view piece, std::vector<uint32_t>& out) const;

 private:
  struct PairSlot {
    uint64_t key = kEmpty;  // left << 32 | right
    uint32_t rank = 0;
    uint32_t merged = 0;
  };
  static constexpr uint64_t kEmpty = UINT64_MAX;

  // Rank and result of merging (left, right); rank kNoRank when the pair is not a merge.
  const PairSlot* FindPair(uint32_t left, uint32_t right) const {
    const uint64_t key = (uint64_t{left} << 32) | right;
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    for (size_t i = (h >> 20) & pair_mask_;; i = (i + 1) & pair_mask_) {
      const PairSlot& s = pairs_[i];
      if (s.key == key) return &s;
      if (s.key == kEmpty) return nullptr;
    }
  }
  void InsertPair(uint64_t key, uint32_t rank, uint32_t merged);
  // True when the whole piece is one token and BPE would produce exactly it.
  bool WholeToken(std::string_view piece, uint32_t* id) const;

  RankTable tokens_;                 // raw bytes -> id (RankTable's rank is the token id here)
  uint32_t byte_ids_[256] = {};      // id of each single byte
  std::vector<PairSlot> pairs_;
  size_t pair_mask_ = 0;
  size_t merge_count_ = 0;
  bool ignore_merges_ = false;
  // Per id: BPE of the token's own bytes yields the token itself, so a piece equal to it is one token.
  std::vector<uint8_t> whole_ok_;
};

}  // namespace sluice::tokenizer
