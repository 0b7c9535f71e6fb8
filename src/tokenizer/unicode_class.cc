// Two-stage lookup table for ClassOf, built from the generated Unicode ranges on first use.
// Thread rule: built once under the function-local static guard; read-only afterwards.
#include "tokenizer/unicode_class.h"

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace sluice::tokenizer {
namespace {

struct Range {
  char32_t first;
  char32_t last;
  uint8_t cls;
};

constexpr Range kRanges[] = {
#include "tokenizer/unicode_ranges.inc"
};

constexpr char32_t kMaxCp = 0x10FFFF;
constexpr size_t kBlockBits = 7;  // 128 code points per block
constexpr size_t kBlockSize = size_t{1} << kBlockBits;
constexpr size_t kBlockCount = (kMaxCp + 1) >> kBlockBits;

// stage1 maps a block number to a deduplicated 128-byte block in stage2: ~17 KB + a few hundred blocks.
struct Table {
  std::array<uint16_t, kBlockCount> stage1{};
  std::vector<uint8_t> stage2;

  Table() {
    std::vector<uint8_t> flat(kMaxCp + 1, 0);
    for (const Range& r : kRanges) {
      for (char32_t cp = r.first; cp <= r.last; ++cp) flat[cp] |= r.cls;
    }
    std::unordered_map<std::string, size_t> index;  // block content -> block number in stage2
    for (size_t b = 0; b < kBlockCount; ++b) {
      const uint8_t* block = flat.data() + (b << kBlockBits);
      std::string key(reinterpret_cast<const char*>(block), kBlockSize);
      auto [it, inserted] = index.emplace(std::move(key), stage2.size() / kBlockSize);
      if (inserted) stage2.insert(stage2.end(), block, block + kBlockSize);
      const size_t found = it->second;
      stage1[b] = static_cast<uint16_t>(found);
    }
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

// ASCII is hot: a constexpr table avoids the two-stage lookup and the static guard.
constexpr std::array<uint8_t, 128> MakeAscii() {
  std::array<uint8_t, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if ((c >= 9 && c <= 13) || c == ' ') t[c] = kSpace;
    else if (c >= '0' && c <= '9') t[c] = kNumber;
    else if (c >= 'A' && c <= 'Z') t[c] = kUpper;
    else if (c >= 'a' && c <= 'z') t[c] = kLower;
  }
  return t;
}
constexpr std::array<uint8_t, 128> kAscii = MakeAscii();

}  // namespace

uint8_t ClassOf(char32_t cp) {
  if (cp < 128) return kAscii[cp];
  if (cp > kMaxCp) return 0;
  const Table& t = GetTable();
  return t.stage2[(size_t{t.stage1[cp >> kBlockBits]} << kBlockBits) | (cp & (kBlockSize - 1))];
}

DecodedChar DecodeAt(const unsigned char* p, const unsigned char* end) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) return {b0, 1, kAscii[b0]};
  const size_t avail = static_cast<size_t>(end - p);
  auto cont = [&](size_t i) { return i < avail && (p[i] & 0xC0) == 0x80; };
  char32_t cp;
  uint8_t len;
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    cp = (char32_t(b0 & 0x1F) << 6) | (p[1] & 0x3F);
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return {0xFFFD, 1, 0};  // overlong or surrogate
    len = 3;
  } else if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    cp = (char32_t(b0 & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) | (char32_t(p[2] & 0x3F) << 6) |
         (p[3] & 0x3F);
    if (cp < 0x10000 || cp > kMaxCp) return {0xFFFD, 1, 0};
    len = 4;
  } else {
    return {0xFFFD, 1, 0};
  }
  return {cp, len, ClassOf(cp)};
}

}  // namespace sluice::tokenizer
