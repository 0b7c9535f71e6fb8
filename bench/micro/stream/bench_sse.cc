// Micro-benchmark of SseParser on a realistic OpenAI chat stream (chat.completion.chunk events of a
// few hundred bytes, a usage chunk and [DONE]). Reports bytes/s and ns per event for several
// network read sizes: one event per read (typical of a live token stream), small reads, one MSS,
// and 16 KiB bursts. Thread rule: single-threaded.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "stream/sse_parser.h"
#include "stream/sse_writer.h"

namespace {

using sluice::stream::SseItem;
using sluice::stream::SseKind;
using sluice::stream::SseParser;

constexpr int kEvents = 512;

std::string OpenAiStream(bool crlf) {
  const char* words[] = {"Hel", "lo", ",", " how", " can", " I", " help", " you", " today", "?"};
  std::string out;
  for (int i = 0; i < kEvents - 2; ++i) {
    std::string json =
        "{\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\",\"created\":"
        "1730000000,\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_abc123\","
        "\"choices\":"
        "[{\"index\":0,\"delta\":{\"content\":\"" +
        std::string(words[i % 10]) +
        "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x1Yz\"}";
    sluice::stream::AppendSseEvent(out, json);
  }
  sluice::stream::AppendSseEvent(
      out,
      "{\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
      "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":510,\"total_tokens\":519}}");
  sluice::stream::AppendSseDone(out);
  if (crlf) {
    std::string converted;
    for (char c : out) {
      if (c == '\n')
        converted += "\r\n";
      else
        converted += c;
    }
    return converted;
  }
  return out;
}

// Splits `stream` into reads of `size` bytes; size 0 means one read per event.
std::vector<std::string> Chunks(const std::string& stream, size_t size, bool crlf) {
  std::vector<std::string> chunks;
  if (size == 0) {
    const std::string_view end = crlf ? "\r\n\r\n" : "\n\n";
    size_t start = 0;
    for (size_t p; (p = stream.find(end, start)) != std::string::npos; start = p + end.size())
      chunks.push_back(stream.substr(start, p + end.size() - start));
    return chunks;
  }
  for (size_t i = 0; i < stream.size(); i += size) chunks.push_back(stream.substr(i, size));
  return chunks;
}

void Run(benchmark::State& state, bool crlf) {
  const std::string stream = OpenAiStream(crlf);
  const auto chunks = Chunks(stream, static_cast<size_t>(state.range(0)), crlf);
  SseParser parser;
  SseItem item;
  int64_t events = 0;
  for (auto _ : state) {
    parser.Reset();
    for (const std::string& c : chunks) {
      parser.Feed(c);
      while (parser.Next(item) == SseKind::kEvent) {
        benchmark::DoNotOptimize(item.event.data.data());
        ++events;
      }
    }
  }
  if (events != state.iterations() * kEvents) state.SkipWithError("wrong event count");
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(stream.size()));
  state.SetItemsProcessed(events);
  state.counters["ns_per_event"] = benchmark::Counter(
      static_cast<double>(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_SseOpenAi(benchmark::State& state) { Run(state, false); }
void BM_SseOpenAiCrlf(benchmark::State& state) { Run(state, true); }

void BM_SseWrite(benchmark::State& state) {
  const std::string json(300, 'j');
  std::string out;
  for (auto _ : state) {
    out.clear();
    sluice::stream::AppendSseEvent(out, json);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(json.size()));
}

}  // namespace

BENCHMARK(BM_SseOpenAi)->Arg(0)->Arg(64)->Arg(1460)->Arg(16384);
BENCHMARK(BM_SseOpenAiCrlf)->Arg(0)->Arg(1460);
BENCHMARK(BM_SseWrite);
BENCHMARK_MAIN();
