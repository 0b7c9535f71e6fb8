// Pre-tokenizer state machines; see pretokenizer.h for the patterns they emulate and why.
// Thread rule: pure functions.
#include "tokenizer/pretokenizer.h"

#include "tokenizer/unicode_class.h"

namespace sluice::tokenizer {
namespace {

constexpr std::string_view kO200kPattern =
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|"
    "'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr std::string_view kCl100kPattern =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

constexpr uint8_t kUpperSet = kUpper | kOtherLetter | kMark;  // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
constexpr uint8_t kLowerSet = kLower | kOtherLetter | kMark;  // [\p{Ll}\p{Lm}\p{Lo}\p{M}]

// A view of the text with a character decoder; positions are byte offsets.
class Cursor {
 public:
  explicit Cursor(std::string_view text)
      : p_(reinterpret_cast<const unsigned char*>(text.data())), n_(text.size()) {}
  size_t size() const { return n_; }
  DecodedChar At(size_t pos) const { return DecodeAt(p_ + pos, p_ + n_); }
  unsigned char Byte(size_t pos) const { return p_[pos]; }

  // End of the run of characters whose class intersects `set`, starting at pos.
  size_t RunEnd(size_t pos, uint8_t set) const {
    while (pos < n_) {
      const DecodedChar c = At(pos);
      if (!(c.cls & set)) break;
      pos += c.len;
    }
    return pos;
  }

 private:
  const unsigned char* p_;
  size_t n_;
};

// [^\r\n\p{L}\p{N}]
bool IsOptionalPrefix(const DecodedChar& c) {
  return c.cp != '\r' && c.cp != '\n' && !(c.cls & (kLetter | kNumber));
}
// [^\s\p{L}\p{N}]
bool IsPunct(const DecodedChar& c) { return !(c.cls & (kSpace | kLetter | kNumber)); }

// Length of (?i:'s|'t|'re|'ve|'m|'ll|'d) at pos, or 0. Case folding as Rust's regex: s also matches
// U+017F LATIN SMALL LETTER LONG S; no other fold reaches these letters.
size_t ContractionLen(const Cursor& cur, size_t pos) {
  if (pos >= cur.size() || cur.Byte(pos) != '\'' || pos + 1 >= cur.size()) return 0;
  const DecodedChar c1 = cur.At(pos + 1);
  const char32_t l1 = (c1.cp >= 'A' && c1.cp <= 'Z') ? c1.cp + 32 : c1.cp;
  if (l1 == 's' || l1 == 0x17F || l1 == 't' || l1 == 'm' || l1 == 'd') return 1 + c1.len;
  if (l1 != 'r' && l1 != 'v' && l1 != 'l') return 0;
  if (pos + 2 >= cur.size()) return 0;
  const unsigned char b2 = cur.Byte(pos + 2) | 0x20;  // ASCII lower-casing; non-letters never match below
  const unsigned char want = l1 == 'l' ? 'l' : 'e';
  return b2 == want ? 3 : 0;
}

// Rest of the match after the optional prefix for o200k alternative 1: U* Lw+ C?  (0 if no match).
size_t MatchUpperLower(const Cursor& cur, size_t q) {
  // U* is greedy; on failure it gives back characters until Lw+ can start. The first success is at the
  // last character of the U run that is also in Lw (Lm, Lo, M), or at the Ll character right after it.
  size_t pos = q;
  size_t last_lower_end = 0;  // end of the last U-run character that is in Lw; 0 = none
  while (pos < cur.size()) {
    const DecodedChar c = cur.At(pos);
    if (!(c.cls & kUpperSet)) break;
    pos += c.len;
    if (c.cls & kLowerSet) last_lower_end = pos;
  }
  size_t end;
  if (pos < cur.size() && (cur.At(pos).cls & kLowerSet)) {
    end = cur.RunEnd(pos, kLowerSet);
  } else if (last_lower_end != 0) {
    end = last_lower_end;
  } else {
    return 0;
  }
  return end + ContractionLen(cur, end);
}

// o200k alternative 2 after the prefix: U+ Lw* C?  (0 if no match).
size_t MatchUpperRun(const Cursor& cur, size_t q) {
  const size_t k = cur.RunEnd(q, kUpperSet);
  if (k == q) return 0;
  const size_t end = cur.RunEnd(k, kLowerSet);
  return end + ContractionLen(cur, end);
}

// Alternatives shared by both patterns, from \p{N}{1,3} on. `trailing_slash`: o200k's [\r\n/]*.
size_t MatchTail(const Cursor& cur, size_t pos, const DecodedChar& c0, bool trailing_slash) {
  if (c0.cls & kNumber) {  // \p{N}{1,3}
    size_t end = pos + c0.len;
    for (int i = 1; i < 3 && end < cur.size(); ++i) {
      const DecodedChar c = cur.At(end);
      if (!(c.cls & kNumber)) break;
      end += c.len;
    }
    return end;
  }
  // ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
  bool punct = true;
  size_t run_start = pos;
  if (c0.cp == ' ' && pos + 1 < cur.size() && IsPunct(cur.At(pos + 1))) run_start = pos + 1;
  else punct = IsPunct(c0);
  if (punct) {
    size_t end = run_start;
    while (end < cur.size()) {
      const DecodedChar c = cur.At(end);
      if (!IsPunct(c)) break;
      end += c.len;
    }
    while (end < cur.size()) {
      const unsigned char b = cur.Byte(end);
      if (b != '\r' && b != '\n' && !(trailing_slash && b == '/')) break;
      ++end;
    }
    return end;
  }
  // Here c0 is whitespace (every other character matched an earlier alternative).
  size_t end = pos;
  size_t last_newline_end = 0;
  size_t last_char_start = pos;
  while (end < cur.size()) {
    const DecodedChar c = cur.At(end);
    if (!(c.cls & kSpace)) break;
    last_char_start = end;
    end += c.len;
    if (c.cp == '\r' || c.cp == '\n') last_newline_end = end;
  }
  if (end == pos) return pos + c0.len;        // unreachable for valid classes; never loop forever
  if (last_newline_end != 0) return last_newline_end;  // \s*[\r\n]+
  if (end == cur.size()) return end;                   // \s+(?!\S) at the end of the text
  if (last_char_start > pos) return last_char_start;   // \s+(?!\S): leave one space for the next word
  return end;                                          // \s+
}

size_t NextO200k(const Cursor& cur, size_t pos) {
  const DecodedChar c0 = cur.At(pos);
  const bool prefix = IsOptionalPrefix(c0);
  if (prefix) {
    if (size_t e = MatchUpperLower(cur, pos + c0.len)) return e;
  }
  if (size_t e = MatchUpperLower(cur, pos)) return e;
  if (prefix) {
    if (size_t e = MatchUpperRun(cur, pos + c0.len)) return e;
  }
  if (size_t e = MatchUpperRun(cur, pos)) return e;
  return MatchTail(cur, pos, c0, /*trailing_slash=*/true);
}

size_t NextCl100k(const Cursor& cur, size_t pos) {
  if (size_t n = ContractionLen(cur, pos)) return pos + n;
  const DecodedChar c0 = cur.At(pos);
  if (c0.cls & kLetter) return cur.RunEnd(pos, kLetter);
  if (IsOptionalPrefix(c0) && pos + c0.len < cur.size() && (cur.At(pos + c0.len).cls & kLetter)) {
    return cur.RunEnd(pos + c0.len, kLetter);
  }
  return MatchTail(cur, pos, c0, /*trailing_slash=*/false);
}

}  // namespace

std::string_view PatternString(SplitPattern pattern) {
  return pattern == SplitPattern::kO200k ? kO200kPattern : kCl100kPattern;
}

size_t NextPieceEnd(SplitPattern pattern, std::string_view text, size_t pos) {
  const Cursor cur(text);
  return pattern == SplitPattern::kO200k ? NextO200k(cur, pos) : NextCl100k(cur, pos);
}

}  // namespace sluice::tokenizer
