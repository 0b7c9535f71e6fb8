// Micro-benchmarks of the translation codecs: an OpenAI chat request (~1 KB) to an Anthropic body,
// and Anthropic stream events to OpenAI chunks, per event. SSE framing is excluded (bench_sse
// covers the parser): the decoder is fed already-split (event, data) pairs, as the proxy does.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "dialect/openai_chat.h"
#include "dialect/openai_chat_stream.h"
#include "provider/anthropic.h"

namespace {

using namespace sluice;

// A realistic ~1 KB agent turn: system prompt, history with a tool call and its result, one tool.
const std::string kRequest = R"({"model":"smart","messages":[
{"role":"system","content":"You are a helpful assistant for a travel agency. Answer briefly, use metric units, and call tools when you need live data."},
{"role":"user","content":"What's the weather in Paris today, and should I take an umbrella for the evening walk along the Seine?"},
{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"celsius\"}"}}]},
{"role":"tool","tool_call_id":"call_abc123","content":"{\"temp\":18,\"condition\":\"light rain after 18:00\",\"wind_kmh\":12}"},
{"role":"user","content":"Thanks. And tomorrow morning?"}],
"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather and short forecast for a city",
"parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"when":{"type":"string","description":"ISO date or 'now'"}},"required":["city"]}}}],
"tool_choice":"auto","temperature":0.3,"max_completion_tokens":512,"stream":true,"stream_options":{"include_usage":true}})";

void BM_RequestOpenAiToAnthropic(benchmark::State& state) {
  const provider::Target target{.model = "claude-sonnet-4-5", .api_key = "k"};
  for (auto _ : state) {
    auto ir = dialect::DecodeOpenAiChatRequest(kRequest);
    auto body = provider::AnthropicAdapter::EncodeBody(*ir, target);
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kRequest.size()));
  state.counters["request_bytes"] = static_cast<double>(kRequest.size());
}
BENCHMARK(BM_RequestOpenAiToAnthropic);

void BM_RequestDecodeOpenAi(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(dialect::DecodeOpenAiChatRequest(kRequest));
}
BENCHMARK(BM_RequestDecodeOpenAi);

void BM_RequestEncodeAnthropic(benchmark::State& state) {
  const provider::Target target{.model = "claude-sonnet-4-5", .api_key = "k"};
  auto ir = dialect::DecodeOpenAiChatRequest(kRequest);
  for (auto _ : state)
    benchmark::DoNotOptimize(provider::AnthropicAdapter::EncodeBody(*ir, target));
}
BENCHMARK(BM_RequestEncodeAnthropic);

// One Anthropic event → IR → OpenAI chunk bytes, steady state inside an open block.
void StreamBench(benchmark::State& state, std::string_view start_block, std::string_view delta) {
  provider::AnthropicStreamDecoder decoder;
  dialect::OpenAiChatStreamEncoder encoder({.created = 1700000000}, /*include_usage=*/true);
  std::vector<ir::StreamEvent> events;
  std::string out;
  decoder.Feed(
      "message_start",
      R"({"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}})",
      events);
  decoder.Feed("content_block_start", start_block, events);
  for (const auto& e : events) encoder.Encode(e, out);
  size_t out_bytes = 0;
  for (auto _ : state) {
    events.clear();
    out.clear();
    decoder.Feed("content_block_delta", delta, events);
    for (const auto& e : events) encoder.Encode(e, out);
    out_bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["out_bytes_per_event"] =
      benchmark::Counter(static_cast<double>(out_bytes), benchmark::Counter::kAvgIterations);
}

void BM_StreamTextDelta(benchmark::State& state) {
  StreamBench(
      state,
      R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})",
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" the weather in Paris is"}})");
}
BENCHMARK(BM_StreamTextDelta);

void BM_StreamToolArgumentsDelta(benchmark::State& state) {
  StreamBench(
      state,
      R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{}}})",
      R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}})");
}
BENCHMARK(BM_StreamToolArgumentsDelta);

}  // namespace

BENCHMARK_MAIN();
