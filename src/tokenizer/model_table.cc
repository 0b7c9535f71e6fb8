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
  // Estimates (factors: docs/tokenizer.md "Estimates"). Overridable per model family in config.
  t.Set({"claude", Estimate(1.20, "anthropic")});
  t.Set({"gemini", Estimate(1.05, "gemini")});
  t.Set({"gemma", Estimate(1.05, "gemini")});
  t.Set({"llama", Estimate(1.05, "llama")});
  t.Set({"meta-llama", Estimate(1.05, "llama")});
  t.Set({"mistral", Estimate(1.15, "mistral")});
  t.Set({"mixtral", Estimate(1.15, "mistral")});
  t.Set({"codestral", Estimate(1.15, "mistral")});
  t.Set({"qwen", Estimate(1.05, "qwen")});
  t.Set({"deepseek", Estimate(1.05, "deepseek")});
  t.Set({"command", Estimate(1.10, "cohere")});
  t.Set({"", Estimate(1.10, "unknown")});
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
  const ModelRule* best = nullptr;
  for (const ModelRule& r : rules_) {
    if (model.substr(0, r.prefix.size()) == r.prefix && (!best || r.prefix.size() > best->prefix.size())) {
      best = &r;
    }
  }
  return best ? best->tokenizer : Estimate(1.10, "unknown");
}

}  // namespace sluice::tokenizer
