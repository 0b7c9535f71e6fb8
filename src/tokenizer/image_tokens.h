// Image token costs by the providers' documented formulas, and image size sniffing from data: URIs.
//   OpenAI (gpt-4o family): detail "low" = base; otherwise fit in 2048x2048, scale the short side to
//   768, tokens = base + per_tile * ceil(w/512) * ceil(h/512). base/per_tile = 85/170 (gpt-4o),
//   2833/5667 (gpt-4o-mini).
//   Anthropic: long edge scaled to <= 1568 px (and <= ~1.15 MP), tokens = ceil(w * h / 750).
// An image whose size is unknown (a remote URL) is costed at the largest size the formula allows,
// so pre-admission limits err on the safe side.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

namespace sluice::tokenizer {

struct ImageSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

// Width and height of a PNG, GIF, JPEG or WebP given as "data:image/...;base64,...". Decodes only the
// header bytes it needs. nullopt for a URL, another format or a malformed header.
std::optional<ImageSize> SniffDataUriImageSize(std::string_view url);

// Same, from raw image bytes.
std::optional<ImageSize> SniffImageSize(std::string_view bytes);

uint64_t OpenAiImageTokens(std::optional<ImageSize> size, bool low_detail, bool mini_pricing);
uint64_t AnthropicImageTokens(std::optional<ImageSize> size);

// The cost of an OpenAI `{"type":"image_url","image_url":{"url","detail"}}` content part (`image_url` may
// also be the URL string itself).
uint64_t OpenAiImagePartTokens(const boost::json::object& part, bool mini_pricing);

}  // namespace sluice::tokenizer
