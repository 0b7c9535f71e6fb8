// Built-in facts about well-known upstream models: list prices (USD per million tokens, stored as
// integer micro-dollars) and context windows, used by least-cost routing and by the context-window
// check when a target does not state them. Source and date of every price: docs/routing.md
// ("Built-in price table"). A price we could not confirm from the vendor is left out, not guessed.
// Thread rule: immutable static data and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "config/schema.h"

namespace sluice::config {

struct CatalogEntry {
  std::string_view model;        // upstream model name (or Bedrock id without region prefix)
  std::optional<Prices> prices;  // absent: price unknown (only the context window is known)
  uint64_t context_window = 0;   // tokens, input + output; 0 = unknown
};

// The entry for an upstream model name: the longest entry `E` such that the name is `E` itself or
// `E` followed by a snapshot suffix: `-2024-08-06`, `-20250514`, `@20250805` (Vertex), `-001`,
// `-latest`, `-v1:0` (Bedrock) and combinations. So "gpt-4o-2024-11-20" is gpt-4o, while
// "gpt-4o-mini" is not gpt-4o and "gpt-5-pro" / "claude-opus-4-6" match nothing rather than a
// sibling with another price. A Bedrock cross-region prefix ("us.", "eu.", "apac.", "global.") is
// ignored. nullptr when unknown.
const CatalogEntry* LookupModel(std::string_view upstream_model);

std::optional<Prices> BuiltinPrices(std::string_view upstream_model);
uint64_t BuiltinContextWindow(std::string_view upstream_model);  // 0 = unknown

std::span<const CatalogEntry> BuiltinCatalog();

// "2.50" → 2'500'000 micro-dollars: exact decimal arithmetic (no binary floating point), up to six
// decimals, at most $1,000,000. nullopt on anything else.
std::optional<uint64_t> ParseUsdToMicros(std::string_view text);

}  // namespace sluice::config
