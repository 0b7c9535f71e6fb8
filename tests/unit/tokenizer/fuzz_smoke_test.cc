// Deterministic fuzz smoke: many random byte strings (valid and invalid UTF-8, JSON-ish bodies) through
// the same entry points as tests/fuzz/tokenizer/fuzz_tokenizer.cc, so CI exercises them without clang.
#include <gtest/gtest.h>

#include <random>

#include "test_support.h"
#include "tokenizer/count_api.h"

namespace sluice::tokenizer {
namespace {

TEST(FuzzSmokeTest, RandomBytesNeverCrashAndRoundTrip) {
  std::mt19937_64 rng(20240601);
  const char* kAtoms[] = {"'s", "\r\n", " ", "\xF0\x9F\x98\x80", "\xC3", "\xE2\x80", "a", "Z", "7", "\xCC\x81",
                          "<|endoftext|>", "/", "\t", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
  for (EncodingId id : {EncodingId::kO200kBase, EncodingId::kCl100kBase}) {
    const Encoding& e = testing::Enc(id);
    for (int i = 0; i < 3000; ++i) {
      std::string s;
      const size_t n = rng() % 200;
      for (size_t j = 0; j < n; ++j) {
        if (rng() % 2) s += kAtoms[rng() % std::size(kAtoms)];
        else s += static_cast<char>(rng());
      }
      const auto ids = e.EncodeOrdinary(s);
      ASSERT_EQ(e.Count(s), ids.size());
      ASSERT_EQ(e.Decode(ids), s);
      ASSERT_EQ(e.Decode(e.EncodeWithSpecial(s)), s);
    }
  }
}

TEST(FuzzSmokeTest, RandomRequestBodiesNeverCrash) {
  testing::Enc(EncodingId::kO200kBase);
  const ModelTable models = ModelTable::Default();
  const std::string seed =
      R"({"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"hi"},)"
      R"({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}}]}],)"
      R"("tools":[{"type":"function","function":{"name":"f","parameters":{"properties":{"a":{"enum":[1,"x"]}}}}}]})";
  std::mt19937_64 rng(77);
  for (int i = 0; i < 5000; ++i) {
    std::string body = seed;
    for (int k = 0, m = 1 + static_cast<int>(rng() % 4); k < m; ++k) {
      body[rng() % body.size()] = "{}[]\":,xa0 "[rng() % 12];
    }
    (void)CountOpenAiChatBody(body, models, rng() % 2 ? kNoLimit : 3);
    std::string anth = body;
    if (const size_t at = anth.find("gpt-4o"); at != std::string::npos) anth.replace(at, 6, "claude");
    (void)AnswerAnthropicCountTokens(anth, models);
  }
}

}  // namespace
}  // namespace sluice::tokenizer
