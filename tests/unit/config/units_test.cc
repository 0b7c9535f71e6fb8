// Tests for the value-format parsers: durations, sizes, listen addresses, base URLs, suggestions.
#include "config/units.h"

#include <gtest/gtest.h>

namespace sluice::config {
namespace {

Duration Ms(int64_t ms) { return Duration(ms); }

TEST(ParseDurationTest, AcceptsUnitsAndCompounds) {
  EXPECT_EQ(ParseDuration("250ms").value, Ms(250));
  EXPECT_EQ(ParseDuration("30s").value, Ms(30'000));
  EXPECT_EQ(ParseDuration("5m").value, Ms(300'000));
  EXPECT_EQ(ParseDuration("1h").value, Ms(3'600'000));
  EXPECT_EQ(ParseDuration("1m30s").value, Ms(90'000));
  EXPECT_EQ(ParseDuration("1h30m").value, Ms(5'400'000));
  EXPECT_EQ(ParseDuration("1s500ms").value, Ms(1'500));
  EXPECT_EQ(ParseDuration("1.5s").value, Ms(1'500));
  EXPECT_EQ(ParseDuration("0s").value, Ms(0));
  EXPECT_EQ(ParseDuration("10S").value, Ms(10'000));  // units are case-insensitive
}

TEST(ParseDurationTest, RejectsMissingOrBadUnits) {
  EXPECT_NE(ParseDuration("30").error.find("needs a unit"), std::string::npos);
  EXPECT_NE(ParseDuration("0").error.find("needs a unit"), std::string::npos);
  EXPECT_NE(ParseDuration("5d").error.find("unknown duration unit 'd'"), std::string::npos);
  EXPECT_NE(ParseDuration("-5s").error.find("negative"), std::string::npos);
  EXPECT_FALSE(ParseDuration("").value);
  EXPECT_FALSE(ParseDuration("s").value);
  EXPECT_FALSE(ParseDuration("1.s").value);
  EXPECT_FALSE(ParseDuration("1 s").value);
  EXPECT_FALSE(ParseDuration("30s5").value);
  EXPECT_NE(ParseDuration("30s1m").error.find("largest to smallest"), std::string::npos);
  EXPECT_NE(ParseDuration("1s1s").error.find("largest to smallest"), std::string::npos);
  EXPECT_FALSE(ParseDuration("1.0005s").value);  // finer than a millisecond
  EXPECT_FALSE(ParseDuration("99999999999999999999h").value);
  EXPECT_FALSE(ParseDuration("9999999999999h").value);
}

TEST(FormatDurationTest, RoundTripsShortestForm) {
  EXPECT_EQ(FormatDuration(Ms(0)), "0s");
  EXPECT_EQ(FormatDuration(Ms(250)), "250ms");
  EXPECT_EQ(FormatDuration(Ms(90'000)), "1m30s");
  EXPECT_EQ(FormatDuration(Ms(600'000)), "10m");
  EXPECT_EQ(FormatDuration(Ms(86'400'000)), "24h");
  EXPECT_EQ(FormatDuration(Ms(1'500)), "1500ms");
  for (int64_t ms : {1, 999, 1000, 61'000, 3'601'000, 3'600'500, 5'400'000}) {
    EXPECT_EQ(ParseDuration(FormatDuration(Ms(ms))).value, Ms(ms)) << ms;
  }
}

TEST(ParseSizeTest, AcceptsBinaryAndDecimalUnits) {
  EXPECT_EQ(ParseSize("1048576").value, 1048576u);
  EXPECT_EQ(ParseSize("512B").value, 512u);
  EXPECT_EQ(ParseSize("16KiB").value, 16u * 1024);
  EXPECT_EQ(ParseSize("8MiB").value, 8u * 1024 * 1024);
  EXPECT_EQ(ParseSize("1GiB").value, uint64_t{1} << 30);
  EXPECT_EQ(ParseSize("1TiB").value, uint64_t{1} << 40);
  EXPECT_EQ(ParseSize("10KB").value, 10'000u);
  EXPECT_EQ(ParseSize("1MB").value, 1'000'000u);
  EXPECT_EQ(ParseSize("1GB").value, 1'000'000'000u);
  EXPECT_EQ(ParseSize("8 mib").value, 8u * 1024 * 1024);
  EXPECT_EQ(ParseSize("1.5MiB").value, 1'572'864u);
  EXPECT_EQ(ParseSize("0").value, 0u);
}

TEST(ParseSizeTest, RejectsBadInput) {
  EXPECT_NE(ParseSize("-1").error.find("negative"), std::string::npos);
  EXPECT_NE(ParseSize("16K").error.find("unknown size unit 'K'"), std::string::npos);
  EXPECT_NE(ParseSize("0.3KiB").error.find("whole number of bytes"), std::string::npos);
  EXPECT_FALSE(ParseSize("").value);
  EXPECT_FALSE(ParseSize("MiB").value);
  EXPECT_FALSE(ParseSize("1.5.5MiB").value);
  EXPECT_FALSE(ParseSize("99999999999999999999").value);
  EXPECT_FALSE(ParseSize("17000000TiB").value);  // overflows 64 bits
}

TEST(FormatSizeTest, ShortestExactBinaryForm) {
  EXPECT_EQ(FormatSize(16 * 1024), "16KiB");
  EXPECT_EQ(FormatSize(8u << 20), "8MiB");
  EXPECT_EQ(FormatSize(1000), "1000B");
  EXPECT_EQ(FormatSize(0), "0B");
}

TEST(ParseEndpointTest, HostPortForms) {
  auto v4 = ParseEndpoint("127.0.0.1:8080").value;
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = ParseEndpoint("[::1]:0").value;
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  auto any = ParseEndpoint(":9090").value;
  ASSERT_TRUE(any);
  EXPECT_EQ(any->host, "0.0.0.0");
  EXPECT_EQ(ParseEndpoint("localhost:65535").value->port, 65535);
}

TEST(ParseEndpointTest, Rejects) {
  EXPECT_FALSE(ParseEndpoint("8080").value);
  EXPECT_FALSE(ParseEndpoint("host:65536").value);
  EXPECT_FALSE(ParseEndpoint("host:").value);
  EXPECT_FALSE(ParseEndpoint("host:80a").value);
  EXPECT_NE(ParseEndpoint("::1:8080").error.find("brackets"), std::string::npos);
  EXPECT_FALSE(ParseEndpoint("[::1]8080").value);
  EXPECT_FALSE(ParseEndpoint("[zz]:80").value);
  EXPECT_FALSE(ParseEndpoint("ho st:80").value);
}

TEST(ParseBaseUrlTest, NormalizesOriginAndPrefix) {
  auto url = ParseBaseUrl("HTTPS://API.OpenAI.com/").value;
  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "api.openai.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->path, "");
  EXPECT_EQ(url->normalized, "https://api.openai.com");
  auto prefixed = ParseBaseUrl("http://10.0.0.5:8000/openai/v1/").value;
  ASSERT_TRUE(prefixed);
  EXPECT_EQ(prefixed->port, 8000);
  EXPECT_EQ(prefixed->path, "/openai/v1");
  EXPECT_EQ(prefixed->normalized, "http://10.0.0.5:8000/openai/v1");
  auto v6 = ParseBaseUrl("http://[::1]:8089").value;
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8089);
}

TEST(ParseBaseUrlTest, Rejects) {
  EXPECT_FALSE(ParseBaseUrl("api.openai.com").value);
  EXPECT_FALSE(ParseBaseUrl("ftp://host").value);
  EXPECT_FALSE(ParseBaseUrl("https://").value);
  EXPECT_FALSE(ParseBaseUrl("https://host:0").value);
  EXPECT_FALSE(ParseBaseUrl("https://host:99999").value);
  EXPECT_FALSE(ParseBaseUrl("https://host:").value);
  EXPECT_NE(ParseBaseUrl("https://host/v1?x=1").error.find("query"), std::string::npos);
  EXPECT_NE(ParseBaseUrl("https://host/#frag").error.find("query or fragment"), std::string::npos);
  EXPECT_NE(ParseBaseUrl("https://u:p@host").error.find("credentials"), std::string::npos);
  EXPECT_FALSE(ParseBaseUrl("https://ho st").value);
  EXPECT_FALSE(ParseBaseUrl("https://[::1").value);
}

TEST(SuggestTest, ClosestWithinBudget) {
  EXPECT_EQ(Suggest("listn", {"listen", "workers", "tls"}), "listen");
  EXPECT_EQ(Suggest("max_body_byte", {"max_header_bytes", "max_body_bytes"}), "max_body_bytes");
  EXPECT_EQ(Suggest("zzzzzz", {"listen", "workers"}), "");
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(IsLoopbackHostTest, Cases) {
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.5"));
}

}  // namespace
}  // namespace sluice::config
