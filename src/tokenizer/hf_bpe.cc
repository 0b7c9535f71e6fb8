// Hugging Face byte-level BPE: vocabulary, pair-ranked merges, merge loops. Thread rule: see hf_bpe.h.
#include "tokenizer/hf_bpe.h"

#include <algorithm>
#include <array>
#include <functional>

namespace sluice::tokenizer {
namespace {

// Pieces with more bytes than this merge with the heap; below it the scan's tight loop wins.
constexpr size_t kHeapThreshold = 128;

struct ByteTables {
  std::array<uint32_t, 256> to_cp{};
  std::array<int16_t, 324> from_cp{};  // code points 0..323 cover every stand-in
};

const ByteTables& Tables() {
  static const ByteTables t = [] {
    ByteTables x;
    x.from_cp.fill(-1);
    uint32_t n = 0;
    for (uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      x.to_cp[b] = printable ? b : 256 + n++;
      x.from_cp[x.to_cp[b]] = static_cast<int16_t>(b);
    }
    return x;
  }();
  return t;
}

}  // namespace

uint32_t ByteToCodePoint(uint8_t b) { return Tables().to_cp[b]; }

bool ByteLevelToBytes(std::string_view s, std::string& out) {
  const ByteTables& t = Tables();
  out.clear();
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      i += 2;
    } else {
      return false;  // three-byte and longer sequences are above U+07FF: never a byte stand-in
    }
    if (cp >= t.from_cp.size() || t.from_cp[cp] < 0) return false;
    out.push_back(static_cast<char>(t.from_cp[cp]));
  }
  return !out.empty();
}

bool HfBpe::AddToken(std::string_view bytes, uint32_t id, std::string& why) {
  if (id >= (1u << 24)) return why = "token id " + std::to_string(id) + " is too large", false;
  if (!tokens_.Insert(bytes, id)) return why = "duplicate token id " + std::to_string(id), false;
  return true;
}

bool HfBpe::Seal(std::string& why) {
  tokens_.Finish();
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const uint32_t id = tokens_.Find(std::string_view(&c, 1));
    if (id == kNoRank) return why = "byte " + std::to_string(b) + " has no token (not a byte-level vocabulary)", false;
    byte_ids_[b] = id;
  }
  size_t cap = 1024;
  while (cap < 2 * (tokens_.size() + 1)) cap <<= 1;  // merges <= tokens in practice; grown below if not
  pairs_.assign(cap, PairSlot{});
  pair_mask_ = cap - 1;
  return true;
}

void HfBpe::InsertPair(uint64_t key, uint32_t rank, uint32_t merged) {
  if (2 * (merge_count_ + 1) > pairs_.size()) {  // keep the load factor <= 0.5
    std::vector<PairSlot> old = std::move(pairs_);
    pairs_.assign(old.size() * 2, PairSlot{});
    pair_mask_ = pairs_.size() - 1;
    merge_count_ = 0;
    for (const PairSlot& s : old) {
      if (s.key != kEmpty) InsertPair(s.key, s.rank, s.merged);
    }
  }
  const uint64_t h = key * 0x9E3779B97F4A7C15ull;
  for (size_t i = (h >> 20) & pair_mask_;; i = (i + 1) & pair_mask_) {
    PairSlot& s = pairs_[i];
    if (s.key == key) {  // a repeated merge: the later line wins, as in tokenizers and transformers.js
      s.rank = rank;
      s.merged = merged;
      return;
    }
    if (s.key == kEmpty) {
      s = PairSlot{key, rank, merged};
      ++merge_count_;
      return;
    }
  }
}

bool HfBpe::AddMerge(std::string_view left, std::string_view right, uint32_t rank, std::string& why) {
  const uint32_t a = tokens_.Find(left), b = tokens_.Find(right);
  if (a == kNoRank || b == kNoRank) return why = "merge " + std::to_string(rank) + " uses a token not in the vocabulary", false;
  std::string joined(left);
  joined.append(right);
  const uint32_t m = tokens_.Find(joined);
  if (m == kNoRank) return why = "merge " + std::to_string(rank) + " produces a token not in the vocabulary", false;
  InsertPair((uint64_t{a} << 32) | b, rank, m);
  return true;
}

void HfBpe::Finish(bool ignore_merges) {
  ignore_merges_ = ignore_merges;
  // A piece that is a whole vocabulary entry is one token only if the merges rebuild that entry (always
  // true with ignore_merges). Decided once per entry here, so the count path's fast case is one lookup.
  whole_ok_.assign(size_t{tokens_.max_rank()} + 1, 0);
  std::vector<uint32_t> ids;
  for (uint32_t id = 0; id <= tokens_.max_rank(); ++id) {
    const std::string_view bytes = tokens_.Bytes(id);
    if (bytes.empty()) continue;
    if (ignore_merges || bytes.size() == 1) {
      whole_ok_[id] = 1;
      continue;
    }
    ids.clear();
    if (bytes.size() < kHeapThreshold) MergeByScan(bytes, ids);
    else MergeByHeap(bytes, ids);
    whole_ok_[id] = ids.size() == 1 && ids[0] == id;
  }
}

bool HfBpe::WholeToken(std::string_view piece, uint32_t* id) const {
  const uint32_t found = tokens_.Find(piece);
  if (found == kNoRank || !whole_ok_[found]) return false;
  *id = found;
  return true;
}

void HfBpe::MergeByScan(std::string_view piece, std::vector<uint32_t>& out) const {
  struct Sym {
    uint32_t id;
    uint32_t pair_rank;  // rank of merging with the next symbol, kNoRank if none
    uint32_t merged;
  };
  thread_local std::vector<Sym> syms;
  syms.clear();
  for (unsigned char c : piece) syms.push_back({byte_ids_[c], kNoRank, 0});
  auto rate = [&](size_t i) {
    if (i + 1 >= syms.size()) {
      syms[i].pair_rank = kNoRank;
      return;
    }
    const PairSlot* p = FindPair(syms[i].id, syms[i + 1].id);
    syms[i].pair_rank = p ? p->rank : kNoRank;
    syms[i].merged = p ? p->merged : 0;
  };
  for (size_t i = 0; i < syms.size(); ++i) rate(i);
  while (syms.size() > 1) {
    uint32_t best = kNoRank;
    size_t at = 0;
    for (size_t i = 0; i + 1 < syms.size(); ++i) {
      if (syms[i].pair_rank < best) {  // strict: the leftmost wins ties
        best = syms[i].pair_rank;
        at = i;
      }
    }
    if (best == kNoRank) break;
    syms[at].id = syms[at].merged;
    syms.erase(syms.begin() + static_cast<std::ptrdiff_t>(at) + 1);
    rate(at);
    if (at > 0) rate(at - 1);
  }
  for (const Sym& s : syms) out.push_back(s.id);
}

void HfBpe::MergeByHeap(std::string_view piece, std::vector<uint32_t>& out) const {
  // A linked list of symbols and a min-heap of candidate merges keyed by (rank, position). A popped
  // candidate is applied only if its pair is still adjacent with the same rank (ranks are unique per pair),
  // so stale entries are skipped; the minimum valid candidate is the one the scan would pick.
  struct Node {
    uint32_t id, prev, next;
    bool alive;
  };
  struct Cand {
    uint32_t rank, pos;
    bool operator>(const Cand& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  constexpr uint32_t kNone = UINT32_MAX;
  thread_local std::vector<Node> nodes;
  thread_local std::vector<Cand> heap;
  const uint32_t n = static_cast<uint32_t>(piece.size());
  nodes.clear();
  heap.clear();
  for (uint32_t i = 0; i < n; ++i) {
    nodes.push_back({byte_ids_[static_cast<unsigned char>(piece[i])], i == 0 ? kNone : i - 1, i + 1 < n ? i + 1 : kNone, true});
  }
  const std::greater<Cand> later;
  auto push = [&](uint32_t i) {
    if (nodes[i].next == kNone) return;
    if (const PairSlot* p = FindPair(nodes[i].id, nodes[nodes[i].next].id)) {
      heap.push_back({p->rank, i});
      std::push_heap(heap.begin(), heap.end(), later);
    }
  };
  for (uint32_t i = 0; i + 1 < n; ++i) push(i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const Cand c = heap.back();
    heap.pop_back();
    Node& a = nodes[c.pos];
    if (!a.alive || a.next == kNone) continue;
    const PairSlot* p = FindPair(a.id, nodes[a.next].id);
    if (!p || p->rank != c.rank) continue;
    Node& b = nodes[a.next];
    a.id = p->merged;
    a.next = b.next;
    b.alive = false;
    if (b.next != kNone) nodes[b.next].prev = c.pos;
    push(c.pos);
    if (a.prev != kNone) push(a.prev);
  }
  for (uint32_t i = 0; i != kNone && n > 0; i = nodes[i].next) out.push_back(nodes[i].id);
}

void HfBpe::Encode(std::string_view piece, std::vector<uint32_t>& out) const {
  if (piece.empty()) return;
  if (uint32_t id; WholeToken(piece, &id)) {
    out.push_back(id);
    return;
  }
  if (piece.size() < kHeapThreshold) MergeByScan(piece, out);
  else MergeByHeap(piece, out);
}

size_t HfBpe::Count(std::string_view piece) const {
  if (piece.empty()) return 0;
  if (uint32_t id; WholeToken(piece, &id)) return 1;
  thread_local std::vector<uint32_t> scratch;
  scratch.clear();
  if (piece.size() < kHeapThreshold) MergeByScan(piece, scratch);
  else MergeByHeap(piece, scratch);
  return scratch.size();
}

}  // namespace sluice::tokenizer
