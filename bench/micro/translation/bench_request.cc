// Request translation per (client dialect × provider adapter): decode the client's body into the IR,
// then the adapter's BuildRequest (body, path, headers; Bedrock also signs with SigV4, measured again
// without the signature), on the ~2 KB agent turn of fixtures.h. Plus the same-dialect splice the
// proxy uses instead of translation (OpenAI → OpenAI-compatible, Anthropic → Anthropic) for
// reference. Benchmarks are registered at start-up (RegisterRequestBenchmarks); thread rule: each
// benchmark owns its state, the adapters are immutable.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

#include "dialect/anthropic_messages.h"
#include "dialect/anthropic_passthrough.h"
#include "dialect/openai_chat.h"
#include "dialect/openai_request.h"
#include "dialect/openai_responses.h"
#include "fixtures.h"
#include "provider/anthropic.h"
#include "provider/bedrock.h"
#include "provider/gemini.h"
#include "provider/openai.h"

namespace sluice::bench {
namespace {

using DecodeFn = core::Result<ir::ChatRequest> (*)(std::string_view);

struct Dialect {
  const char* name;
  DecodeFn decode;
  const std::string& (*body)();
};

const Dialect kDialects[] = {
    {"openai_chat", &dialect::DecodeOpenAiChatRequest, &OpenAiChatRequest},
    {"anthropic_messages", &dialect::DecodeAnthropicMessagesRequest, &AnthropicMessagesRequest},
    {"openai_responses", &dialect::DecodeOpenAiResponsesRequest, &OpenAiResponsesRequest},
};

struct Provider {
  const char* name;
  std::shared_ptr<const provider::ProviderAdapter> adapter;
  const char* model;
};

provider::BedrockOptions BedrockKeys() {
  return {.region = "us-east-1",
          .access_key_id = "AKIAIOSFODNN7EXAMPLE",
          .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
          .session_token = {},
          .host = {}};
}

std::vector<Provider> Providers() {
  return {
      {"openai", std::make_shared<provider::OpenAiAdapter>(), "gpt-4o"},
      {"anthropic", std::make_shared<provider::AnthropicAdapter>(), "claude-sonnet-4-5"},
      {"gemini", std::make_shared<provider::GeminiAdapter>(), "gemini-2.5-flash"},
      {"bedrock", std::make_shared<provider::BedrockAdapter>(BedrockKeys()),
       "anthropic.claude-sonnet-4-5-20250929-v1:0"},
  };
}

provider::Target TargetFor(const Provider& p) {
  // A fixed clock keeps SigV4 input identical between iterations (the proxy passes now()).
  return {.model = p.model,
          .api_key = "sk-bench-0000000000000000",
          .path_prefix = {},
          .default_max_tokens = 0,
          .now = std::chrono::system_clock::time_point(std::chrono::seconds(1764151200))};
}

// Whole request translation: client bytes → IR → upstream request.
void Translate(benchmark::State& state, const Dialect& d, const Provider& p) {
  const std::string& body = d.body();
  const provider::Target target = TargetFor(p);
  size_t out_bytes = 0;
  {
    auto ir = d.decode(body);
    if (!ir) return state.SkipWithError(("decode: " + ir.error().message).c_str());
    auto req = p.adapter->BuildRequest(*ir, target);
    if (!req) return state.SkipWithError(("build: " + req.error().message).c_str());
    out_bytes = req->body.size();
  }
  for (auto _ : state) {
    auto ir = d.decode(body);
    auto req = p.adapter->BuildRequest(*ir, target);
    benchmark::DoNotOptimize(req);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["in_bytes"] = static_cast<double>(body.size());
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}

// The two halves apart, to see where the time goes.
void DecodeOnly(benchmark::State& state, const Dialect& d) {
  const std::string& body = d.body();
  for (auto _ : state) benchmark::DoNotOptimize(d.decode(body));
}

void BuildOnly(benchmark::State& state, const Dialect& d, const Provider& p) {
  auto ir = d.decode(d.body());
  if (!ir) return state.SkipWithError("decode failed");
  const provider::Target target = TargetFor(p);
  for (auto _ : state) benchmark::DoNotOptimize(p.adapter->BuildRequest(*ir, target));
}

// Bedrock's Converse body without the signature (BuildRequest = this + path + SigV4 headers).
void BedrockBodyOnly(benchmark::State& state, const Dialect& d, const Provider& p) {
  auto ir = d.decode(d.body());
  if (!ir) return state.SkipWithError("decode failed");
  const provider::Target target = TargetFor(p);
  for (auto _ : state) benchmark::DoNotOptimize(provider::BedrockAdapter::EncodeBody(*ir, target));
}

// Same dialect: validate the head and splice `model` (what the proxy does instead of translating).
void SpliceOpenAi(benchmark::State& state) {
  const std::string& body = OpenAiChatRequest();
  if (!dialect::DecodeOpenAiRequest(body, dialect::OpenAiEndpoint::kChatCompletions))
    return state.SkipWithError("decode failed");
  for (auto _ : state) {
    auto head = dialect::DecodeOpenAiRequest(body, dialect::OpenAiEndpoint::kChatCompletions);
    benchmark::DoNotOptimize(dialect::EncodeOpenAiUpstreamBody(body, *head, "gpt-4o"));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}

void SpliceAnthropic(benchmark::State& state) {
  const std::string& body = AnthropicMessagesRequest();
  if (!dialect::DecodeAnthropicRequestHead(body)) return state.SkipWithError("decode failed");
  for (auto _ : state) {
    auto head = dialect::DecodeAnthropicRequestHead(body);
    benchmark::DoNotOptimize(dialect::EncodeAnthropicUpstreamBody(body, *head, "claude-sonnet-4-5"));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}

}  // namespace

void RegisterRequestBenchmarks() {
  static const std::vector<Provider> providers = Providers();
  for (const Dialect& d : kDialects) {
    for (const Provider& p : providers) {
      benchmark::RegisterBenchmark((std::string("request/") + d.name + "->" + p.name).c_str(),
                                   [&d, &p](benchmark::State& s) { Translate(s, d, p); })
          ->Unit(benchmark::kMicrosecond);
    }
  }
  for (const Dialect& d : kDialects) {
    benchmark::RegisterBenchmark((std::string("request_part/decode/") + d.name).c_str(),
                                 [&d](benchmark::State& s) { DecodeOnly(s, d); })
        ->Unit(benchmark::kMicrosecond);
  }
  // Build alone from the OpenAI-chat IR (the adapters' share of the matrix above).
  for (const Provider& p : providers) {
    benchmark::RegisterBenchmark((std::string("request_part/build/") + p.name).c_str(),
                                 [&p](benchmark::State& s) { BuildOnly(s, kDialects[0], p); })
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("request_part/build/bedrock_unsigned_body",
                               [](benchmark::State& s) { BedrockBodyOnly(s, kDialects[0], providers[3]); })
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("request_splice/openai_chat->openai_compatible", SpliceOpenAi)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("request_splice/anthropic_messages->anthropic", SpliceAnthropic)
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace sluice::bench
