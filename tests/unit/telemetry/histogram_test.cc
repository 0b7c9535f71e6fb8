// Tests for BucketLayout, Histogram and the Prometheus text helpers.
#include "telemetry/histogram.h"

#include <gtest/gtest.h>

#include "telemetry/prometheus_text.h"

namespace sluice::telemetry {
namespace {

TEST(Histogram, BucketsAreUpperInclusive) {
  BucketLayout layout({10, 20, 30});
  EXPECT_EQ(layout.IndexOf(0), 0u);
  EXPECT_EQ(layout.IndexOf(10), 0u);  // le="10" includes 10
  EXPECT_EQ(layout.IndexOf(11), 1u);
  EXPECT_EQ(layout.IndexOf(30), 2u);
  EXPECT_EQ(layout.IndexOf(31), 3u);  // +Inf
  Histogram h(layout);
  EXPECT_TRUE(h.Empty());
  for (uint64_t v : {5, 10, 15, 25, 1000}) h.Observe(v);
  EXPECT_FALSE(h.Empty());
  HistogramSnapshot s;
  h.AddTo(s);
  EXPECT_EQ(s.buckets, (std::vector<uint64_t>{2, 1, 1, 1}));
  EXPECT_EQ(s.sum_ns, 1055u);
  EXPECT_EQ(s.Count(), 5u);
  h.AddTo(s);  // accumulates (how shards are summed)
  EXPECT_EQ(s.Count(), 10u);
  EXPECT_EQ(s.sum_ns, 2110u);
}

TEST(Histogram, DocumentedLayouts) {
  EXPECT_EQ(DurationLayout().bounds().front(), 5'000'000u);
  EXPECT_EQ(DurationLayout().bounds().back(), 300'000'000'000u);
  EXPECT_EQ(OverheadLayout().bounds().front(), 10'000u);
  EXPECT_EQ(OverheadLayout().bounds().back(), 100'000'000u);
  EXPECT_EQ(TtftLayout().bounds().back(), 60'000'000'000u);
  for (const BucketLayout* l : {&DurationLayout(), &TtftLayout(), &OverheadLayout()}) {
    auto b = l->bounds();
    for (size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]);
  }
}

TEST(PrometheusText, SecondsAreExactDecimals) {
  auto s = [](uint64_t ns) {
    std::string out;
    AppendSeconds(out, ns);
    return out;
  };
  EXPECT_EQ(s(0), "0");
  EXPECT_EQ(s(10'000), "0.00001");
  EXPECT_EQ(s(5'000'000), "0.005");
  EXPECT_EQ(s(2'500'000'000), "2.5");
  EXPECT_EQ(s(300'000'000'000), "300");
  EXPECT_EQ(s(1'000'000'001), "1.000000001");
}

TEST(PrometheusText, Escaping) {
  std::string label, help;
  AppendEscapedLabelValue(label, "a\"b\\c\nd");
  EXPECT_EQ(label, "a\\\"b\\\\c\\nd");
  AppendEscapedHelp(help, "say \"hi\"\\\n");
  EXPECT_EQ(help, "say \"hi\"\\\\\\n");  // quotes are not escaped in HELP
}

}  // namespace
}  // namespace sluice::telemetry
