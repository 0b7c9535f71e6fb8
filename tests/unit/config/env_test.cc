// Tests for ${VAR} expansion.
#include "config/env.h"

#include <gtest/gtest.h>

namespace sluice::config {
namespace {

const EnvLookup kEnv = MapEnv({{"KEY", "sk-123"}, {"EMPTY", ""}, {"DOLLAR", "a$b"}, {"HOST", "h"}});

TEST(ExpandEnvTest, PlainTextUnchanged) {
  Expansion e = ExpandEnv("https://api.openai.com", kEnv);
  EXPECT_TRUE(e.ok());
  EXPECT_EQ(e.value, "https://api.openai.com");
  EXPECT_FALSE(e.used_env());
}

TEST(ExpandEnvTest, VariablesAndDefaults) {
  EXPECT_EQ(ExpandEnv("${KEY}", kEnv).value, "sk-123");
  EXPECT_EQ(ExpandEnv("Bearer ${KEY}!", kEnv).value, "Bearer sk-123!");
  EXPECT_EQ(ExpandEnv("${MISSING:-fallback}", kEnv).value, "fallback");
  EXPECT_EQ(ExpandEnv("${EMPTY:-fallback}", kEnv).value,
            "fallback");  // sh semantics: empty uses default
  EXPECT_EQ(ExpandEnv("${KEY:-fallback}", kEnv).value, "sk-123");
  EXPECT_EQ(ExpandEnv("${MISSING:-}", kEnv).value, "");
  EXPECT_EQ(ExpandEnv("${MISSING:-http://x:1}", kEnv).value, "http://x:1");  // default may hold ':'
  EXPECT_EQ(ExpandEnv("${HOST}:${MISSING:-80}", kEnv).value, "h:80");
  Expansion e = ExpandEnv("${HOST}${KEY}", kEnv);
  EXPECT_EQ(e.variables, (std::vector<std::string>{"HOST", "KEY"}));
}

TEST(ExpandEnvTest, EmptyWithoutDefaultIsEmptyNotUnset) {
  Expansion e = ExpandEnv("${EMPTY}", kEnv);
  EXPECT_TRUE(e.ok());
  EXPECT_EQ(e.value, "");
}

TEST(ExpandEnvTest, DollarEscapeAndNoRecursion) {
  EXPECT_EQ(ExpandEnv("$$", kEnv).value, "$");
  EXPECT_EQ(ExpandEnv("a$$b$${KEY}", kEnv).value, "a$b${KEY}");
  EXPECT_EQ(ExpandEnv("${DOLLAR}", kEnv).value, "a$b");  // values are not expanded again
}

TEST(ExpandEnvTest, UnsetVariablesAreListed) {
  Expansion e = ExpandEnv("${A}-${KEY}-${B}", kEnv);
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.unset, (std::vector<std::string>{"A", "B"}));
}

TEST(ExpandEnvTest, SyntaxErrorsNeverQuoteTheText) {
  for (const char* text :
       {"sk-$ecret", "trailing$", "${UNTERMINATED", "${}", "${1X}", "${A B}", "$KEY"}) {
    Expansion e = ExpandEnv(text, kEnv);
    EXPECT_FALSE(e.syntax_error.empty()) << text;
    EXPECT_EQ(e.syntax_error.find("ecret"), std::string::npos) << e.syntax_error;
  }
  EXPECT_NE(ExpandEnv("ab$c", kEnv).syntax_error.find("character 3"), std::string::npos);
}

TEST(ExpandEnvTest, MapEnvAndProcessEnv) {
  EXPECT_EQ(kEnv("KEY"), "sk-123");
  EXPECT_EQ(kEnv("NOPE"), std::nullopt);
  EXPECT_EQ(ProcessEnv()("SLUICE_SURELY_UNSET_VARIABLE_42"), std::nullopt);
}

}  // namespace
}  // namespace sluice::config
