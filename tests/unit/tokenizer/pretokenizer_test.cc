// The hand-written pre-tokenizer must split exactly like the tiktoken patterns run by a regex engine
// (PCRE2, UTF + UCP), on text whose Unicode properties PCRE2's (older) tables agree on.
#include "tokenizer/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <gtest/gtest.h>
#include <pcre2.h>

#include <random>
#include <string>
#include <vector>

#include "tokenizer/unicode_class.h"

namespace sluice::tokenizer {
namespace {

std::vector<std::string> SplitHand(SplitPattern p, std::string_view text) {
  std::vector<std::string> out;
  ForEachPiece(p, text, [&](std::string_view piece) {
    out.emplace_back(piece);
    return true;
  });
  return out;
}

class Pcre2Splitter {
 public:
  explicit Pcre2Splitter(std::string_view pattern) {
    int err;
    PCRE2_SIZE off;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF | PCRE2_UCP,
                          &err, &off, nullptr);
    EXPECT_NE(code_, nullptr);
    pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);
    md_ = pcre2_match_data_create_from_pattern(code_, nullptr);
  }
  ~Pcre2Splitter() {
    pcre2_match_data_free(md_);
    pcre2_code_free(code_);
  }
  std::vector<std::string> Split(std::string_view text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
      const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), pos, 0, md_, nullptr);
      if (rc < 0) break;
      PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md_);
      if (ov[0] != pos) out.emplace_back(text.substr(pos, ov[0] - pos));  // a gap would be a bug
      out.emplace_back(text.substr(ov[0], ov[1] - ov[0]));
      pos = ov[1];
    }
    return out;
  }

 private:
  pcre2_code* code_ = nullptr;
  pcre2_match_data* md_ = nullptr;
};

void AppendUtf8(std::string& s, char32_t cp) {
  if (cp < 0x80) s += static_cast<char>(cp);
  else if (cp < 0x800) { s += static_cast<char>(0xC0 | (cp >> 6)); s += static_cast<char>(0x80 | (cp & 0x3F)); }
  else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12)); s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18)); s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Ranges whose general categories have been stable since long before Unicode 14 (PCRE2 10.42's tables).
std::string RandomText(std::mt19937& rng) {
  static const std::vector<std::pair<char32_t, char32_t>> kRanges = {
      {0x20, 0x7E}, {0x20, 0x7E}, {0x20, 0x7E}, {0x9, 0xD}, {0xA0, 0x24F}, {0x300, 0x36F}, {0x391, 0x3C9},
      {0x410, 0x44F}, {0x4E00, 0x9FA5}, {0x3041, 0x3096}, {0x660, 0x669}, {0x2000, 0x200A}, {0x1F600, 0x1F64F},
      {0x2160, 0x2188}, {0x1C4, 0x1CC}, {0x2B0, 0x2C1}, {0x3000, 0x3000}};
  static const char* kSnippets[] = {"'s", "'LL", "'Re", "'ſ", "\r\n", " /", "  ", "\n\n", "12345"};
  std::string s;
  const int n = std::uniform_int_distribution<int>(1, 80)(rng);
  for (int i = 0; i < n; ++i) {
    if (rng() % 10 == 0) {
      s += kSnippets[rng() % std::size(kSnippets)];
      continue;
    }
    const auto& r = kRanges[rng() % kRanges.size()];
    AppendUtf8(s, r.first + rng() % (r.second - r.first + 1));
  }
  return s;
}

class PretokenizerTest : public ::testing::TestWithParam<SplitPattern> {};

TEST_P(PretokenizerTest, MatchesPcre2OnRandomText) {
  Pcre2Splitter pcre(PatternString(GetParam()));
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    const std::string text = RandomText(rng);
    ASSERT_EQ(SplitHand(GetParam(), text), pcre.Split(text)) << "text: " << text;
  }
}

TEST_P(PretokenizerTest, MatchesPcre2OnHandPickedCases) {
  Pcre2Splitter pcre(PatternString(GetParam()));
  for (const char* text : {"Hello world", "  leading", "trailing  ", "a\n\n b", "x \t\n\ny", "I'M don't 'S",
                           "e\xCC\x81 \xCC\x81\xCC\x81x", "ABCdef GHI ǅa", "12345 1 22 333 4444", "a//b\r\n//",
                           "   ", "\n", " !!", "!! ", "a\xE3\x80\x80" "b", "ºª x"}) {
    EXPECT_EQ(SplitHand(GetParam(), text), pcre.Split(text)) << "text: " << text;
  }
}

INSTANTIATE_TEST_SUITE_P(Patterns, PretokenizerTest, ::testing::Values(SplitPattern::kO200k, SplitPattern::kCl100k));

TEST(PretokenizerTest, InvalidUtf8NeverStallsAndCoversAllBytes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string s(rng() % 64, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    for (SplitPattern p : {SplitPattern::kO200k, SplitPattern::kCl100k}) {
      std::string joined;
      for (const std::string& piece : SplitHand(p, s)) {
        ASSERT_FALSE(piece.empty());
        joined += piece;
      }
      ASSERT_EQ(joined, s);
    }
  }
}

TEST(UnicodeClassTest, Unicode16Classes) {
  EXPECT_EQ(ClassOf(U'A'), kUpper);
  EXPECT_EQ(ClassOf(U'z'), kLower);
  EXPECT_EQ(ClassOf(0x01C5), kUpper);    // ǅ Lt
  EXPECT_EQ(ClassOf(0x4E00), kOtherLetter);
  EXPECT_EQ(ClassOf(0x0301), kMark);
  EXPECT_EQ(ClassOf(0x0661), kNumber);
  EXPECT_EQ(ClassOf(0x3000), kSpace);
  EXPECT_EQ(ClassOf(0x0085), kSpace);
  EXPECT_EQ(ClassOf(0x180E), 0);         // not White_Space since Unicode 6.3 (PCRE2 \h still has it)
  EXPECT_EQ(ClassOf(0x1C89), kUpper);    // added in Unicode 16.0; tiktoken 1.0.22 knows it
  EXPECT_EQ(ClassOf(0x31350), kOtherLetter);  // CJK Ext H, Unicode 15.0
  EXPECT_EQ(ClassOf(0x0378), 0);         // unassigned
  EXPECT_EQ(ClassOf(0x1F600), 0);        // emoji: So
}

}  // namespace
}  // namespace sluice::tokenizer
