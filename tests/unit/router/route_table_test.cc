// Route table: exact, wildcard and regex patterns; most specific wins; shared target slots; build
// errors.
#include "router/route_table.h"

#include <gtest/gtest.h>

namespace sluice::router {
namespace {

Route R(std::string provider, std::string model) {
  Route r;
  TargetSpec t;
  t.provider = std::move(provider);
  t.model = std::move(model);
  r.targets.push_back(t);
  return r;
}

RouteTable Build(std::vector<std::string> patterns) {
  std::vector<RouteEntry> entries;
  for (const std::string& p : patterns) entries.push_back({p, R("p", "m-" + p)});
  auto t = RouteTable::Build(std::move(entries));
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return std::move(t.value());
}

std::string Match(const RouteTable& t, std::string_view model) {
  const Route* r = t.Find(model);
  return r ? r->name : "<none>";
}

TEST(RouteTable, ClassifyPattern) {
  EXPECT_EQ(ClassifyPattern("gpt-4o"), PatternKind::kExact);
  EXPECT_EQ(ClassifyPattern("gpt-*"), PatternKind::kWildcard);
  EXPECT_EQ(ClassifyPattern("/gpt-.*/"), PatternKind::kRegex);
  EXPECT_EQ(ClassifyPattern("/"), PatternKind::kExact);
}

TEST(RouteTable, MostSpecificWins) {
  RouteTable t = Build({"*", "gpt-*", "gpt-4o", "gpt-4o-*", "*-mini", "gpt-*-mini",
                        "/^claude-(opus|sonnet)-4.*$/", "claude-*"});
  EXPECT_EQ(Match(t, "gpt-4o"), "gpt-4o");
  EXPECT_EQ(Match(t, "gpt-4o-2024-08-06"), "gpt-4o-*");
  EXPECT_EQ(Match(t, "gpt-4o-mini"), "gpt-*-mini");  // 9 literal characters beat gpt-4o-*'s 7
  EXPECT_EQ(Match(t, "gpt-4.1-mini"), "gpt-*-mini");
  EXPECT_EQ(Match(t, "o4-mini"), "*-mini");
  EXPECT_EQ(Match(t, "gpt-5"), "gpt-*");
  EXPECT_EQ(Match(t, "claude-opus-4-1"), "claude-*");  // wildcards are tried before regexes
  EXPECT_EQ(Match(t, "llama"), "*");
}

TEST(RouteTable, RegexWhenNoWildcardMatches) {
  RouteTable t = Build({"/claude-(opus|sonnet)-4.*/", "/ft:.*/", "gpt-*"});
  EXPECT_EQ(Match(t, "claude-sonnet-4-5"), "/claude-(opus|sonnet)-4.*/");
  EXPECT_EQ(Match(t, "claude-haiku-4-5"), "<none>");
  EXPECT_EQ(Match(t, "xclaude-opus-4"), "<none>");  // anchored at the start...
  EXPECT_EQ(Match(t, "ft:gpt-4o:org"), "/ft:.*/");
  EXPECT_EQ(Match(t, "gpt-4o"), "gpt-*");
}

TEST(RouteTable, RegexIsAnchoredAtTheEnd) {
  RouteTable t = Build({"/gpt-4/"});
  EXPECT_EQ(Match(t, "gpt-4"), "/gpt-4/");
  EXPECT_EQ(Match(t, "gpt-4o"), "<none>");
}

TEST(RouteTable, WildcardSegments) {
  RouteTable t = Build({"org/*/chat-*-v*"});
  EXPECT_EQ(Match(t, "org/team/chat-big-v2"), "org/*/chat-*-v*");
  EXPECT_EQ(Match(t, "org/team/chat-v2"), "<none>");  // needs "chat-" then "-v" after it
  EXPECT_EQ(Match(t, "org/chat-x-v1"), "<none>");     // "org/" then "/chat-": the slash is literal
  RouteTable ab = Build({"ab*ba"});
  EXPECT_EQ(Match(ab, "aba"), "<none>");  // prefix and suffix must not overlap
  EXPECT_EQ(Match(ab, "abba"), "ab*ba");
}

TEST(RouteTable, EqualSpecificityKeepsConfigOrder) {
  RouteTable t = Build({"a*", "*a"});
  EXPECT_EQ(Match(t, "aa"), "a*");
  RouteTable u = Build({"*a", "a*"});
  EXPECT_EQ(Match(u, "aa"), "*a");
}

TEST(RouteTable, SlotsAreSharedByProviderAndModel) {
  std::vector<RouteEntry> entries;
  Route a = R("openai", "gpt-4o");
  a.targets.push_back(R("claude", "sonnet").targets[0]);
  entries.push_back({"a", a});
  entries.push_back({"b", R("openai", "gpt-4o")});
  entries.push_back({"c", R("openai", "gpt-4o-mini")});
  auto t = RouteTable::Build(std::move(entries));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->target_slots(), 3u);
  EXPECT_EQ(t->Find("a")->targets[0].slot, t->Find("b")->targets[0].slot);
  EXPECT_NE(t->Find("a")->targets[0].slot, t->Find("c")->targets[0].slot);
  EXPECT_EQ(t->slot_names()[t->Find("c")->targets[0].slot], "openai/gpt-4o-mini");
  EXPECT_EQ(t->Find("a")->targets[0].id_hash, Hash64("openai/gpt-4o"));
}

TEST(RouteTable, BuildErrors) {
  auto expect_error = [](std::vector<RouteEntry> entries, std::string_view needle) {
    auto t = RouteTable::Build(std::move(entries));
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find(needle), std::string::npos) << t.error().message;
  };
  expect_error({{"x", R("p", "m")}, {"x", R("p", "n")}}, "duplicate");
  expect_error({{"x-*", R("p", "m")}, {"x-*", R("p", "n")}}, "duplicate");
  expect_error({{"/a(/", R("p", "m")}}, "bad regex");
  expect_error({{"x", Route{}}}, "no targets");
  expect_error({{"", R("p", "m")}}, "empty");
  Route zero = R("p", "m");
  zero.targets[0].weight = 0;
  expect_error({{"z", zero}}, "zero total weight");
  Route many;
  for (int i = 0; i < 33; ++i) many.targets.push_back(R("p", "m" + std::to_string(i)).targets[0]);
  expect_error({{"many", many}}, "more than 32");
}

}  // namespace
}  // namespace sluice::router
