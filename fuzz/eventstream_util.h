// Helpers for fuzzing the AWS event-stream framing: random mutations almost never keep a frame's two
// CRCs right, so without help the decoder would only ever see "bad CRC". FixCrcs rewrites the CRCs of
// every frame the input's length fields describe, letting mutated headers and payloads through.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "stream/aws_eventstream.h"

namespace sluice::fuzz {

inline uint32_t ReadBe32(const std::string& s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
         (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
}

inline void WriteBe32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char(uint8_t(v >> (24 - 8 * i)));
}

inline std::string FixCrcs(std::string bytes) {
  size_t pos = 0;
  while (bytes.size() - pos >= stream::kEventStreamOverhead) {
    const size_t total = ReadBe32(bytes, pos);
    if (total < stream::kEventStreamOverhead || total > bytes.size() - pos) break;
    WriteBe32(bytes, pos + 8, stream::Crc32(std::string_view(bytes).substr(pos, 8)));
    WriteBe32(bytes, pos + total - 4, stream::Crc32(std::string_view(bytes).substr(pos, total - 4)));
    pos += total;
  }
  return bytes;
}

}  // namespace sluice::fuzz
