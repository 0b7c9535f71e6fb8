// Stream-event translation per (provider × client dialect): the provider's recorded text stream (200
// deltas, fixtures.h) fed read by read as raw upstream bytes → framing (stream::SseParser, or
// BedrockByteStream for AWS event-stream frames with their CRCs) → the adapter's StreamDecoder → IR →
// the client's stream encoder (OpenAI chat chunks, Anthropic Messages events, Responses events) →
// client bytes, as the proxy's translated stream does it. One iteration is one whole stream (fresh
// decoder and encoder); `per_event` divides by the upstream events. Same-dialect passthrough
// (inspect for usage/errors, forward the raw bytes) is measured the same way for reference. Also
// holds main(). Thread rule: each benchmark owns its state.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "dialect/anthropic_messages_stream.h"
#include "dialect/anthropic_passthrough.h"
#include "dialect/openai_chat_stream.h"
#include "dialect/openai_response.h"
#include "dialect/openai_responses.h"
#include "fixtures.h"
#include "provider/anthropic.h"
#include "provider/bedrock.h"
#include "provider/gemini.h"
#include "provider/openai.h"
#include "stream/sse_parser.h"

namespace sluice::bench {

void RegisterRequestBenchmarks();  // bench_request.cc

namespace {

enum class Client { kOpenAiChat, kAnthropicMessages, kOpenAiResponses };

// The client's encoder, as the proxy builds one per stream.
class Encoder {
 public:
  explicit Encoder(Client c) {
    switch (c) {
      case Client::kOpenAiChat:
        enc_.emplace<dialect::OpenAiChatStreamEncoder>(dialect::OpenAiEncodeOptions{.created = 1764151200},
                                                       /*include_usage=*/true);
        break;
      case Client::kAnthropicMessages:
        enc_.emplace<dialect::AnthropicMessagesStreamEncoder>();
        break;
      case Client::kOpenAiResponses:
        enc_.emplace<dialect::OpenAiResponsesStreamEncoder>(dialect::OpenAiResponsesEncodeOptions{
            .created_at = 1764151200, .fallback_id = "req_01JDX8Q3", .echo = Echo()});
        break;
    }
  }
  void Encode(std::vector<ir::StreamEvent>& events, std::string& out) {
    std::visit(
        [&](auto& e) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(e)>, std::monostate>)
            for (const ir::StreamEvent& ev : events) e.Encode(ev, out);
        },
        enc_);
    events.clear();
  }

 private:
  // The Responses `response` echo is rendered once per request, outside the per-event path.
  static const std::string& Echo() {
    static const std::string echo = [] {
      auto ir = dialect::DecodeOpenAiResponsesRequest(OpenAiResponsesRequest());
      return ir ? dialect::EncodeOpenAiResponsesEcho(*ir) : std::string();
    }();
    return echo;
  }
  std::variant<std::monostate, dialect::OpenAiChatStreamEncoder, dialect::AnthropicMessagesStreamEncoder,
               dialect::OpenAiResponsesStreamEncoder>
      enc_;
};

struct Provider {
  const char* name;
  std::shared_ptr<const provider::ProviderAdapter> adapter;
  const Recording& (*recording)();
};

std::vector<Provider> Providers() {
  return {
      {"openai", std::make_shared<provider::OpenAiAdapter>(), &OpenAiStream},
      {"anthropic", std::make_shared<provider::AnthropicAdapter>(), &AnthropicStream},
      {"gemini", std::make_shared<provider::GeminiAdapter>(), &GeminiStream},
      {"bedrock",
       std::make_shared<provider::BedrockAdapter>(provider::BedrockOptions{.region = "us-east-1",
                                                                           .access_key_id = "AKIAIOSFODNN7EXAMPLE",
                                                                           .secret_access_key = "secret",
                                                                           .session_token = {},
                                                                           .host = {}}),
       &BedrockStream},
  };
}

// One whole stream through framing → decoder → encoder. Returns the client bytes written, or -1 when
// the stream did not decode cleanly (a fixture bug: the benchmark then fails instead of timing errors).
int64_t TranslateOnce(const Provider& p, Client c, const Recording& rec, std::vector<ir::StreamEvent>& events,
                      std::string& out, size_t* ir_events) {
  Encoder encoder(c);
  int64_t written = 0;
  bool ok = true;
  auto flush = [&] {
    if (ir_events) *ir_events += events.size();
    for (const ir::StreamEvent& e : events) ok = ok && e.kind != ir::EventKind::kError;
    encoder.Encode(events, out);
    written += static_cast<int64_t>(out.size());
    out.clear();  // the proxy hands each read's output to the socket
  };
  if (p.adapter->Framing() == provider::StreamFraming::kAwsEventStream) {
    provider::BedrockByteStream s(p.adapter->NewStreamDecoder());
    for (const std::string& read : rec.reads) {
      ok = s.FeedBytes(read, events) && ok;
      flush();
    }
    ok = s.Finish(events) && ok;
    flush();
  } else {
    auto decoder = p.adapter->NewStreamDecoder();
    stream::SseParser parser;
    for (const std::string& read : rec.reads) {
      ok = parser.FeedAll(read,
                          [&](const stream::SseItem& item) {
                            if (item.kind == stream::SseKind::kEvent)
                              decoder->Feed(item.event.type, item.event.data, events);
                          }) &&
           ok;
      flush();
    }
    ok = decoder->Finish(events) && ok;
    flush();
  }
  return ok ? written : -1;
}

void SetEventCounters(benchmark::State& state, const Recording& rec, int64_t out_bytes) {
  const auto events = static_cast<double>(rec.events);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rec.events));
  // Seconds per upstream event (printed with an SI prefix, e.g. "700n" = 700 ns).
  state.counters["per_event"] =
      benchmark::Counter(events, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["events"] = events;
  state.counters["in_bytes"] = static_cast<double>(rec.bytes);
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}

void TranslateStream(benchmark::State& state, const Provider& p, Client c) {
  const Recording& rec = p.recording();
  std::vector<ir::StreamEvent> events;
  std::string out;
  size_t ir_events = 0;
  const int64_t out_bytes = TranslateOnce(p, c, rec, events, out, &ir_events);
  if (out_bytes < 0) return state.SkipWithError("the recorded stream did not translate cleanly");
  for (auto _ : state) benchmark::DoNotOptimize(TranslateOnce(p, c, rec, events, out, nullptr));
  SetEventCounters(state, rec, out_bytes);
  state.counters["ir_events"] = static_cast<double>(ir_events);
}

// Same dialect: what PassthroughOpenAiStream / PassthroughAnthropicStream do per event (frame, read
// usage and errors, forward the raw bytes).
void PassthroughOpenAi(benchmark::State& state) {
  const Recording& rec = OpenAiStream();
  std::string out;
  int64_t written = 0;
  for (auto _ : state) {
    stream::SseParser parser;
    dialect::TokenUsage usage;
    written = 0;
    for (const std::string& read : rec.reads) {
      parser.FeedAll(read, [&](const stream::SseItem& item) {
        if (item.kind != stream::SseKind::kEvent) return;
        if (!stream::IsDone(item.event.data)) {
          dialect::TokenUsage u;
          dialect::ChunkInfo info = dialect::InspectChunk(item.event.data, u);
          if (u.present) usage = u;
          benchmark::DoNotOptimize(info);
        }
        out += item.event.raw;
      });
      written += static_cast<int64_t>(out.size());
      out.clear();
    }
    benchmark::DoNotOptimize(usage);
  }
  SetEventCounters(state, rec, written);
}

void PassthroughAnthropic(benchmark::State& state) {
  const Recording& rec = AnthropicStream();
  std::string out;
  int64_t written = 0;
  for (auto _ : state) {
    stream::SseParser parser;
    dialect::TokenUsage usage;
    written = 0;
    for (const std::string& read : rec.reads) {
      parser.FeedAll(read, [&](const stream::SseItem& item) {
        if (item.kind != stream::SseKind::kEvent) return;
        benchmark::DoNotOptimize(dialect::InspectAnthropicEvent(item.event.type, item.event.data, usage));
        out += item.event.raw;
      });
      written += static_cast<int64_t>(out.size());
      out.clear();
    }
    benchmark::DoNotOptimize(usage);
  }
  SetEventCounters(state, rec, written);
}

void RegisterStreamBenchmarks() {
  static const std::vector<Provider> providers = Providers();
  const std::pair<Client, const char*> clients[] = {{Client::kOpenAiChat, "openai_chat"},
                                                    {Client::kAnthropicMessages, "anthropic_messages"},
                                                    {Client::kOpenAiResponses, "openai_responses"}};
  for (const auto& [client, client_name] : clients) {
    for (const Provider& p : providers) {
      benchmark::RegisterBenchmark((std::string("stream/") + p.name + "->" + client_name).c_str(),
                                   [&p, c = client](benchmark::State& s) { TranslateStream(s, p, c); })
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RegisterBenchmark("stream_passthrough/openai_compatible->openai_chat", PassthroughOpenAi)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("stream_passthrough/anthropic->anthropic_messages", PassthroughAnthropic)
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  sluice::bench::RegisterRequestBenchmarks();
  sluice::bench::RegisterStreamBenchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
