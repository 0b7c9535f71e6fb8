// ModelTable: which tokenizer counts a model's tokens. Exact for OpenAI models (o200k_base, cl100k_base);
// for models without a public tokenizer, an estimate: the o200k_base count scaled by a per-family factor
// (see docs/tokenizer.md for the factors and their provenance), always marked as an estimate.
// Thread rule: built once per config snapshot (Default() plus overrides), immutable afterwards.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/chat_framing.h"
#include "tokenizer/encoding.h"

namespace sluice::tokenizer {

class HfTokenizer;  // tokenizer/hf_tokenizer.h

struct ModelTokenizer {
  bool exact = false;               // true: the provider's own tokenizer; false: an estimate
  EncodingId encoding = EncodingId::kO200kBase;  // the tokenizer counted with (scaled when !exact)
  double factor = 1.0;              // provider tokens per counted token (1.0 when exact)
  std::string family;               // "openai-o200k", "openai-cl100k", "anthropic", "gemini", ...
  bool legacy_tools = false;        // cl100k-era function framing (10 tokens per function, not 7)
  bool mini_images = false;         // gpt-4o-mini image pricing (2833 + 5667 per tile)
  // Set: the model's own Hugging Face tokenizer file counts it (exact; `encoding` is unused), and chat
  // requests are framed by its chat template's layout (tokenizer.models.<prefix>.tokenizer_file).
  std::shared_ptr<const HfTokenizer> hf;
  ChatFraming framing = ChatFraming::kNone;
};

struct ModelRule {
  std::string prefix;               // matched against the model name, longest prefix wins
  ModelTokenizer tokenizer;
};

class ModelTable {
 public:
  // The built-in table covering OpenAI, Anthropic, Gemini, Bedrock ids, Mistral, Llama, Qwen, DeepSeek.
  static ModelTable Default();

  // Adds or replaces a rule (config overrides). A rule with an empty prefix is the fallback.
  void Set(ModelRule rule);

  // The tokenizer for a model; provider prefixes such as "openai/" or "anthropic." are ignored.
  ModelTokenizer Lookup(std::string_view model) const;

  const std::vector<ModelRule>& rules() const { return rules_; }

 private:
  std::vector<ModelRule> rules_;
};

}  // namespace sluice::tokenizer
