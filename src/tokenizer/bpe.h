// Byte-pair merging of one pre-tokenized piece, with tiktoken's exact merge order: repeatedly merge the
// adjacent pair whose concatenation has the lowest rank, the leftmost one on ties.
// Thread rule: pure functions over an immutable RankTable; the scratch buffers are thread_local and
// reused, so steady-state encoding allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/rank_table.h"

namespace sluice::tokenizer {

// Appends the ranks of the piece's tokens to `out`. Every single byte must have a rank (true of the
// tiktoken vocabularies; checked at load).
void BytePairEncode(const RankTable& ranks, std::string_view piece, std::vector<uint32_t>& out);

// Number of tokens the piece encodes to, without materialising them.
size_t BytePairCount(const RankTable& ranks, std::string_view piece);

// The two merge strategies, exposed so tests can check that they agree: a linear scan per merge
// (fastest for the short pieces of ordinary text) and a heap (O(n log n) for long pieces, e.g. a
// megabyte of one letter, where the scan would be quadratic).
void MergeByScan(const RankTable& ranks, std::string_view piece, std::vector<uint32_t>& out);
void MergeByHeap(const RankTable& ranks, std::string_view piece, std::vector<uint32_t>& out);

}  // namespace sluice::tokenizer
