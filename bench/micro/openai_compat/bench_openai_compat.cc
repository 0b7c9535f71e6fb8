// Cost of the OpenAI-compatible quirks on the hot path: the byte splice of a chat request (plain vs the
// Mistral row: renames, a removed member, tool-call id remapping), InspectChunk on the common content
// chunk and on a DeepSeek usage-bearing chunk, and RestoreToolCallIds on a chunk.
#include <benchmark/benchmark.h>

#include <string>

#include "dialect/openai_request.h"
#include "dialect/openai_response.h"
#include "provider/openai_presets.h"

namespace {

using namespace sluice;

const std::string kRequest =
    R"({"model":"alias","stream":true,"max_completion_tokens":512,"seed":7,"temperature":0.2,)"
    R"("messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Weather in Paris and Rome?"},)"
    R"({"role":"assistant","content":null,"tool_calls":[{"id":"call_9fX2ab71","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},)"
    R"({"id":"call_Zq81Lk02","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},)"
    R"({"role":"tool","tool_call_id":"call_9fX2ab71","content":"18C"},{"role":"tool","tool_call_id":"call_Zq81Lk02","content":"22C"}],)"
    R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]})";

void BM_SpliceDefault(benchmark::State& state) {
  auto req = dialect::DecodeOpenAiRequest(kRequest, dialect::OpenAiEndpoint::kChatCompletions).value();
  for (auto _ : state) benchmark::DoNotOptimize(dialect::EncodeOpenAiUpstreamBody(kRequest, req, "gpt-4o"));
}
BENCHMARK(BM_SpliceDefault);

void BM_SpliceMistral(benchmark::State& state) {
  auto req = dialect::DecodeOpenAiRequest(kRequest, dialect::OpenAiEndpoint::kChatCompletions).value();
  dialect::OpenAiUpstreamOptions options = provider::SpliceOptionsFor(provider::OpenAiPresetFor("mistral"));
  for (auto _ : state) {
    dialect::ToolCallIdMap ids;
    benchmark::DoNotOptimize(dialect::EncodeOpenAiUpstreamBody(kRequest, req, "mistral-large-latest", options, &ids));
  }
}
BENCHMARK(BM_SpliceMistral);

void BM_InspectContentChunk(benchmark::State& state) {
  const std::string chunk =
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null})";
  for (auto _ : state) {
    dialect::TokenUsage u;
    benchmark::DoNotOptimize(dialect::InspectChunk(chunk, u));
  }
}
BENCHMARK(BM_InspectContentChunk);

void BM_InspectDeepSeekUsageChunk(benchmark::State& state) {
  const std::string chunk =
      R"({"id":"d","object":"chat.completion.chunk","created":1,"model":"deepseek-chat","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":11,"total_tokens":31,"prompt_cache_hit_tokens":16,"prompt_cache_miss_tokens":4}})";
  for (auto _ : state) {
    dialect::TokenUsage u;
    benchmark::DoNotOptimize(dialect::InspectChunk(chunk, u));
  }
}
BENCHMARK(BM_InspectDeepSeekUsageChunk);

void BM_RestoreToolCallIdsMiss(benchmark::State& state) {
  dialect::ToolCallIdMap ids;
  ids.Add("Ab3dE6gH9", "call_9fX2ab71");
  const std::string chunk =
      R"({"id":"m","object":"chat.completion.chunk","model":"mistral-large-latest","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]})";
  std::string out;
  for (auto _ : state) benchmark::DoNotOptimize(dialect::RestoreToolCallIds(chunk, ids, out));
}
BENCHMARK(BM_RestoreToolCallIdsMiss);

}  // namespace
BENCHMARK_MAIN();
