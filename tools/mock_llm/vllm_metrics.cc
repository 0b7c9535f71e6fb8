// vLLM metrics text and the /mock/load knobs. Thread rule: see vllm_metrics.h.
#include "mock_llm/vllm_metrics.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

namespace sluice::mock_llm {
namespace json = boost::json;
namespace {

// Python's float repr, as prometheus_client prints gauges: integral values keep ".0".
std::string Number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string out(buf, end);
  if (out.find_first_of(".eE") == std::string::npos && out.find("inf") == std::string::npos &&
      out.find("nan") == std::string::npos) {
    out.append(".0");
  }
  return out;
}

// Prometheus label values escape backslash, double quote and newline.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out.append("\\\\");
    else if (c == '"') out.append("\\\"");
    else if (c == '\n') out.append("\\n");
    else out.push_back(c);
  }
  return out;
}

void Metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::string_view labels, double value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out.append(name).append("{").append(labels).append("} ").append(Number(value)).append("\n");
}

std::optional<double> AsNumber(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

}  // namespace

std::optional<LoadUpdate> ParseLoadUpdate(std::string_view body, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<LoadUpdate> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  boost::system::error_code ec;
  json::value root = json::parse(body.empty() ? std::string_view("{}") : body, ec);
  if (ec || !root.is_object()) return fail("body must be a JSON object");
  LoadUpdate u;
  for (const auto& kv : root.get_object()) {
    std::optional<double> n = AsNumber(kv.value());
    const std::string key(kv.key());
    if (key == "kv_cache_usage") {
      if (!n || *n < 0 || *n > 1) return fail("kv_cache_usage must be a number in 0..1");
      u.kv_cache_usage = *n;
    } else if (key == "waiting" || key == "running_offset") {
      if (!n || *n < 0 || *n > 1e9 || *n != static_cast<double>(static_cast<int64_t>(*n))) {
        return fail(key + " must be a non-negative integer");
      }
      (key == "waiting" ? u.waiting : u.running_offset) = static_cast<int64_t>(*n);
    } else {
      return fail("unknown key '" + key + "' (expected waiting, kv_cache_usage, running_offset)");
    }
  }
  return u;
}

void ApplyLoadUpdate(const LoadUpdate& update, LoadState& state) {
  if (update.waiting) state.waiting.store(*update.waiting);
  if (update.running_offset) state.running_offset.store(*update.running_offset);
  if (update.kv_cache_usage) state.kv_cache_usage.store(*update.kv_cache_usage);
}

std::string LoadJson(const LoadState& state) {
  // By hand: Boost.JSON 1.81 would print 0.9 as "9E-1".
  std::string out = "{\"waiting\":" + std::to_string(state.waiting.load());
  out.append(",\"kv_cache_usage\":").append(Number(state.kv_cache_usage.load()));
  out.append(",\"running_offset\":").append(std::to_string(state.running_offset.load())).append("}");
  return out;
}

std::string RenderVllmMetrics(const MetricsSnapshot& m) {
  const std::string labels = "engine=\"0\",model_name=\"" + LabelValue(m.model_name) + "\"";
  std::string out;
  out.reserve(2048);
  Metric(out, "vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", labels,
         static_cast<double>(m.running < 0 ? 0 : m.running));
  Metric(out, "vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", labels,
         static_cast<double>(m.waiting));
  Metric(out, "vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", labels,
         m.kv_cache_usage);
  Metric(out, "vllm:gpu_cache_usage_perc", "gauge",
         "GPU KV-cache usage. 1 means 100 percent usage. DEPRECATED: Use vllm:kv_cache_usage_perc instead.", labels,
         m.kv_cache_usage);
  Metric(out, "vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", labels,
         static_cast<double>(m.prompt_tokens_total));
  Metric(out, "vllm:generation_tokens_total", "counter", "Number of generation tokens processed.", labels,
         static_cast<double>(m.generation_tokens_total));
  return out;
}

}  // namespace sluice::mock_llm
