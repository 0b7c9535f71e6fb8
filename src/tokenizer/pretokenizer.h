// Hand-written pre-tokenizer: splits text exactly as tiktoken's regex split patterns do, without a regex
// engine. Each alternative of the pattern is emulated with its backtracking order (leftmost-first
// alternation, greedy quantifiers), which tests/unit/tokenizer/pretokenizer_test.cc checks against PCRE2.
//   o200k_base:  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//              |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//              |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   cl100k_base: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*
//              |\s*[\r\n]+|\s+(?!\S)|\s+
// Thread rule: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace sluice::tokenizer {

enum class SplitPattern { kO200k, kCl100k };

// The tiktoken pattern string each SplitPattern emulates (as shipped in the npm package's JSON files).
std::string_view PatternString(SplitPattern pattern);

// End (exclusive byte offset) of the piece that starts at `pos` (< text.size()). Always > pos.
size_t NextPieceEnd(SplitPattern pattern, std::string_view text, size_t pos);

// Calls fn(std::string_view piece) for each piece in order; stops early when fn returns false.
template <typename Fn>
void ForEachPiece(SplitPattern pattern, std::string_view text, Fn&& fn) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = NextPieceEnd(pattern, text, pos);
    if (!fn(text.substr(pos, end - pos))) return;
    pos = end;
  }
}

}  // namespace sluice::tokenizer
