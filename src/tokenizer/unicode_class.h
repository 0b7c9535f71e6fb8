// Unicode classes of the tiktoken split patterns (Lu/Lt, Ll, Lm/Lo, M, N, White_Space) and a UTF-8 decoder.
// Data: Unicode 16.0, the version inside the tiktoken npm package (see tools/gen_unicode_ranges.cjs).
// Thread rule: the lookup table is built once (function-local static) and read-only afterwards.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::tokenizer {

// Class bits; a code point may carry several only in theory (the generator ORs them), never in practice.
inline constexpr uint8_t kUpper = 1;        // \p{Lu} \p{Lt}
inline constexpr uint8_t kLower = 2;        // \p{Ll}
inline constexpr uint8_t kOtherLetter = 4;  // \p{Lm} \p{Lo}
inline constexpr uint8_t kMark = 8;         // \p{M}
inline constexpr uint8_t kNumber = 16;      // \p{N}
inline constexpr uint8_t kSpace = 32;       // \s (White_Space), as Rust's regex crate defines it
inline constexpr uint8_t kLetter = kUpper | kLower | kOtherLetter;  // \p{L}

// Class bits of a code point (0 for punctuation, symbols, unassigned, surrogates, out of range).
uint8_t ClassOf(char32_t cp);

struct DecodedChar {
  char32_t cp;   // U+FFFD stands in for an invalid byte
  uint8_t len;   // bytes consumed, >= 1
  uint8_t cls;   // ClassOf(cp); an invalid byte has class 0 (like a symbol)
};

// Decodes one character at p (< end). Invalid or truncated sequences consume exactly one byte, so any
// byte string splits into pieces without loss: the tokenizer never rejects input.
DecodedChar DecodeAt(const unsigned char* p, const unsigned char* end);

}  // namespace sluice::tokenizer
