// The built-in model table (see model_catalog.h). Thread rule: immutable data, pure functions.
#include "config/model_catalog.h"

#include <array>
#include <cctype>

namespace sluice::config {
namespace {

constexpr uint64_t kMicrosPerDollar = 1'000'000;

// Dollars per million tokens → micro-dollars, rounded to the nearest micro-dollar (exact for every
// price below: none has more than three decimals).
constexpr Prices Usd(double input, double output) {
  return Prices{static_cast<uint64_t>(input * kMicrosPerDollar + 0.5),
                static_cast<uint64_t>(output * kMicrosPerDollar + 0.5)};
}

constexpr uint64_t k128K = 128'000;
constexpr uint64_t k200K = 200'000;
constexpr uint64_t k1M = 1'048'576;

// Standard (non-batch, non-priority) list prices for text tokens; cache discounts, long-prompt
// surcharges and regional price differences are not modelled. Dates and sources: docs/routing.md.
constexpr std::array kCatalog = {
    // OpenAI (platform.openai.com/docs/pricing)
    CatalogEntry{"gpt-4o", Usd(2.50, 10.00), k128K},
    CatalogEntry{"gpt-4o-2024-05-13", Usd(5.00, 15.00), k128K},  // the first snapshot cost more
    CatalogEntry{"gpt-4o-mini", Usd(0.15, 0.60), k128K},
    CatalogEntry{"gpt-4.1", Usd(2.00, 8.00), 1'047'576},
    CatalogEntry{"gpt-4.1-mini", Usd(0.40, 1.60), 1'047'576},
    CatalogEntry{"gpt-4.1-nano", Usd(0.10, 0.40), 1'047'576},
    CatalogEntry{"o3", Usd(2.00, 8.00), k200K},
    CatalogEntry{"o3-mini", Usd(1.10, 4.40), k200K},
    CatalogEntry{"o4-mini", Usd(1.10, 4.40), k200K},
    CatalogEntry{"gpt-5", Usd(1.25, 10.00), 400'000},
    CatalogEntry{"gpt-5-mini", Usd(0.25, 2.00), 400'000},
    CatalogEntry{"gpt-5-nano", Usd(0.05, 0.40), 400'000},
    CatalogEntry{"gpt-5.1", Usd(1.25, 10.00), 400'000},
    // Anthropic (docs.claude.com "Pricing"); the same list prices on Bedrock and Vertex.
    CatalogEntry{"claude-opus-4-5", Usd(5.00, 25.00), k200K},
    CatalogEntry{"claude-opus-4-1", Usd(15.00, 75.00), k200K},
    CatalogEntry{"claude-opus-4", Usd(15.00, 75.00), k200K},
    CatalogEntry{"claude-opus-4-0", Usd(15.00, 75.00), k200K},
    CatalogEntry{"claude-sonnet-4-5", Usd(3.00, 15.00), k200K},
    CatalogEntry{"claude-sonnet-4", Usd(3.00, 15.00), k200K},
    CatalogEntry{"claude-sonnet-4-0", Usd(3.00, 15.00), k200K},
    CatalogEntry{"claude-haiku-4-5", Usd(1.00, 5.00), k200K},
    CatalogEntry{"claude-3-7-sonnet", Usd(3.00, 15.00), k200K},
    CatalogEntry{"claude-3-5-sonnet", Usd(3.00, 15.00), k200K},
    CatalogEntry{"claude-3-5-haiku", Usd(0.80, 4.00), k200K},
    // Amazon Bedrock model ids (aws.amazon.com/bedrock/pricing, us-east-1 on-demand).
    CatalogEntry{"anthropic.claude-opus-4-1", Usd(15.00, 75.00), k200K},
    CatalogEntry{"anthropic.claude-opus-4", Usd(15.00, 75.00), k200K},
    CatalogEntry{"anthropic.claude-sonnet-4-5", Usd(3.00, 15.00), k200K},
    CatalogEntry{"anthropic.claude-sonnet-4", Usd(3.00, 15.00), k200K},
    CatalogEntry{"anthropic.claude-haiku-4-5", Usd(1.00, 5.00), k200K},
    CatalogEntry{"anthropic.claude-3-7-sonnet", Usd(3.00, 15.00), k200K},
    CatalogEntry{"anthropic.claude-3-5-sonnet", Usd(3.00, 15.00), k200K},
    CatalogEntry{"anthropic.claude-3-5-haiku", Usd(0.80, 4.00), k200K},
    CatalogEntry{"amazon.nova-pro", Usd(0.80, 3.20), 300'000},
    CatalogEntry{"amazon.nova-lite", Usd(0.06, 0.24), 300'000},
    CatalogEntry{"amazon.nova-micro", Usd(0.035, 0.14), k128K},
    CatalogEntry{"mistral.mistral-large-2407", Usd(2.00, 6.00), k128K},
    // Google Gemini API (ai.google.dev/gemini-api/docs/pricing, paid tier; 2.5 Pro: prompts up
    // to 200k tokens — longer prompts cost $2.50 / $15.00).
    CatalogEntry{"gemini-2.5-pro", Usd(1.25, 10.00), k1M},
    CatalogEntry{"gemini-2.5-flash", Usd(0.30, 2.50), k1M},
    CatalogEntry{"gemini-2.5-flash-lite", Usd(0.10, 0.40), k1M},
    CatalogEntry{"gemini-2.0-flash", Usd(0.10, 0.40), k1M},
    CatalogEntry{"gemini-2.0-flash-lite", Usd(0.075, 0.30), k1M},
    // DeepSeek (api-docs.deepseek.com/quick_start/pricing; cache-miss input price, V3.2).
    CatalogEntry{"deepseek-chat", Usd(0.28, 0.42), k128K},
    CatalogEntry{"deepseek-reasoner", Usd(0.28, 0.42), k128K},
    // Mistral (mistral.ai/pricing): only the dated Large 2 snapshots; "-latest" aliases move.
    CatalogEntry{"mistral-large-2407", Usd(2.00, 6.00), 131'072},
    CatalogEntry{"mistral-large-2411", Usd(2.00, 6.00), 131'072},
};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "v1", "v2:0"
bool IsVersionTag(std::string_view s) {
  if (s.size() < 2 || s[0] != 'v') return false;
  s.remove_prefix(1);
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos) return AllDigits(s);
  return AllDigits(s.substr(0, colon)) && AllDigits(s.substr(colon + 1));
}

// What may follow a catalog name and still be the same model: a snapshot date or number, "latest",
// a Bedrock version tag. The first part must be a date (≥ 4 digits), a 3-digit build number
// ("-001"), "latest" or a version tag: a short number such as "-6" is a different model
// (claude-opus-4-6), and words ("-mini", "-pro", "-preview") are other models or other prices.
bool IsSnapshotSuffix(std::string_view rest) {
  if (rest.empty()) return true;
  if (rest[0] != '-' && rest[0] != '@') return false;
  rest.remove_prefix(1);
  bool first = true;
  while (true) {
    const size_t dash = rest.find('-');
    const std::string_view part = rest.substr(0, dash);
    const bool ok =
        first ? ((AllDigits(part) && part.size() >= 3) || part == "latest" || IsVersionTag(part))
              : (AllDigits(part) || IsVersionTag(part));
    if (!ok) return false;
    if (dash == std::string_view::npos) return true;
    rest.remove_prefix(dash + 1);
    first = false;
  }
}

const CatalogEntry* Longest(std::string_view name) {
  const CatalogEntry* best = nullptr;
  for (const CatalogEntry& e : kCatalog) {
    if (name.substr(0, e.model.size()) != e.model) continue;
    if (!IsSnapshotSuffix(name.substr(e.model.size()))) continue;
    if (best == nullptr || e.model.size() > best->model.size()) best = &e;
  }
  return best;
}

}  // namespace

const CatalogEntry* LookupModel(std::string_view name) {
  if (const CatalogEntry* e = Longest(name)) return e;
  // Bedrock cross-region inference profiles: "us.anthropic.claude-…", "global.anthropic.…".
  const size_t dot = name.find('.');
  if (dot != std::string_view::npos && dot >= 2 && dot <= 6) {
    bool letters = true;
    for (char c : name.substr(0, dot)) letters = letters && c >= 'a' && c <= 'z';
    if (letters) return Longest(name.substr(dot + 1));
  }
  return nullptr;
}

std::optional<Prices> BuiltinPrices(std::string_view model) {
  const CatalogEntry* e = LookupModel(model);
  return e ? e->prices : std::nullopt;
}

uint64_t BuiltinContextWindow(std::string_view model) {
  const CatalogEntry* e = LookupModel(model);
  return e ? e->context_window : 0;
}

std::span<const CatalogEntry> BuiltinCatalog() { return kCatalog; }

std::optional<uint64_t> ParseUsdToMicros(std::string_view text) {
  if (!text.empty() && text[0] == '$') text.remove_prefix(1);
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if ((!whole.empty() && !AllDigits(whole)) || whole.size() > 7) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || !AllDigits(frac) || frac.size() > 6))
    return std::nullopt;
  uint64_t micros = 0;
  for (char c : whole) micros = micros * 10 + static_cast<uint64_t>(c - '0');
  micros *= kMicrosPerDollar;
  uint64_t scale = kMicrosPerDollar / 10;
  for (char c : frac) {
    micros += static_cast<uint64_t>(c - '0') * scale;
    scale /= 10;
  }
  if (micros > 1'000'000 * kMicrosPerDollar) return std::nullopt;
  return micros;
}

}  // namespace sluice::config
