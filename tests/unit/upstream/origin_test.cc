#include "upstream/origin.h"

#include <gtest/gtest.h>

namespace sluice::upstream {
namespace {

TEST(ParseOrigin, HttpsDefaultsAndPrefix) {
  auto o = ParseOrigin("https://api.openai.com/proxy/v1/");
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->tls);
  EXPECT_EQ(o->host, "api.openai.com");
  EXPECT_EQ(o->port, 443);
  EXPECT_EQ(o->path_prefix, "/proxy/v1");
  EXPECT_EQ(o->host_header, "api.openai.com");
  EXPECT_EQ(o->key, "https://api.openai.com:443");
}

TEST(ParseOrigin, HttpWithPortKeepsItInHostHeader) {
  auto o = ParseOrigin("http://127.0.0.1:8089");
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->tls);
  EXPECT_EQ(o->port, 8089);
  EXPECT_EQ(o->path_prefix, "");
  EXPECT_EQ(o->host_header, "127.0.0.1:8089");
}

TEST(ParseOrigin, Ipv6LiteralsAreBracketedWhereHttpNeedsIt) {
  auto o = ParseOrigin("http://[::1]:9000/x");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "::1");
  EXPECT_EQ(o->host_header, "[::1]:9000");
  EXPECT_EQ(o->key, "http://[::1]:9000");
}

TEST(ParseOrigin, RejectsWhatCannotBeAnUpstream) {
  EXPECT_FALSE(ParseOrigin("ftp://example.com").ok());
  EXPECT_FALSE(ParseOrigin("not a url").ok());
  EXPECT_FALSE(ParseOrigin("").ok());
}

}  // namespace
}  // namespace sluice::upstream
