// RankTable: byte string -> BPE rank, open addressing over string views into one arena. Lookups
// allocate nothing and touch one or two cache lines; this is the inner loop of byte-pair merging.
// Thread rule: built once at load time (Insert, then Finish); read-only and shareable afterwards.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::tokenizer {

inline constexpr uint32_t kNoRank = UINT32_MAX;

class RankTable {
 public:
  // Adds a token; returns false for empty bytes or a rank already present. Call Finish() after.
  bool Insert(std::string_view bytes, uint32_t rank);
  void Finish();

  // Rank of the byte string, or kNoRank.
  uint32_t Find(std::string_view bytes) const {
    const uint64_t h = Hash(bytes.data(), bytes.size());
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.rank == kNoRank) return kNoRank;
      if (s.tag == tag && s.len == bytes.size() &&
          std::memcmp(arena_.data() + s.offset, bytes.data(), bytes.size()) == 0) {
        return s.rank;
      }
    }
  }

  // Bytes of the token with this rank; empty if there is none.
  std::string_view Bytes(uint32_t rank) const {
    if (rank >= by_rank_.size() || by_rank_[rank].len == 0) return {};
    return std::string_view(arena_.data() + by_rank_[rank].offset, by_rank_[rank].len);
  }

  size_t size() const { return count_; }
  uint32_t max_rank() const { return by_rank_.empty() ? 0 : static_cast<uint32_t>(by_rank_.size() - 1); }

  static uint64_t Hash(const char* data, size_t n) {
    const auto* p = reinterpret_cast<const unsigned char*>(data);
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xC2B2AE3D27D4EB4Full);
    while (n >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
      p += 8;
      n -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; ++i) w |= uint64_t{p[i]} << (8 * i);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    h *= 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 32);
  }

 private:
  struct Slot {
    uint32_t tag = 0;
    uint32_t rank = kNoRank;
    uint32_t offset = 0;
    uint32_t len = 0;
  };
  struct Span {
    uint32_t offset = 0;
    uint32_t len = 0;
  };
  void Place(const Slot& slot, uint64_t hash);

  std::string arena_;
  std::vector<Span> by_rank_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace sluice::tokenizer
