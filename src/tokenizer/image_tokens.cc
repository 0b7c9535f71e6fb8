// Image token formulas and header sniffing. Thread rule: pure functions.
#include "tokenizer/image_tokens.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sluice::tokenizer {
namespace {

uint32_t Be16(const unsigned char* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t Be32(const unsigned char* p) { return (Be16(p) << 16) | Be16(p + 2); }
uint32_t Le16(const unsigned char* p) { return (uint32_t{p[1]} << 8) | p[0]; }
uint32_t Le24(const unsigned char* p) { return Le16(p) | (uint32_t{p[2]} << 16); }

std::string DecodeBase64Prefix(std::string_view in, size_t max_bytes) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else break;  // '=' or garbage: stop
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
      if (out.size() >= max_bytes) break;
    }
  }
  return out;
}

std::optional<ImageSize> Valid(uint32_t w, uint32_t h) {
  if (w == 0 || h == 0) return std::nullopt;
  return ImageSize{w, h};
}

}  // namespace

std::optional<ImageSize> SniffImageSize(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  if (n >= 24 && bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n") return Valid(Be32(p + 16), Be32(p + 20));
  if (n >= 10 && (bytes.substr(0, 6) == "GIF87a" || bytes.substr(0, 6) == "GIF89a")) {
    return Valid(Le16(p + 6), Le16(p + 8));
  }
  if (n >= 30 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") {
    const std::string_view chunk = bytes.substr(12, 4);
    if (chunk == "VP8X") return Valid(Le24(p + 24) + 1, Le24(p + 27) + 1);
    if (chunk == "VP8 " && n >= 30) return Valid(Le16(p + 26) & 0x3FFF, Le16(p + 28) & 0x3FFF);
    if (chunk == "VP8L" && n >= 25) {
      const uint32_t b = uint32_t{p[21]} | (uint32_t{p[22]} << 8) | (uint32_t{p[23]} << 16) |
                         (uint32_t{p[24]} << 24);
      return Valid((b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1);
    }
    return std::nullopt;
  }
  if (n >= 4 && p[0] == 0xFF && p[1] == 0xD8) {  // JPEG: walk the segments to a start-of-frame
    size_t i = 2;
    while (i + 9 < n) {
      if (p[i] != 0xFF) return std::nullopt;
      const unsigned char marker = p[i + 1];
      if (marker == 0xFF) { ++i; continue; }  // fill byte
      const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) return Valid(Be16(p + i + 7), Be16(p + i + 5));
      if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) { i += 2; continue; }
      i += 2 + Be16(p + i + 2);
    }
  }
  return std::nullopt;
}

std::optional<ImageSize> SniffDataUriImageSize(std::string_view url) {
  if (url.substr(0, 5) != "data:") return std::nullopt;
  const size_t comma = url.find(',');
  if (comma == std::string_view::npos || url.substr(0, comma).find(";base64") == std::string_view::npos) {
    return std::nullopt;
  }
  // 64 KB of header is enough for any JPEG whose EXIF/ICC segments precede the frame header.
  return SniffImageSize(DecodeBase64Prefix(url.substr(comma + 1), 64 * 1024));
}

uint64_t OpenAiImageTokens(std::optional<ImageSize> size, bool low_detail, bool mini_pricing) {
  const uint64_t base = mini_pricing ? 2833 : 85;
  const uint64_t per_tile = mini_pricing ? 5667 : 170;
  if (low_detail) return base;
  // Unknown size: the worst case after scaling is 768 x 2048 (short side 768), i.e. 2 x 4 tiles.
  double w = size ? size->width : 768, h = size ? size->height : 2048;
  if (std::max(w, h) > 2048) {
    const double s = 2048 / std::max(w, h);
    w *= s;
    h *= s;
  }
  if (std::min(w, h) > 768) {
    const double s = 768 / std::min(w, h);
    w *= s;
    h *= s;
  }
  const uint64_t tiles = static_cast<uint64_t>(std::ceil(w / 512)) * static_cast<uint64_t>(std::ceil(h / 512));
  return base + per_tile * tiles;
}

uint64_t AnthropicImageTokens(std::optional<ImageSize> size) {
  // Unknown size: Anthropic's documented maximum after resizing is about 1600 tokens (~1.15 MP).
  if (!size) return 1600;
  double w = size->width, h = size->height;
  if (std::max(w, h) > 1568) {
    const double s = 1568 / std::max(w, h);
    w *= s;
    h *= s;
  }
  if (w * h > 1'150'000) {
    const double s = std::sqrt(1'150'000 / (w * h));
    w *= s;
    h *= s;
  }
  return static_cast<uint64_t>(std::ceil(std::floor(w) * std::floor(h) / 750));
}

uint64_t OpenAiImagePartTokens(const boost::json::object& part, bool mini_pricing) {
  std::string_view url, detail;
  if (const boost::json::value* iu = part.if_contains("image_url"); iu && iu->is_object()) {
    const boost::json::object& o = iu->get_object();
    if (const auto* u = o.if_contains("url"); u && u->is_string()) url = u->get_string();
    if (const auto* d = o.if_contains("detail"); d && d->is_string()) detail = d->get_string();
  } else if (iu && iu->is_string()) {
    url = iu->get_string();
  }
  return OpenAiImageTokens(SniffDataUriImageSize(url), detail == "low", mini_pricing);
}

}  // namespace sluice::tokenizer
