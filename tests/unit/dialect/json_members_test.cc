// The member scanner against a plain reference (the byte-at-a-time scanner it replaced): the same members,
// spans and results on random JSON-like text, valid or not, long enough to cross the 16-byte steps.
#include "dialect/json_members.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "dialect/openai_request.h"
#include "dialect/openai_response.h"

namespace sluice::dialect {
namespace {

namespace ref {

size_t SkipWs(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

size_t SkipString(std::string_view s, size_t i, bool* escaped) {
  const size_t start = ++i;
  while (i < s.size()) {
    const void* hit = std::memchr(s.data() + i, '"', s.size() - i);
    if (!hit) return s.size();
    size_t q = static_cast<const char*>(hit) - s.data();
    size_t backslashes = 0;
    while (q - backslashes > start && s[q - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) {
      if (escaped && std::memchr(s.data() + start, '\\', q - start)) *escaped = true;
      return q + 1;
    }
    i = q + 1;
  }
  return s.size();
}

size_t SkipValue(std::string_view s, size_t i) {
  if (i >= s.size()) return i;
  char c = s[i];
  if (c == '"') return SkipString(s, i, nullptr);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < s.size()) {
      char d = s[i];
      if (d == '"') {
        i = SkipString(s, i, nullptr);
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' &&
         s[i] != '\r' && s[i] != '\t')
    ++i;
  return i;
}

bool ScanTopLevelMembers(std::string_view s, std::vector<JsonMember>& out) {
  out.clear();
  size_t i = SkipWs(s, 0);
  if (i >= s.size() || s[i] != '{') return false;
  i = SkipWs(s, i + 1);
  if (i < s.size() && s[i] == '}') return true;
  while (i < s.size()) {
    if (s[i] != '"') return false;
    JsonMember m;
    size_t key_end = SkipString(s, i, &m.key_escaped);
    m.key = s.substr(i + 1, key_end - i - 2);
    i = SkipWs(s, key_end);
    if (i >= s.size() || s[i] != ':') return false;
    i = SkipWs(s, i + 1);
    m.value_begin = i;
    i = SkipValue(s, i);
    m.value_end = i;
    out.push_back(m);
    i = SkipWs(s, i);
    if (i < s.size() && s[i] == ',') {
      i = SkipWs(s, i + 1);
      continue;
    }
    return i < s.size() && s[i] == '}';
  }
  return false;
}

}  // namespace ref

// Text from the bytes that steer the scanner, with runs of plain letters so that quotes and brackets fall
// on both sides of 16-byte boundaries.
std::string RandomText(std::mt19937& rng, size_t max_len, bool object) {
  static constexpr char kAlphabet[] = "\"\"\"\\\\{}[],:: \n1aaaaaaaaaaaaaa";
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<size_t> pick(0, sizeof kAlphabet - 2);
  std::string s = object ? "{\"" : "";
  for (size_t n = len(rng); n > 0; --n) s += kAlphabet[pick(rng)];
  return s;
}

bool SameMembers(const std::vector<JsonMember>& a, const std::vector<JsonMember>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].key.data() != b[i].key.data() || a[i].key.size() != b[i].key.size() ||
        a[i].key_escaped != b[i].key_escaped || a[i].value_begin != b[i].value_begin ||
        a[i].value_end != b[i].value_end)
      return false;
  }
  return true;
}

TEST(JsonMembers, MatchesTheReferenceScannerOnRandomText) {
  std::mt19937 rng(20240611);
  std::vector<JsonMember> got, want;
  for (int round = 0; round < 20000; ++round) {
    const std::string s = RandomText(rng, round % 2 ? 24 : 120, round % 3 != 0);
    ASSERT_EQ(ScanTopLevelMembers(s, got), ref::ScanTopLevelMembers(s, want)) << s;
    ASSERT_TRUE(SameMembers(got, want)) << s;
    for (size_t i = 0; i < s.size(); ++i) {
      ASSERT_EQ(SkipJsonValue(s, i), ref::SkipValue(s, i)) << s << " at " << i;
      if (s[i] == '"') {
        bool e1 = false, e2 = false;
        ASSERT_EQ(SkipJsonString(s, i, &e1), ref::SkipString(s, i, &e2)) << s << " at " << i;
        ASSERT_EQ(e1, e2) << s << " at " << i;
      }
    }
  }
}

TEST(JsonMembers, EscapesAcrossStepBoundaries) {
  // The closing quote follows an even run of backslashes that straddles a 16-byte step.
  std::string s = "{\"k\":\"" + std::string(12, 'a') + "\\\\\\\\\",\"n\":1}";
  std::vector<JsonMember> members;
  ASSERT_TRUE(ScanTopLevelMembers(s, members));
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[1].key, "n");
  // An escaped quote does not close the string.
  std::string t = "{\"k\":\"" + std::string(14, 'b') + "\\\"" + std::string(20, 'c') + "\"}";
  ASSERT_TRUE(ScanTopLevelMembers(t, members));
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].value_end, t.size() - 1);
}

TEST(JsonMembers, ForEachMemberAtEndsWhereTheValueEnds) {
  const std::string s = R"(  {"a":[1,{"b":"}"}],"c":"x\"y"} ,)";
  size_t seen = 0;
  const size_t end = ForEachMemberAt(s, 0, [&](const JsonMember&) { ++seen; });
  EXPECT_EQ(seen, 2u);
  EXPECT_EQ(end, SkipJsonValue(s, 2));
  EXPECT_EQ(ForEachMemberAt(std::string_view("[1]"), 0, [](const JsonMember&) {}), std::string_view::npos);
}

TEST(JsonMembers, KeyEqualsDecodesEscapedKeys) {
  std::vector<JsonMember> members;
  ASSERT_TRUE(ScanTopLevelMembers(R"({"r\u006fle":1,"role":2})", members));
  ASSERT_EQ(members.size(), 2u);
  EXPECT_TRUE(members[0].key_escaped);
  EXPECT_TRUE(KeyEquals(members[0], "role"));
  EXPECT_TRUE(KeyEquals(members[1], "role"));
  EXPECT_FALSE(KeyEquals(members[1], "rol"));
}

TEST(JsonMembers, AppendJsonStringMatchesTheSerializer) {
  for (std::string_view s : {std::string_view("gpt-4o"), std::string_view("a\"b"), std::string_view("c:\\d"),
                             std::string_view("tab\there"), std::string_view("\x01\x1f"), std::string_view("é✓"),
                             std::string_view("")}) {
    std::string out = "x";
    AppendJsonString(out, s);
    std::string want = "x";
    want += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
    EXPECT_EQ(out, want);
  }
}

// The same-dialect request path reads messages in the same walk as the members: its checks still hold.
TEST(DecodeOpenAiRequest, MessagesCheckedDuringTheMemberWalk) {
  auto decode = [](std::string_view body) { return DecodeOpenAiRequest(body, OpenAiEndpoint::kChatCompletions); };
  EXPECT_TRUE(decode(R"({"model":"m","messages":[{"r\u006fle":"user","content":"x"}]})").ok());
  // The last `messages` counts.
  EXPECT_TRUE(decode(R"({"messages":[],"model":"m","messages":[{"role":"user"}]})").ok());
  EXPECT_FALSE(decode(R"({"messages":[{"role":"user"}],"model":"m","messages":[]})").ok());
  EXPECT_FALSE(decode(R"({"model":"m","messages":[{"role":"user"},["role"]]})").ok());
  EXPECT_FALSE(decode(R"({"model":"m","messages":[{"role":"user"},{"content":"role"}]})").ok());
  EXPECT_FALSE(decode(R"({"model":"m","messages":{"role":"user"}})").ok());
  auto r = decode(R"({"model":"m","messages":[ {"role":"user","content":"a]b}c"} , {"role":"x"} ],"stream":true})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->stream);
  ASSERT_EQ(r->members.size(), 3u);
  EXPECT_EQ(r->members[2].key, "stream");
}

TEST(ExtractUsage, OneStringPerFieldAndDeepSeekCacheHits) {
  TokenUsage u;
  ASSERT_TRUE(ExtractUsage(
      R"({"usage":{"prompt_tokens":12,"completion_tokens":5,"prompt_cache_hit_tokens":8,"prompt_tokens":99}})", u));
  EXPECT_EQ(u.input, 12u);  // the first occurrence counts
  EXPECT_EQ(u.output, 5u);
  EXPECT_EQ(u.cached_input, 8u);
  ASSERT_TRUE(ExtractUsage(R"({"usage":{"prompt_tokens":-3,"completion_tokens":7.9}})", u));
  EXPECT_EQ(u.input, 0u);
  EXPECT_EQ(u.output, 7u);
  // A body the scanner cannot walk to its end counts nothing, even past its usage.
  EXPECT_FALSE(ExtractUsage(R"({"usage":{"prompt_tokens":1} "x")", u));
  EXPECT_FALSE(ExtractUsage(R"({"usage":[1,2]})", u));
}

}  // namespace
}  // namespace sluice::dialect
