// HfTokenizer on hand-built tokenizer.json files (hf_fixture.h): byte-level mapping, Hugging Face merge
// order (pair ranks, leftmost ties), ignore_merges, pre-tokenizer steps, NFC, added tokens, refusals.
#include "tokenizer/hf_tokenizer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "hf_fixture.h"
#include "tokenizer/hf_registry.h"

namespace sluice::tokenizer {
namespace {

using testing::TinySpec;
using testing::TinyTokenizerJson;

std::unique_ptr<HfTokenizer> Load(const TinySpec& spec) {
  auto t = HfTokenizer::FromJson(TinyTokenizerJson(spec), "tiny.json");
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(t).value() : nullptr;
}

std::string LoadError(const TinySpec& spec) {
  auto t = HfTokenizer::FromJson(TinyTokenizerJson(spec), "tiny.json");
  return t.ok() ? "(loaded)" : t.error().message;
}

// The pieces' tokens as strings, for readable expectations.
std::vector<std::string> Pieces(const HfTokenizer& t, std::string_view text) {
  std::vector<std::string> out;
  for (uint32_t id : t.Encode(text)) out.push_back(t.Decode({id}));
  EXPECT_EQ(t.Count(text), out.size()) << text;
  return out;
}

using Strings = std::vector<std::string>;

TEST(HfByteLevelTest, Gpt2ByteToUnicodeTable) {
  EXPECT_EQ(ByteToCodePoint('a'), uint32_t{'a'});
  EXPECT_EQ(ByteToCodePoint(' '), 0x120u);   // Ġ
  EXPECT_EQ(ByteToCodePoint('\n'), 0x10Au);  // Ċ
  EXPECT_EQ(ByteToCodePoint(0xAD), 0x143u);  // the soft hyphen is not printable: the last stand-in
  EXPECT_EQ(ByteToCodePoint(0xFF), 0xFFu);
  std::string bytes;
  ASSERT_TRUE(ByteLevelToBytes("\xC4\xA0hello\xC4\x8A", bytes));  // "Ġhello Ċ"
  EXPECT_EQ(bytes, " hello\n");
  EXPECT_FALSE(ByteLevelToBytes("\xEF\xBD\x9C", bytes));  // U+FF5C is no byte stand-in
  EXPECT_FALSE(ByteLevelToBytes("", bytes));
  for (int b = 0; b < 256; ++b) {  // a bijection
    ASSERT_TRUE(ByteLevelToBytes(testing::ByteLevel(std::string(1, static_cast<char>(b))), bytes));
    EXPECT_EQ(bytes, std::string(1, static_cast<char>(b)));
  }
}

TEST(HfBpeTest, MergesByPairRankLowestFirst) {
  TinySpec s;
  s.merges = {{"a", "b"}, {"b", "c"}, {"ab", "c"}};
  auto t = Load(s);
  EXPECT_EQ(Pieces(*t, "abc"), (Strings{"abc"}));  // ab first (rank 0), then ab+c
  s.merges = {{"b", "c"}, {"a", "b"}, {"ab", "c"}};
  t = Load(s);
  EXPECT_EQ(Pieces(*t, "abc"), (Strings{"a", "bc"}));  // bc first; (a, bc) is not a merge
}

TEST(HfBpeTest, RankBelongsToThePairNotTheResult) {
  // "abc" can be built as (ab, c) or (a, bc); Hugging Face ranks pairs, so the path taken decides.
  TinySpec s;
  s.merges = {{"b", "c"}, {"a", "b"}, {"a", "bc"}, {"ab", "c"}};
  s.array_merges = true;  // the tokenizers >= 0.20 form
  auto t = Load(s);
  EXPECT_EQ(Pieces(*t, "abc"), (Strings{"abc"}));
  EXPECT_EQ(Pieces(*t, "abab"), (Strings{"ab", "ab"}));
}

TEST(HfBpeTest, LeftmostPairWinsTies) {
  TinySpec s;
  s.merges = {{"a", "a"}};
  auto t = Load(s);
  EXPECT_EQ(Pieces(*t, "aaa"), (Strings{"aa", "a"}));
  EXPECT_EQ(Pieces(*t, "aaaaa"), (Strings{"aa", "aa", "a"}));
}

TEST(HfBpeTest, IgnoreMergesTakesWholeVocabularyPieces) {
  TinySpec s;
  s.merges = {{"a", "b"}};
  s.extra = {"abcd"};  // no merge path leads to it
  EXPECT_EQ(Pieces(*Load(s), "abcd"), (Strings{"ab", "c", "d"}));
  s.ignore_merges = true;
  EXPECT_EQ(Pieces(*Load(s), "abcd"), (Strings{"abcd"}));
  EXPECT_EQ(Pieces(*Load(s), "abcde"), (Strings{"ab", "c", "d", "e"}));  // only whole pieces
}

TEST(HfBpeTest, ScanAndHeapAgreeOnLongPieces) {
  TinySpec s;
  s.merges = {{"a", "b"}, {"b", "a"}, {"ab", "ab"}, {"a", "a"}, {"aa", "aa"}, {"ba", "ba"}, {"abab", "abab"}};
  auto t = Load(s);
  uint32_t seed = 7;
  for (int n : {2, 3, 17, 129, 700}) {
    std::string piece;
    for (int i = 0; i < n; ++i) piece += "ab"[(seed = seed * 1103515245 + 12345) >> 16 & 1];
    std::vector<uint32_t> scan, heap;
    t->model().MergeByScan(piece, scan);
    t->model().MergeByHeap(piece, heap);
    EXPECT_EQ(scan, heap) << piece;
  }
}

TEST(HfPretokenizerTest, DigitsThenByteLevelRegex) {
  TinySpec s;  // Command R+'s pre-tokenizer
  s.pre_tokenizer = R"({"type":"Sequence","pretokenizers":[{"type":"Digits","individual_digits":true},
                       {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}]})";
  s.merges = {{"1", "2"}, {" ", "x"}};
  auto t = Load(s);
  EXPECT_EQ(Pieces(*t, "x123 x"), (Strings{"x", "1", "2", "3", " x"}));  // digits never merge
}

TEST(HfPretokenizerTest, SplitIsolatedKeepsMatchesAndGaps) {
  TinySpec s;  // DeepSeek V3 style: numbers split first, then a word pattern on each piece
  s.pre_tokenizer = R"({"type":"Sequence","pretokenizers":[
      {"type":"Split","pattern":{"Regex":"\\p{N}{1,3}"},"behavior":"Isolated","invert":false},
      {"type":"Split","pattern":{"Regex":"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\s+(?!\\S)|\\s+"},
       "behavior":"Isolated","invert":false},
      {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]})";
  s.merges = {{"1", "2"}, {"12", "3"}, {"4", "5"}, {" ", "a"}};
  auto t = Load(s);
  EXPECT_EQ(Pieces(*t, "12345 a"), (Strings{"123", "45", " a"}));
  // The contraction group is ASCII-only, as transformers.js rewrites it: 'S is a contraction piece, while
  // 'ſ (long s) joins the letter alternative as a punctuation-led word.
  auto pieces = [&](std::string_view text) {
    Strings out;
    t->pretokenizer().ForEachPiece(text, [&](std::string_view p) { return out.emplace_back(p), true; });
    return out;
  };
  EXPECT_EQ(pieces("x'S y"), (Strings{"x", "'S", " y"}));
  EXPECT_EQ(pieces("x'\xC5\xBFy"), (Strings{"x", "'\xC5\xBFy"}));
  EXPECT_EQ(pieces("a  \n b"), (Strings{"a", "  \n", " b"}));  // \s+(?!\S) then \s+
}

TEST(HfPretokenizerTest, RewritesPatternsToJavaScriptMeaning) {
  std::string why;
  const std::string p = HfPretokenizer::RewriteForPcre2("\\s+(?!\\S)|\\d|[^\\s\\p{L}]", why);
  EXPECT_NE(p.find("\\x{feff}"), std::string::npos) << p;  // ECMAScript \s includes U+FEFF
  EXPECT_EQ(p.find("\\x{85}"), std::string::npos) << p;    // and not U+0085
  EXPECT_NE(p.find("[0-9]"), std::string::npos) << p;
  EXPECT_TRUE(HfPretokenizer::RewriteForPcre2("a\\bb", why).empty());
  EXPECT_NE(why.find("\\b"), std::string::npos);
  EXPECT_TRUE(HfPretokenizer::RewriteForPcre2("(?i:abc)", why).empty());
}

TEST(HfPretokenizerTest, NfcNormalizesBeforeSplitting) {
  TinySpec s;
  s.normalizer = R"({"type":"NFC"})";
  s.merges = {{"\xC3", "\xA9"}};  // é
  auto t = Load(s);
  EXPECT_EQ(t->Encode("e\xCC\x81"), t->Encode("\xC3\xA9"));  // e + U+0301 composes to U+00E9
  EXPECT_EQ(t->Encode("\xC3\xA9").size(), 1u);
  s.normalizer = "null";
  EXPECT_EQ(Load(s)->Encode("e\xCC\x81").size(), 3u);  // without NFC: e, 0xCC, 0x81
}

TEST(HfPretokenizerTest, InvalidUtf8BecomesReplacementCharacters) {
  TinySpec s;
  auto t = Load(s);
  EXPECT_EQ(t->Decode(t->Encode("a\xFF" "b")), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(t->Count("a\xFF" "b"), t->Encode("a\xFF" "b").size());
}

TEST(HfTokenizerTest, AddedTokensAreTextUnlessSplitOut) {
  TinySpec s;
  s.added = {"<|eot|>", "<|eot|>x"};
  auto t = Load(s);
  const uint32_t eot = *t->AddedTokenId("<|eot|>");
  EXPECT_EQ(t->EncodeWithAdded("a<|eot|>b"), (std::vector<uint32_t>{'a', eot, 'b'}));
  EXPECT_EQ(t->EncodeWithAdded("<|eot|>x").size(), 1u);  // the longest added token wins
  EXPECT_GT(t->Count("a<|eot|>b"), 3u);                   // counted as text
  EXPECT_EQ(t->Decode(t->EncodeWithAdded("a<|eot|>b")), "a<|eot|>b");
  EXPECT_FALSE(t->AddedTokenId("<|nope|>"));
}

TEST(HfTokenizerTest, CountStopsPastTheLimit) {
  TinySpec s;
  auto t = Load(s);
  const std::string text(10000, 'q');
  EXPECT_EQ(t->Count(text), 10000u);
  const uint64_t partial = t->Count(std::string(5000, ' ') + "x y z " + text, 10);
  EXPECT_GT(partial, 10u);
}

TEST(HfTokenizerTest, DetectsChatFramingFromAddedTokens) {
  TinySpec s;
  EXPECT_EQ(Load(s)->DetectedFraming(), ChatFraming::kNone);
  s.added = {"<|im_start|>", "<|im_end|>"};
  EXPECT_EQ(Load(s)->DetectedFraming(), ChatFraming::kChatMl);
  s.added = {"<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"};
  EXPECT_EQ(Load(s)->DetectedFraming(), ChatFraming::kLlama3);
  s.added.push_back("<|im_start|>");
  s.added.push_back("<|im_end|>");
  EXPECT_EQ(Load(s)->DetectedFraming(), ChatFraming::kNone);  // ambiguous: must be configured
}

TEST(HfTokenizerTest, RefusesUnsupportedFilesNamingThePart) {
  TinySpec s;
  s.model_type = "Unigram";
  EXPECT_NE(LoadError(s).find("model type \"Unigram\""), std::string::npos) << LoadError(s);
  s = {};
  s.normalizer = R"({"type":"Lowercase"})";
  EXPECT_NE(LoadError(s).find("normalizer type \"Lowercase\""), std::string::npos) << LoadError(s);
  s = {};
  s.pre_tokenizer = R"({"type":"Split","pattern":{"Regex":"x"},"behavior":"Removed","invert":false})";
  EXPECT_NE(LoadError(s).find("behavior \"Removed\""), std::string::npos) << LoadError(s);
  s = {};
  s.pre_tokenizer = R"({"type":"Metaspace","replacement":"_"})";
  EXPECT_NE(LoadError(s).find("\"Metaspace\""), std::string::npos) << LoadError(s);
  s = {};
  s.pre_tokenizer = R"({"type":"Split","pattern":{"Regex":"(unclosed"},"behavior":"Isolated","invert":false})";
  EXPECT_NE(LoadError(s).find("does not compile"), std::string::npos) << LoadError(s);
  std::string json = TinyTokenizerJson({});
  json.replace(json.find("\"byte_fallback\":false"), 21, "\"byte_fallback\":true");
  auto bf = HfTokenizer::FromJson(json, "x.json");
  ASSERT_FALSE(bf.ok());
  EXPECT_NE(bf.error().message.find("byte_fallback"), std::string::npos);
  EXPECT_FALSE(HfTokenizer::FromJson("{not json", "x.json").ok());
  json = TinyTokenizerJson({});
  json.replace(json.find("\"!\":33"), 6, "\"!!\":33");  // byte 0x21 loses its single-byte token
  auto missing = HfTokenizer::FromJson(json, "x.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("byte 33"), std::string::npos) << missing.error().message;
}

TEST(HfRegistryTest, LoadsEachFileOnceAndReportsMissingFiles) {
  const std::string path = std::string(SLUICE_BINARY_DIR) + "/hf_registry_test_tokenizer.json";
  std::ofstream(path) << TinyTokenizerJson({});
  auto a = LoadHfTokenizer(path);
  auto b = LoadHfTokenizer(std::string(SLUICE_BINARY_DIR) + "/./hf_registry_test_tokenizer.json");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());  // one canonical path, one load
  auto gone = LoadHfTokenizer(std::string(SLUICE_BINARY_DIR) + "/no_such_tokenizer.json");
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.error().message.find("no_such_tokenizer.json"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace sluice::tokenizer
