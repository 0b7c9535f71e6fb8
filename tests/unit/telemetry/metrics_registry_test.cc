// Tests for MetricsRegistry: exact exposition text, shard sums, bounded labels, escaping, and
// increments from several threads while another renders.
#include "telemetry/metrics_registry.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "telemetry/metrics_lineage.h"

namespace sluice::telemetry {
namespace {

constexpr uint64_t kMs = 1'000'000;

MetricsSpec SmallSpec() {
  MetricsSpec spec;
  spec.models = {"gpt-4o", "smart"};
  spec.providers = {"openai", "claude"};
  spec.routes = {{"gpt-4o", "openai"}};
  return spec;
}

// The block of one family: its HELP and TYPE lines and every sample line of that name.
std::string Family(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line, out;
  bool in_family = false;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0) in_family = line.rfind("# HELP " + name + " ", 0) == 0;
    if (in_family) out += line + "\n";
  }
  return out;
}

// Checks the text format's grammar: HELP then TYPE for each family once, samples only inside their
// family, valid names and label syntax, no duplicate series, histogram buckets cumulative ending in
// +Inf.
void ExpectWellFormed(const std::string& text) {
  static const std::string kLabel = R"([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")";
  static const std::regex kSample(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)" + kLabel + "(," + kLabel +
                                  R"()*\})? (-?[0-9]+(\.[0-9]+)?))");
  std::map<std::string, uint64_t> last_bucket;  // per histogram series (labels without le)
  std::map<std::string, uint64_t> inf_bucket;
  std::istringstream in(text);
  std::string line, family, type;
  std::set<std::string> families, series;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(families.insert(family).second) << "family twice: " << family;
      ASSERT_TRUE(std::getline(in, line));
      ASSERT_EQ(line.rfind("# TYPE " + family + " ", 0), 0u) << line;
      type = line.substr(8 + family.size());
      EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << type;
      continue;
    }
    std::smatch m;
    ASSERT_TRUE(std::regex_match(line, m, kSample)) << "bad line: " << line;
    std::string name = m[1];
    if (type == "histogram") {
      EXPECT_TRUE(name == family + "_bucket" || name == family + "_sum" ||
                  name == family + "_count")
          << line;
    } else {
      EXPECT_EQ(name, family);
    }
    EXPECT_TRUE(series.insert(line.substr(0, line.rfind(' '))).second) << "duplicate: " << line;
    if (type != "histogram") continue;
    const uint64_t value = std::stoull(line.substr(line.rfind(' ') + 1));
    const std::string labels =
        m[2].matched ? line.substr(name.size(), line.rfind(' ') - name.size()) : std::string();
    if (name == family + "_bucket") {
      size_t le = labels.find("le=\"");
      ASSERT_NE(le, std::string::npos) << line;
      std::string key = family + labels.substr(0, le);
      if (last_bucket.count(key)) {
        EXPECT_GE(value, last_bucket[key]) << "not cumulative: " << line;
      }
      last_bucket[key] = value;
      if (labels.find("le=\"+Inf\"") != std::string::npos) inf_bucket[key] = value;
    } else if (name == family + "_count") {
      std::string key = labels.empty() ? "{" : labels.substr(0, labels.size() - 1) + ",";
      ASSERT_TRUE(inf_bucket.count(family + key)) << "no +Inf bucket before " << line;
      EXPECT_EQ(value, inf_bucket[family + key]) << line;
    }
  }
}

TEST(MetricsRegistry, RequestFamiliesRenderExactly) {
  MetricsRegistry reg(SmallSpec(), 2);
  ModelId gpt = reg.FindModel("gpt-4o");
  ProviderId openai = reg.FindProvider("openai");
  RequestRecord r{.model = gpt,
                  .provider = openai,
                  .status = 200,
                  .total_ns = 30 * kMs,
                  .upstream_wait_ns = 29 * kMs,
                  .stream = true,
                  .ttft_ns = 120 * kMs,
                  .tokens = {.input = 9, .output = 2, .cached_input = 4, .reasoning = 1}};
  reg.Shard(0).RecordRequest(r);
  r.status = 503;
  r.total_ns = 2 * kMs;
  r.stream = false;
  r.tokens = {};
  reg.Shard(1).RecordRequest(r);
  reg.Shard(1).RecordRequest(
      {.model = reg.FindModel("no-such-model"), .status = 404, .total_ns = 50'000});
  const std::string text = reg.RenderPrometheus();
  ExpectWellFormed(text);

  EXPECT_EQ(
      Family(text, "sluice_requests_total"),
      "# HELP sluice_requests_total Requests completed, by client-facing model, answering provider "
      "and HTTP status class.\n"
      "# TYPE sluice_requests_total counter\n"
      "sluice_requests_total{model=\"unknown\",provider=\"none\",status_class=\"2xx\"} 0\n"
      "sluice_requests_total{model=\"unknown\",provider=\"none\",status_class=\"4xx\"} 1\n"
      "sluice_requests_total{model=\"unknown\",provider=\"none\",status_class=\"5xx\"} 0\n"
      "sluice_requests_total{model=\"gpt-4o\",provider=\"openai\",status_class=\"2xx\"} 1\n"
      "sluice_requests_total{model=\"gpt-4o\",provider=\"openai\",status_class=\"4xx\"} 0\n"
      "sluice_requests_total{model=\"gpt-4o\",provider=\"openai\",status_class=\"5xx\"} 1\n");
  // Undeclared pairs (smart/claude...) stay absent until used; the token family shows all
  // directions.
  EXPECT_EQ(
      Family(text, "sluice_tokens_total"),
      "# HELP sluice_tokens_total Tokens reported by the upstream's usage, by direction (input, "
      "output, cached_input, reasoning; cached_input is part of input, reasoning part of output).\n"
      "# TYPE sluice_tokens_total counter\n"
      "sluice_tokens_total{model=\"unknown\",provider=\"none\",direction=\"input\"} 0\n"
      "sluice_tokens_total{model=\"unknown\",provider=\"none\",direction=\"output\"} 0\n"
      "sluice_tokens_total{model=\"unknown\",provider=\"none\",direction=\"cached_input\"} 0\n"
      "sluice_tokens_total{model=\"unknown\",provider=\"none\",direction=\"reasoning\"} 0\n"
      "sluice_tokens_total{model=\"gpt-4o\",provider=\"openai\",direction=\"input\"} 9\n"
      "sluice_tokens_total{model=\"gpt-4o\",provider=\"openai\",direction=\"output\"} 2\n"
      "sluice_tokens_total{model=\"gpt-4o\",provider=\"openai\",direction=\"cached_input\"} 4\n"
      "sluice_tokens_total{model=\"gpt-4o\",provider=\"openai\",direction=\"reasoning\"} 1\n");
  const std::string gpt_labels = "model=\"gpt-4o\",provider=\"openai\"";
  const std::string duration = Family(text, "sluice_request_duration_seconds");
  const char* const les[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",   "2.5",
                             "5",     "10",   "20",    "30",   "60",  "120",  "300", "+Inf"};
  std::string expected =
      "# HELP sluice_request_duration_seconds Time from request received to last byte written, by "
      "model and provider.\n# TYPE sluice_request_duration_seconds histogram\n";
  for (const char* le : les) {  // the (unknown, none) series: one 50 µs request
    expected += "sluice_request_duration_seconds_bucket{model=\"unknown\",provider=\"none\",le=\"" +
                std::string(le) + "\"} 1\n";
  }
  expected += "sluice_request_duration_seconds_sum{model=\"unknown\",provider=\"none\"} 0.00005\n";
  expected += "sluice_request_duration_seconds_count{model=\"unknown\",provider=\"none\"} 1\n";
  int i = 0;
  for (const char* le : les) {  // 2 ms and 30 ms: cumulative 1 from le=0.005, 2 from le=0.05
    expected += "sluice_request_duration_seconds_bucket{" + gpt_labels + ",le=\"" + le + "\"} " +
                (i < 2   ? "1"
                 : i < 3 ? "1"
                         : "2") +
                "\n";
    ++i;
  }
  expected += "sluice_request_duration_seconds_sum{" + gpt_labels + "} 0.032\n";
  expected += "sluice_request_duration_seconds_count{" + gpt_labels + "} 2\n";
  EXPECT_EQ(duration, expected);
  const std::string ttft = Family(text, "sluice_time_to_first_token_seconds");
  EXPECT_NE(
      ttft.find("sluice_time_to_first_token_seconds_bucket{" + gpt_labels + ",le=\"0.1\"} 0\n"),
      std::string::npos);
  EXPECT_NE(
      ttft.find("sluice_time_to_first_token_seconds_bucket{" + gpt_labels + ",le=\"0.2\"} 1\n"),
      std::string::npos);
  EXPECT_NE(ttft.find("sluice_time_to_first_token_seconds_count{" + gpt_labels + "} 1\n"),
            std::string::npos);  // the non-stream request has no TTFT
}

TEST(MetricsRegistry, OverheadGlobalsAndUpstreamRenderExactly) {
  MetricsRegistry reg(SmallSpec(), 3);
  ProviderId openai = reg.FindProvider("openai");
  // Overheads: 30 ms - 29 ms = 1 ms; total < upstream wait (clock skew) clamps to 0.
  reg.Shard(0).RecordRequest(
      {.provider = openai, .status = 200, .total_ns = 30 * kMs, .upstream_wait_ns = 29 * kMs});
  reg.Shard(2).RecordRequest(
      {.provider = openai, .status = 200, .total_ns = 5, .upstream_wait_ns = 9});
  reg.Shard(0).RequestStarted();
  reg.Shard(1).RequestStarted();
  reg.Shard(1).RequestStarted();
  reg.Shard(1).RequestEnded();
  reg.Shard(2).StreamStarted();
  reg.Shard(0).ConnectionOpened();
  reg.Shard(1).ConnectionOpened();
  reg.Shard(1).ConnectionClosed();
  reg.Shard(0).RecordLocalReply(core::ErrorCode::kModelNotFound);
  reg.Shard(1).RecordLocalReply(core::ErrorCode::kModelNotFound);
  reg.Shard(2).RecordLocalReply(core::ErrorCode::kBodyTooLarge);
  reg.Shard(0).RecordUpstream(openai, 1500 * kMs);
  reg.Shard(0).RecordUpstreamError(openai, core::ErrorCode::kUpstreamTimeout);
  reg.Shard(1).RecordUpstreamError(openai, core::ErrorCode::kUpstreamError, 429);
  reg.Shard(2).RecordUpstreamError(openai, core::ErrorCode::kUpstreamError, 418);
  reg.Shard(0).RecordUpstreamConnection(openai, false);
  reg.Shard(1).RecordUpstreamConnection(openai, true);
  reg.Shard(2).RecordUpstreamConnection(openai, true);
  const std::string text = reg.RenderPrometheus();
  ExpectWellFormed(text);

  std::string overhead =
      "# HELP sluice_gateway_overhead_seconds Time each request spent in the gateway itself: total "
      "duration minus time waiting on upstreams.\n# TYPE sluice_gateway_overhead_seconds "
      "histogram\n";
  const std::pair<const char*, int> buckets[] = {
      {"0.00001", 1}, {"0.000025", 1}, {"0.00005", 1}, {"0.0001", 1}, {"0.00025", 1},
      {"0.0005", 1},  {"0.001", 2},    {"0.0025", 2},  {"0.005", 2},  {"0.01", 2},
      {"0.025", 2},   {"0.05", 2},     {"0.1", 2},     {"+Inf", 2}};
  for (auto [le, n] : buckets) {
    overhead += "sluice_gateway_overhead_seconds_bucket{le=\"" + std::string(le) + "\"} " +
                std::to_string(n) + "\n";
  }
  overhead +=
      "sluice_gateway_overhead_seconds_sum 0.001\nsluice_gateway_overhead_seconds_count 2\n";
  EXPECT_EQ(Family(text, "sluice_gateway_overhead_seconds"), overhead);

  EXPECT_EQ(
      Family(text, "sluice_local_replies_total"),
      "# HELP sluice_local_replies_total Replies the gateway produced itself (errors, limits, "
      "guards), by stable error code.\n# TYPE sluice_local_replies_total counter\n"
      "sluice_local_replies_total{code=\"model_not_found\"} 2\n"
      "sluice_local_replies_total{code=\"body_too_large\"} 1\n");
  EXPECT_NE(text.find("# TYPE sluice_requests_in_flight gauge\nsluice_requests_in_flight 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("sluice_streams_in_flight 1\n"), std::string::npos);
  EXPECT_NE(text.find("sluice_connections_open 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE sluice_connections_total counter\nsluice_connections_total 2\n"),
            std::string::npos);
  EXPECT_EQ(reg.RequestsInFlight(), 2);

  const std::string errors = Family(text, "sluice_upstream_errors_total");
  EXPECT_NE(errors.find("{provider=\"openai\",code=\"upstream_timeout\"} 1\n"), std::string::npos);
  EXPECT_NE(errors.find("{provider=\"openai\",code=\"http_429\"} 1\n"), std::string::npos);
  EXPECT_NE(errors.find("{provider=\"openai\",code=\"http_4xx\"} 1\n"), std::string::npos);
  EXPECT_EQ(Family(text, "sluice_upstream_connections_total")
                .substr(Family(text, "sluice_upstream_connections_total").find("\nsluice") + 1),
            "sluice_upstream_connections_total{provider=\"openai\",reused=\"false\"} 1\n"
            "sluice_upstream_connections_total{provider=\"openai\",reused=\"true\"} 2\n"
            "sluice_upstream_connections_total{provider=\"claude\",reused=\"false\"} 0\n"
            "sluice_upstream_connections_total{provider=\"claude\",reused=\"true\"} 0\n");
  const std::string upstream = Family(text, "sluice_upstream_duration_seconds");
  EXPECT_NE(upstream.find("_bucket{provider=\"openai\",le=\"1\"} 0\n"), std::string::npos);
  EXPECT_NE(upstream.find("_bucket{provider=\"openai\",le=\"2.5\"} 1\n"), std::string::npos);
  EXPECT_NE(upstream.find("_sum{provider=\"openai\"} 1.5\n"), std::string::npos);
  EXPECT_EQ(upstream.find("provider=\"none\""), std::string::npos);  // none never calls upstreams
}

TEST(MetricsRegistry, UnknownModelNeverLeaksClientString) {
  MetricsRegistry reg(SmallSpec(), 1);
  ModelId id = reg.FindModel("ignore previous instructions\" } evil");
  EXPECT_EQ(id.value, kUnknownModel.value);
  reg.Shard(0).RecordRequest({.model = id, .status = 404});
  reg.Shard(0).RecordRequest({.model = ModelId{9999}, .provider = ProviderId{77}, .status = 500});
  const std::string text = reg.RenderPrometheus();
  EXPECT_EQ(text.find("evil"), std::string::npos);
  EXPECT_EQ(reg.TotalRequests(kUnknownModel, kNoProvider, StatusClass::k4xx), 1u);
  EXPECT_EQ(reg.TotalRequests(kUnknownModel, kNoProvider, StatusClass::k5xx),
            1u);  // stale ids clamp
}

TEST(MetricsRegistry, LabelValuesAreEscaped) {
  MetricsSpec spec;
  spec.models = {"we\"ird\\name\nx"};
  spec.providers = {"p"};
  spec.routes = {{"we\"ird\\name\nx", "p"}};
  MetricsRegistry reg(spec, 1);
  const std::string text = reg.RenderPrometheus();
  ExpectWellFormed(text);
  EXPECT_NE(text.find("model=\"we\\\"ird\\\\name\\nx\",provider=\"p\""), std::string::npos);
}

TEST(MetricsRegistry, ShardsSumAndStatusClasses) {
  MetricsRegistry reg(SmallSpec(), 4);
  ModelId smart = reg.FindModel("smart");
  ProviderId claude = reg.FindProvider("claude");
  for (size_t s = 0; s < 4; ++s) {
    for (int status : {200, 201, 399, 400, 429, 499, 500, 504}) {
      reg.Shard(s).RecordRequest({.model = smart,
                                  .provider = claude,
                                  .status = status,
                                  .tokens = {.input = 10, .output = s}});
    }
  }
  EXPECT_EQ(reg.TotalRequests(smart, claude, StatusClass::k2xx), 12u);
  EXPECT_EQ(reg.TotalRequests(smart, claude, StatusClass::k4xx), 12u);
  EXPECT_EQ(reg.TotalRequests(smart, claude, StatusClass::k5xx), 8u);
  EXPECT_EQ(reg.TotalTokens(smart, claude, TokenDirection::kInput), 320u);
  EXPECT_EQ(reg.TotalTokens(smart, claude, TokenDirection::kOutput), 8u * (0 + 1 + 2 + 3));
  const std::string text = reg.RenderPrometheus();
  // An undeclared pair appears once used.
  EXPECT_NE(
      text.find(
          "sluice_requests_total{model=\"smart\",provider=\"claude\",status_class=\"2xx\"} 12\n"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "sluice_tokens_total{model=\"smart\",provider=\"claude\",direction=\"input\"} 320\n"),
      std::string::npos);
  EXPECT_EQ(text.find("model=\"smart\",provider=\"claude\",direction=\"reasoning\""),
            std::string::npos);
}

// Parses "name{labels} value" samples into a map, for monotonicity checks across scrapes.
std::map<std::string, uint64_t> Samples(const std::string& text) {
  std::map<std::string, uint64_t> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.rfind(' ');
    if (line.find("_sum") != std::string::npos) continue;  // decimal seconds
    out[line.substr(0, sp)] = std::stoull(line.substr(sp + 1));
  }
  return out;
}

// A reload builds a new registry while connections, requests and streams are open: they end under the new
// one. The gauges live in the lineage's LiveGauges, so they stay balanced and the connection counter goes on.
TEST(MetricsRegistry, GaugesOfWhatIsOpenOutliveTheRegistryTheyStartedIn) {
  auto lineage = std::make_shared<MetricsLineage>(2);
  auto before = std::make_unique<MetricsRegistry>(SmallSpec(), 2, lineage);
  before->Shard(0).ConnectionOpened();
  before->Shard(1).ConnectionOpened();
  before->Shard(0).RequestStarted();
  before->Shard(0).StreamStarted();
  MetricsSpec next_spec = SmallSpec();
  next_spec.models.push_back("added");
  MetricsRegistry after(next_spec, 2, lineage);
  EXPECT_NE(after.RenderPrometheus().find("sluice_connections_open 2\n"), std::string::npos);
  EXPECT_EQ(after.RequestsInFlight(), 1);
  after.Shard(0).StreamEnded();
  after.Shard(0).RequestEnded();
  after.Shard(0).ConnectionClosed();
  before.reset();  // the old snapshot goes once its last request is done
  after.Shard(1).ConnectionOpened();
  const std::string text = after.RenderPrometheus();
  EXPECT_NE(text.find("sluice_requests_in_flight 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_streams_in_flight 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_connections_open 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_connections_total 3\n"), std::string::npos) << text;
  // A registry built without a lineage has gauges of its own.
  MetricsRegistry alone(SmallSpec(), 2);
  EXPECT_NE(alone.RenderPrometheus().find("sluice_connections_open 0\n"), std::string::npos);
}

// Counters and histograms go on across a reload: the new registry renders what the old one recorded under the
// same names, live while the old one still serves requests and folded once it is gone, with ids that the
// reload renumbered. A series the new config no longer has is not exported.
TEST(MetricsRegistry, CountersAndHistogramsGoOnAcrossSnapshotsByName) {
  auto lineage = std::make_shared<MetricsLineage>(2);
  auto before = std::make_unique<MetricsRegistry>(SmallSpec(), 2, lineage);
  const RequestRecord old_request{.model = before->FindModel("gpt-4o"), .provider = before->FindProvider("openai"),
                                  .status = 200, .total_ns = 30 * kMs, .tokens = {.input = 7, .output = 3}};
  before->Shard(0).RecordRequest(old_request);
  before->Shard(1).RecordRequest({.model = before->FindModel("smart"), .provider = before->FindProvider("claude"),
                                  .status = 500});
  before->Shard(0).RecordUpstreamError(before->FindProvider("openai"), core::ErrorCode::kUpstreamTimeout);
  before->Shard(0).RecordLocalReply(core::ErrorCode::kModelNotFound);
  MetricsSpec next_spec;
  next_spec.models = {"added", "gpt-4o"};  // "smart" is gone; "gpt-4o" has another id
  next_spec.providers = {"openai"};         // so has "openai"; "claude" is gone
  next_spec.routes = {{"gpt-4o", "openai"}};
  MetricsRegistry after(next_spec, 2, lineage);
  const std::string series = "sluice_requests_total{model=\"gpt-4o\",provider=\"openai\",status_class=\"2xx\"} ";
  EXPECT_NE(after.RenderPrometheus().find(series + "1\n"), std::string::npos);
  before->Shard(1).RecordRequest(old_request);  // a request of the old snapshot that ends after the reload
  after.Shard(0).RecordRequest({.model = after.FindModel("gpt-4o"), .provider = after.FindProvider("openai"),
                                .status = 200, .total_ns = 10 * kMs, .tokens = {.input = 1}});
  const std::string live = after.RenderPrometheus();
  before.reset();
  const std::string folded = after.RenderPrometheus();
  EXPECT_EQ(live, folded) << "folding a registry that is gone changes nothing";
  for (const std::string& text : {live, folded}) {
    EXPECT_NE(text.find(series + "3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("sluice_tokens_total{model=\"gpt-4o\",provider=\"openai\",direction=\"input\"} 15\n"),
              std::string::npos);
    EXPECT_NE(text.find("sluice_request_duration_seconds_count{model=\"gpt-4o\",provider=\"openai\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("sluice_upstream_errors_total{provider=\"openai\",code=\"upstream_timeout\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("sluice_local_replies_total{code=\"model_not_found\"} 1\n"), std::string::npos);
    EXPECT_EQ(text.find("model=\"smart\""), std::string::npos) << "removed by the reload";
    EXPECT_EQ(text.find("provider=\"claude\""), std::string::npos) << "removed by the reload";
  }
}

TEST(MetricsRegistry, ConcurrentIncrementsWhileRendering) {
  constexpr size_t kWorkers = 4;
  constexpr uint64_t kPerWorker = 20'000;
  MetricsRegistry reg(SmallSpec(), kWorkers);
  ModelId gpt = reg.FindModel("gpt-4o");
  ProviderId openai = reg.FindProvider("openai");
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (size_t w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      while (!go.load()) std::this_thread::yield();
      WorkerMetrics& m = reg.Shard(w);
      for (uint64_t i = 0; i < kPerWorker; ++i) {
        m.RequestStarted();
        m.RecordUpstream(openai, i * 1000);
        m.RecordRequest({.model = gpt,
                         .provider = openai,
                         .status = i % 10 == 0 ? 500 : 200,
                         .total_ns = i * 1000,
                         .upstream_wait_ns = i * 900,
                         .tokens = {.input = 3, .output = 1}});
        m.RequestEnded();
      }
    });
  }
  go.store(true);
  std::map<std::string, uint64_t> previous;
  int scrapes = 0;
  for (;; ++scrapes) {
    bool done = reg.TotalRequests(gpt, openai, StatusClass::k2xx) +
                    reg.TotalRequests(gpt, openai, StatusClass::k5xx) ==
                kWorkers * kPerWorker;
    auto current = Samples(reg.RenderPrometheus());
    for (const auto& [series, value] : current) {
      if (series.find("in_flight") != std::string::npos) {
        EXPECT_LE(value, kWorkers) << series;  // each worker has at most one request open
        continue;
      }
      auto it = previous.find(series);
      if (it != previous.end()) {
        EXPECT_GE(value, it->second) << series << " went backwards";
      }
    }
    previous = std::move(current);
    if (done) break;
  }
  for (auto& t : workers) t.join();
  const std::string text = reg.RenderPrometheus();
  ExpectWellFormed(text);
  auto final_samples = Samples(text);
  const std::string labels = "model=\"gpt-4o\",provider=\"openai\"";
  EXPECT_EQ(final_samples["sluice_requests_total{" + labels + ",status_class=\"2xx\"}"], 72'000u);
  EXPECT_EQ(final_samples["sluice_requests_total{" + labels + ",status_class=\"5xx\"}"], 8'000u);
  EXPECT_EQ(final_samples["sluice_request_duration_seconds_count{" + labels + "}"], 80'000u);
  EXPECT_EQ(final_samples["sluice_upstream_duration_seconds_count{provider=\"openai\"}"], 80'000u);
  EXPECT_EQ(final_samples["sluice_tokens_total{" + labels + ",direction=\"input\"}"], 240'000u);
  EXPECT_EQ(final_samples["sluice_gateway_overhead_seconds_count"], 80'000u);
  EXPECT_EQ(final_samples["sluice_requests_in_flight"], 0u);
  EXPECT_GT(scrapes, 0);
}

}  // namespace
}  // namespace sluice::telemetry
