// Byte-pair merge implementations. Thread rule: see bpe.h (thread_local scratch).
#include "tokenizer/bpe.h"

#include <algorithm>
#include <functional>

namespace sluice::tokenizer {
namespace {

// Pieces longer than this use the heap; below it the scan's tight loop wins.
constexpr size_t kHeapThreshold = 256;

struct Part {
  uint32_t start;      // byte offset of the part in the piece
  uint32_t pair_rank;  // rank of this part concatenated with the next one, kNoRank if none
};

uint32_t RankOf(const RankTable& ranks, std::string_view piece, size_t begin, size_t end) {
  return ranks.Find(piece.substr(begin, end - begin));
}

}  // namespace

void MergeByScan(const RankTable& ranks, std::string_view piece, std::vector<uint32_t>& out) {
  thread_local std::vector<Part> parts;
  const size_t n = piece.size();
  parts.clear();
  parts.reserve(n + 1);
  for (size_t i = 0; i + 1 < n; ++i) {
    parts.push_back({static_cast<uint32_t>(i), RankOf(ranks, piece, i, i + 2)});
  }
  parts.push_back({static_cast<uint32_t>(n - 1), kNoRank});
  parts.push_back({static_cast<uint32_t>(n), kNoRank});  // sentinel: end of the last part
  // parts.size() - 1 real parts; parts[i].pair_rank covers parts i and i+1.
  auto pair_rank_at = [&](size_t i) -> uint32_t {
    return i + 3 < parts.size() ? RankOf(ranks, piece, parts[i].start, parts[i + 3].start) : kNoRank;
  };
  for (;;) {
    uint32_t best = kNoRank;
    size_t best_i = 0;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      if (parts[i].pair_rank < best) {
        best = parts[i].pair_rank;
        best_i = i;
      }
    }
    if (best == kNoRank) break;
    if (best_i > 0) parts[best_i - 1].pair_rank = pair_rank_at(best_i - 1);
    parts[best_i].pair_rank = pair_rank_at(best_i);
    parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(best_i) + 1);
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    out.push_back(RankOf(ranks, piece, parts[i].start, parts[i + 1].start));
  }
}

void MergeByHeap(const RankTable& ranks, std::string_view piece, std::vector<uint32_t>& out) {
  // A doubly linked list of parts plus a min-heap of candidate merges keyed by (rank, start): the same
  // order as the scan (lowest rank, leftmost). Stale heap entries are skipped by a per-node version.
  struct Node {
    uint32_t start, end;
    uint32_t prev, next;  // kNoRank = none
    uint32_t version;
    bool alive;
  };
  struct Cand {
    uint32_t rank, start, node, version;
    bool operator>(const Cand& o) const { return rank != o.rank ? rank > o.rank : start > o.start; }
  };
  thread_local std::vector<Node> nodes;
  thread_local std::vector<Cand> heap;  // a binary heap via std::push_heap / std::pop_heap
  const uint32_t n = static_cast<uint32_t>(piece.size());
  nodes.clear();
  for (uint32_t i = 0; i < n; ++i) nodes.push_back({i, i + 1, i == 0 ? kNoRank : i - 1, i + 1 < n ? i + 1 : kNoRank, 0, true});
  heap.clear();
  const std::greater<Cand> later;
  auto push_pair = [&](uint32_t i) {
    const uint32_t j = nodes[i].next;
    if (j == kNoRank) return;
    const uint32_t r = RankOf(ranks, piece, nodes[i].start, nodes[j].end);
    if (r == kNoRank) return;
    heap.push_back({r, nodes[i].start, i, nodes[i].version});
    std::push_heap(heap.begin(), heap.end(), later);
  };
  for (uint32_t i = 0; i + 1 < n; ++i) push_pair(i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const Cand c = heap.back();
    heap.pop_back();
    Node& a = nodes[c.node];
    if (!a.alive || a.version != c.version || a.next == kNoRank) continue;
    Node& b = nodes[a.next];
    // The candidate is current only if the right neighbour has not grown since it was pushed.
    if (RankOf(ranks, piece, a.start, b.end) != c.rank) continue;
    a.end = b.end;
    a.next = b.next;
    b.alive = false;
    if (b.next != kNoRank) nodes[b.next].prev = c.node;
    ++a.version;
    push_pair(c.node);
    if (a.prev != kNoRank) {
      ++nodes[a.prev].version;
      push_pair(a.prev);
    }
  }
  for (uint32_t i = 0; i != kNoRank; i = nodes[i].next) {
    out.push_back(RankOf(ranks, piece, nodes[i].start, nodes[i].end));
  }
}

void BytePairEncode(const RankTable& ranks, std::string_view piece, std::vector<uint32_t>& out) {
  if (piece.empty()) return;
  if (const uint32_t whole = ranks.Find(piece); whole != kNoRank) {
    out.push_back(whole);  // fast path: most pieces of ordinary text are one token
    return;
  }
  if (piece.size() < kHeapThreshold) MergeByScan(ranks, piece, out);
  else MergeByHeap(ranks, piece, out);
}

size_t BytePairCount(const RankTable& ranks, std::string_view piece) {
  if (piece.empty()) return 0;
  if (ranks.Find(piece) != kNoRank) return 1;
  thread_local std::vector<uint32_t> scratch;
  scratch.clear();
  if (piece.size() < kHeapThreshold) MergeByScan(ranks, piece, scratch);
  else MergeByHeap(ranks, piece, scratch);
  return scratch.size();
}

}  // namespace sluice::tokenizer
