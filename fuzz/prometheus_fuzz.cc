// Fuzz target: telemetry::ParsePrometheusText (what the load scraper reads from vLLM/SGLang/TGI) with
// default options, a name filter and tight caps. Invariants: a parse either succeeds or fails with a
// clean kUpstreamProtocolError; kept samples never exceed the caps; the filter only removes samples.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "telemetry/prometheus_parse.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsView(data, size);
  auto all = telemetry::ParsePrometheusText(text);
  if (!all.ok()) {
    fuzz::CheckCleanError(all.error(), "ParsePrometheusText");
    FUZZ_CHECK(all.error().code == core::ErrorCode::kUpstreamProtocolError, "error code");
  } else {
    size_t n = 0;
    for (const auto& [name, samples] : all->samples) {
      FUZZ_CHECK(telemetry::IsValidMetricName(name), "kept an invalid metric name: " + name);
      n += samples.size();
      for (const auto& s : samples)
        for (const auto& l : s.labels) FUZZ_CHECK(telemetry::IsValidLabelName(l.name), "invalid label name");
    }
    FUZZ_CHECK(n == all->sample_count, "sample_count disagrees");
  }

  telemetry::PromParseOptions tight;
  tight.keep = [](std::string_view name) { return name.find("running") != std::string_view::npos; };
  tight.max_samples = 4;
  tight.max_labels = 3;
  auto filtered = telemetry::ParsePrometheusText(text, tight);
  if (filtered.ok()) {
    FUZZ_CHECK(filtered->sample_count <= 4, "max_samples exceeded");
    for (const auto& [name, samples] : filtered->samples) {
      FUZZ_CHECK(name.find("running") != std::string::npos, "filter let a name through");
      for (const auto& s : samples) FUZZ_CHECK(s.labels.size() <= 3, "max_labels exceeded");
    }
    if (!all.ok()) FUZZ_CHECK(all.error().message.find("samples") != std::string::npos ||
                                  all.error().message.find("label") != std::string::npos,
                              "filtered parse accepted what the full parse rejected: " + all.error().message);
  } else {
    fuzz::CheckCleanError(filtered.error(), "ParsePrometheusText(tight)");
  }
  return 0;
}
