// RankTable construction. Thread rule: single-threaded at load time.
#include "tokenizer/rank_table.h"

namespace sluice::tokenizer {

bool RankTable::Insert(std::string_view bytes, uint32_t rank) {
  if (bytes.empty() || rank == kNoRank) return false;
  if (rank < by_rank_.size() && by_rank_[rank].len != 0) return false;
  if (rank >= by_rank_.size()) by_rank_.resize(size_t{rank} + 1);
  by_rank_[rank] = Span{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(bytes.size())};
  arena_.append(bytes);
  ++count_;
  return true;
}

void RankTable::Place(const Slot& slot, uint64_t hash) {
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    if (slots_[i].rank == kNoRank) {
      slots_[i] = slot;
      return;
    }
  }
}

void RankTable::Finish() {
  // Load factor <= 0.5 keeps linear probes short; 2^19 slots (8 MB) for o200k_base.
  size_t cap = 16;
  while (cap < count_ * 2) cap <<= 1;
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  for (uint32_t rank = 0; rank < by_rank_.size(); ++rank) {
    const Span& sp = by_rank_[rank];
    if (sp.len == 0) continue;
    const uint64_t h = Hash(arena_.data() + sp.offset, sp.len);
    Place(Slot{static_cast<uint32_t>(h >> 32), rank, sp.offset, sp.len}, h);
  }
}

}  // namespace sluice::tokenizer
