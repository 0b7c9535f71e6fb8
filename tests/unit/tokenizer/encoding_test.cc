// Encoding: known ids, count/encode agreement, early stop, specials, decode round trips, BPE strategies.
#include "tokenizer/encoding.h"

#include <gtest/gtest.h>

#include <random>

#include "test_support.h"
#include "tokenizer/bpe.h"

namespace sluice::tokenizer {
namespace {

using testing::Enc;
using Ids = std::vector<uint32_t>;

TEST(EncodingTest, KnownIds) {
  // Reference ids from the tiktoken npm package.
  EXPECT_EQ(Enc(EncodingId::kO200kBase).EncodeOrdinary("hello world"), (Ids{24912, 2375}));
  EXPECT_EQ(Enc(EncodingId::kCl100kBase).EncodeOrdinary("hello world"), (Ids{15339, 1917}));
  EXPECT_EQ(Enc(EncodingId::kO200kBase).EncodeOrdinary(""), Ids{});
}

TEST(EncodingTest, SpecialTokensAreTextUnlessAllowed) {
  const Encoding& e = Enc(EncodingId::kCl100kBase);
  EXPECT_GT(e.EncodeOrdinary("<|endoftext|>").size(), 1u);
  EXPECT_EQ(e.EncodeWithSpecial("<|endoftext|>"), (Ids{100257}));
  EXPECT_EQ(e.EncodeWithSpecial("a<|endoftext|>b"), (Ids{64, 100257, 65}));
  EXPECT_EQ(Enc(EncodingId::kO200kBase).EncodeWithSpecial("<|endoftext|>"), (Ids{199999}));
  EXPECT_EQ(e.vocab_size(), 100277u);
}

TEST(EncodingTest, CountMatchesEncodeAndStopsEarly) {
  const Encoding& e = Enc(EncodingId::kO200kBase);
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "The quick brown fox jumps over the lazy dog. ";
  const uint64_t full = e.EncodeOrdinary(text).size();
  EXPECT_EQ(e.Count(text), full);
  const uint64_t stopped = e.Count(text, 100);
  EXPECT_GT(stopped, 100u);
  EXPECT_LT(stopped, 120u);  // it stopped right after crossing the limit, not at the end
  EXPECT_EQ(e.Count(text, full), full);
}

TEST(EncodingTest, DecodeRoundTripsArbitraryBytes) {
  std::mt19937 rng(99);
  for (EncodingId id : {EncodingId::kO200kBase, EncodingId::kCl100kBase}) {
    const Encoding& e = Enc(id);
    for (int i = 0; i < 500; ++i) {
      std::string s(rng() % 300, '\0');
      for (char& c : s) c = static_cast<char>(rng() % 4 ? 'a' + rng() % 26 : rng());
      ASSERT_EQ(e.Decode(e.EncodeOrdinary(s)), s);
    }
  }
}

TEST(BpeTest, ScanAndHeapAgree) {
  std::mt19937 rng(5);
  const RankTable& ranks = Enc(EncodingId::kO200kBase).ranks();
  const std::string alphabet = "aaabbbcdeeeffghiijkllmnoopqrsssttuvwxyz  ";
  for (int i = 0; i < 2000; ++i) {
    std::string piece(1 + rng() % 600, '\0');
    for (char& c : piece) c = alphabet[rng() % alphabet.size()];
    if (i % 7 == 0) for (char& c : piece) c = static_cast<char>(rng());
    Ids scan, heap;
    MergeByScan(ranks, piece, scan);
    MergeByHeap(ranks, piece, heap);
    ASSERT_EQ(scan, heap) << piece;
  }
}

TEST(BpeTest, LongPieceIsNotQuadratic) {
  // One 1 MB letter run is a single piece; the heap keeps it to milliseconds, not minutes.
  const Encoding& e = Enc(EncodingId::kCl100kBase);
  const std::string big(1 << 20, 'a');
  const Ids ids = e.EncodeOrdinary(big);
  EXPECT_EQ(e.Decode(ids), big);
  EXPECT_EQ(e.Count(big), ids.size());
}

TEST(EncodingTest, RejectsMismatchedPattern) {
  auto r = Encoding::FromJson(EncodingId::kO200kBase,
                              R"({"pat_str":"\\s+","special_tokens":{},"bpe_ranks":"! 0 YQ=="})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("pat_str"), std::string::npos);
  EXPECT_FALSE(Encoding::FromJson(EncodingId::kO200kBase, "not json").ok());
  EXPECT_FALSE(Encoding::FromFile(EncodingId::kO200kBase, "/nonexistent/o200k_base.json").ok());
}

}  // namespace
}  // namespace sluice::tokenizer
