// Stats: counters JSON, last request JSON, reset.
#include "mock_llm/stats.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

TEST(Stats, LastRequestJson) {
  Stats s;
  EXPECT_EQ(s.LastRequestJson(), "{}");
  s.RecordRequest({"POST", "/v1/chat/completions?x=1",
                   {{"Authorization", "Bearer k"}, {"X-A", "1"}, {"x-a", "2"}},
                   R"({"model":"m","stream_options":{"include_usage":true}})"});
  json::value v = json::parse(s.LastRequestJson());
  EXPECT_EQ(v.at("method"), "POST");
  EXPECT_EQ(v.at("target"), "/v1/chat/completions?x=1");
  EXPECT_EQ(v.at("headers").at("authorization"), "Bearer k");
  EXPECT_EQ(v.at("headers").at("x-a"), "1, 2");
  EXPECT_EQ(v.at("body").at("stream_options").at("include_usage"), true);
  EXPECT_EQ(v.at("body_raw"), R"({"model":"m","stream_options":{"include_usage":true}})");
  s.RecordRequest({"POST", "/", {}, "not json"});
  EXPECT_EQ(json::parse(s.LastRequestJson()).at("body"), "not json");
  s.RecordRequest({"POST", "/", {}, "{ \"a\" :\t1 }"});  // the parsed body loses the spacing; body_raw keeps it
  v = json::parse(s.LastRequestJson());
  EXPECT_EQ(v.at("body_raw"), "{ \"a\" :\t1 }");
  EXPECT_EQ(v.at("body_bytes"), 11);
}

TEST(Stats, CountersAndReset) {
  Stats s;
  s.requests_total = 3;
  s.streams_cancelled = 2;
  {
    ActiveGuard g(s.active_streams);
    json::value v = json::parse(s.CountersJson());
    EXPECT_EQ(v.at("requests_total"), 3);
    EXPECT_EQ(v.at("streams_cancelled"), 2);
    EXPECT_EQ(v.at("active_streams"), 1);
    s.Reset();
    v = json::parse(s.CountersJson());
    EXPECT_EQ(v.at("requests_total"), 0);
    EXPECT_EQ(v.at("active_streams"), 1);  // live work survives a reset
  }
  EXPECT_EQ(s.active_streams.load(), 0);
}

}  // namespace
}  // namespace sluice::mock_llm
