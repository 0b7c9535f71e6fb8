// Micro-benchmark of the user-space work a streamed OpenAI answer costs between the upstream's recv and the
// client's send: the chunked framing taken off, the SSE events framed and inspected (usage, errors), the
// `"usage":null` the gateway's include_usage added stripped, the client batch built. Two ways to take the
// framing off: DecodeInPlace moving the payload together inside the read and handing the transform one view
// per read (what the proxy does), and Beast's buffer_body parser copying it into a buffer of its own first
// (what it did before). Reads of one HTTP chunk
// (an event as it comes), of 2 KiB (a stream's wait buffer) and of 16 KiB (a burst through the scratch).
// Thread rule: single-threaded.
#include <benchmark/benchmark.h>

#include <boost/beast/http.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "server/stream_transform.h"
#include "stream/sse_writer.h"
#include "upstream/body_decoder.h"

namespace {

namespace http = boost::beast::http;
using sluice::server::PassthroughOpenAiStream;
using sluice::server::StreamProgress;
using sluice::upstream::BodyDecoder;

constexpr int kEvents = 512;

// The mock upstream's shape: one HTTP chunk per SSE event.
std::string ChunkedStream(std::vector<size_t>* chunk_ends) {
  const char* words[] = {"Hel", "lo", ",", " how", " can", " I", " help", " you", " today", "?"};
  std::string out;
  const auto add = [&](const std::string& event) {
    char size[20];
    out.append(size, static_cast<size_t>(std::snprintf(size, sizeof size, "%zx\r\n", event.size())));
    out += event;
    out += "\r\n";
    chunk_ends->push_back(out.size());
  };
  for (int i = 0; i < kEvents - 2; ++i) {
    std::string event;
    sluice::stream::AppendSseEvent(
        event, "{\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\",\"created\":"
               "1730000000,\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_abc123\","
               "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" +
                   std::string(words[i % 10]) + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
    add(event);
  }
  std::string usage;
  sluice::stream::AppendSseEvent(usage,
                                 "{\"id\":\"chatcmpl-AbCdEf0123456789\",\"object\":\"chat.completion.chunk\","
                                 "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":510,"
                                 "\"total_tokens\":519}}");
  add(usage);
  std::string done;
  sluice::stream::AppendSseDone(done);
  add(done);
  out += "0\r\n\r\n";
  chunk_ends->push_back(out.size());
  return out;
}

std::vector<std::string> Reads(size_t size) {
  std::vector<size_t> ends;
  const std::string body = ChunkedStream(&ends);
  std::vector<std::string> reads;
  if (size == 0) {
    size_t start = 0;
    for (size_t end : ends) {
      reads.push_back(body.substr(start, end - start));
      start = end;
    }
    return reads;
  }
  for (size_t i = 0; i < body.size(); i += size) reads.push_back(body.substr(i, size));
  return reads;
}

void Finish(benchmark::State& state, int64_t events, const StreamProgress& progress) {
  if (!progress.terminal || progress.usage.output != 510) state.SkipWithError("the stream did not complete");
  state.SetItemsProcessed(events);
  state.counters["ns_per_event"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Both variants copy each read into a scratch first, as the recv does, and parse it there.
void BM_PassthroughInPlace(benchmark::State& state) {
  const std::vector<std::string> reads = Reads(static_cast<size_t>(state.range(0)));
  std::vector<char> scratch(16 * 1024);
  std::string out;
  StreamProgress progress;
  int64_t events = 0;
  for (auto _ : state) {
    PassthroughOpenAiStream transform(/*client_wants_usage=*/false);
    BodyDecoder body(BodyDecoder::Framing::kChunked);
    progress = StreamProgress{};
    for (const std::string& read : reads) {
      out.clear();
      std::memcpy(scratch.data(), read.data(), read.size());
      size_t used = 0;
      const std::string_view payload = DecodeInPlace(body, scratch.data(), read.size(), false, used);
      if (!payload.empty()) transform.OnBytes(payload, out, progress);
      benchmark::DoNotOptimize(out.data());
    }
    events += kEvents;
  }
  Finish(state, events, progress);
}

void BM_PassthroughBeastCopy(benchmark::State& state) {
  const std::vector<std::string> reads = Reads(static_cast<size_t>(state.range(0)));
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::vector<char> scratch(16 * 1024 + 64);
  std::vector<char> parse_buffer(16 * 1024);
  std::string out;
  std::string held;  // a chunk header a read cut, parsed again in front of the next read
  StreamProgress progress;
  int64_t events = 0;
  for (auto _ : state) {
    PassthroughOpenAiStream transform(/*client_wants_usage=*/false);
    http::response_parser<http::buffer_body> parser;
    boost::system::error_code ec;
    parser.eager(false);
    parser.put(boost::asio::buffer(head), ec);
    parser.eager(true);
    progress = StreamProgress{};
    held.clear();
    for (const std::string& read : reads) {
      out.clear();
      std::memcpy(scratch.data(), held.data(), held.size());
      std::memcpy(scratch.data() + held.size(), read.data(), read.size());
      std::string_view in(scratch.data(), held.size() + read.size());
      while (!in.empty() && !parser.is_done()) {
        auto& b = parser.get().body();
        b.data = parse_buffer.data();
        b.size = parse_buffer.size();
        const size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
        in.remove_prefix(used);
        const size_t got = parse_buffer.size() - parser.get().body().size;
        if (got > 0) transform.OnBytes(std::string_view(parse_buffer.data(), got), out, progress);
        if (ec == http::error::need_more) break;
        ec = {};
      }
      held.assign(in);
      benchmark::DoNotOptimize(out.data());
    }
    events += kEvents;
  }
  Finish(state, events, progress);
}

}  // namespace

BENCHMARK(BM_PassthroughInPlace)->Arg(0)->Arg(2048)->Arg(16384);
BENCHMARK(BM_PassthroughBeastCopy)->Arg(0)->Arg(2048)->Arg(16384);
BENCHMARK_MAIN();
