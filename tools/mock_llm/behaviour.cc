// Behaviour parsing: model-name segments ("mock-delay-200ms-tools-3") then x-mock-* headers.
// Thread rule: pure functions.
#include "mock_llm/behaviour.h"

#include <charconv>
#include <limits>

namespace sluice::mock_llm {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whole-string unsigned decimal with an upper bound; nullopt on anything else.
std::optional<uint64_t> ParseUint(std::string_view s, uint64_t max) {
  s = Trim(s);
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

// "200ms" or "200" → 200 (milliseconds).
std::optional<uint64_t> ParseMs(std::string_view s, uint64_t max) {
  s = Trim(s);
  if (s.size() > 2 && s.substr(s.size() - 2) == "ms") s.remove_suffix(2);
  return ParseUint(s, max);
}

std::vector<std::string_view> SplitDash(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-' || s[i] == '_' || s[i] == '/' || s[i] == ':') {
      if (i > start) out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

constexpr uint64_t kMaxMs = 24ull * 3600 * 1000;
constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();

core::Error BadHeader(std::string_view name, std::string_view value, std::string_view expected) {
  core::Error e;
  e.code = core::ErrorCode::kInvalidRequest;
  e.message = "mock: invalid ";
  e.message.append(name).append(" header value '").append(value).append("' (expected ");
  e.message.append(expected).append(")");
  return e;
}

}  // namespace

void ApplyModelName(std::string_view model, Behaviour& out) {
  std::vector<std::string_view> seg = SplitDash(model);
  for (size_t i = 0; i < seg.size(); ++i) {
    std::string_view key = seg[i];
    std::string_view next = i + 1 < seg.size() ? seg[i + 1] : std::string_view{};
    auto take = [&](auto parsed, auto& field) {
      if (parsed) {
        field = static_cast<std::remove_reference_t<decltype(field)>>(*parsed);
        ++i;
      }
    };
    if (key == "delay") {
      take(ParseMs(next, kMaxMs), out.delay_ms);
    } else if (key == "ttft") {
      take(ParseMs(next, kMaxMs), out.ttft_ms);
    } else if (key == "tps") {
      take(ParseUint(next, kU32), out.tps);
    } else if (key == "chunks") {
      if (auto v = ParseUint(next, kMaxChunks)) { out.chunks = static_cast<uint32_t>(*v); ++i; }
    } else if (key == "tpc") {
      if (auto v = ParseUint(next, 4096); v && *v > 0) { out.tokens_per_chunk = static_cast<uint32_t>(*v); ++i; }
    } else if ((key == "error" || key == "abort" || key == "retry") && next == "after") {
      // error-after-N, abort-after-N (data events), retry-after-N (seconds): gateways do not forward the
      // client's x-mock-* headers upstream, so these must be reachable through the model name.
      std::string_view count = i + 2 < seg.size() ? seg[i + 2] : std::string_view{};
      if (key == "retry") {
        if (auto v = ParseUint(count, kU32)) { out.retry_after_s = static_cast<uint32_t>(*v); i += 2; }
      } else if (auto v = ParseUint(count, kMaxChunks)) {
        (key == "error" ? out.error_after_chunks : out.abort_after_chunks) = static_cast<uint32_t>(*v);
        i += 2;
        // error-after-N-SSS: the in-stream error stands for status SSS (e.g. Bedrock throttlingException).
        std::string_view status = i + 1 < seg.size() ? seg[i + 1] : std::string_view{};
        if (key == "error") {
          if (auto st = ParseUint(status, 599); st && *st >= 400) {
            out.stream_error_status = static_cast<uint16_t>(*st);
            ++i;
          }
        }
      }
    } else if (key == "error") {
      if (auto v = ParseUint(next, 599); v && *v >= 400) { out.error_status = static_cast<uint16_t>(*v); ++i; }
    } else if (key == "cached") {
      if (auto v = ParseUint(next, 1ull << 40)) { out.cached_tokens = *v; ++i; }
    } else if (key == "thinking") {
      out.thinking_chunks = kDefaultThinkingChunks;
      if (auto v = ParseUint(next, kMaxThinkingChunks)) { out.thinking_chunks = static_cast<uint32_t>(*v); ++i; }
    } else if (key == "safety") {
      if (next == "prompt") { out.safety = Safety::kPrompt; ++i; }
      else if (next == "response") { out.safety = Safety::kResponse; ++i; }
    } else if (key == "hang") {
      if (next == "headers") { out.hang = Hang::kHeaders; ++i; }
      else if (next == "body") { out.hang = Hang::kBody; ++i; }
    } else if (key.find("tools") != std::string_view::npos) {
      out.tool_calls = kDefaultToolCallsForModel;
      if (auto v = ParseUint(next, kMaxToolCalls); v && *v > 0) { out.tool_calls = static_cast<uint32_t>(*v); ++i; }
    }
  }
}

core::Result<Behaviour> ParseBehaviour(std::string_view model, const HeaderList& headers) {
  Behaviour b;
  ApplyModelName(model, b);
  for (const auto& [raw_name, raw_value] : headers) {
    if (raw_name.size() < 7 || !IEquals(raw_name.substr(0, 7), "x-mock-")) continue;
    std::string_view name = raw_name.substr(7);
    std::string_view value = Trim(raw_value);
    auto num = [&](uint64_t max, auto& field, std::string_view expected) -> bool {
      auto v = ParseUint(value, max);
      if (!v) return false;
      field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
      (void)expected;
      return true;
    };
    bool ok = true;
    std::string_view expected = "a non-negative integer";
    if (IEquals(name, "delay-ms")) {
      ok = num(kMaxMs, b.delay_ms, expected);
    } else if (IEquals(name, "ttft-ms")) {
      ok = num(kMaxMs, b.ttft_ms, expected);
    } else if (IEquals(name, "tps")) {
      ok = num(kU32, b.tps, expected);
    } else if (IEquals(name, "chunks")) {
      uint32_t v = 0;
      expected = "0..100000";
      ok = num(kMaxChunks, v, expected);
      if (ok) b.chunks = v;
    } else if (IEquals(name, "tokens-per-chunk")) {
      expected = "1..4096";
      ok = num(4096, b.tokens_per_chunk, expected) && b.tokens_per_chunk > 0;
    } else if (IEquals(name, "content")) {
      expected = "echo or tokens";
      if (IEquals(value, "echo")) b.content = ContentMode::kEcho;
      else if (IEquals(value, "tokens")) b.content = ContentMode::kTokens;
      else ok = false;
    } else if (IEquals(name, "error-status")) {
      expected = "an HTTP status 400..599";
      ok = num(599, b.error_status, expected) && b.error_status >= 400;
    } else if (IEquals(name, "retry-after")) {
      uint32_t v = 0;
      ok = num(kU32, v, expected);
      if (ok) b.retry_after_s = v;
    } else if (IEquals(name, "error-after-chunks")) {
      uint32_t v = 0;
      ok = num(kMaxChunks, v, expected);
      if (ok) b.error_after_chunks = v;
    } else if (IEquals(name, "stream-error-status")) {
      expected = "an HTTP status 400..599";
      ok = num(599, b.stream_error_status, expected) && b.stream_error_status >= 400;
    } else if (IEquals(name, "safety")) {
      expected = "prompt, response or none";
      if (IEquals(value, "prompt")) b.safety = Safety::kPrompt;
      else if (IEquals(value, "response")) b.safety = Safety::kResponse;
      else if (IEquals(value, "none")) b.safety = Safety::kNone;
      else ok = false;
    } else if (IEquals(name, "abort-after-chunks")) {
      uint32_t v = 0;
      ok = num(kMaxChunks, v, expected);
      if (ok) b.abort_after_chunks = v;
    } else if (IEquals(name, "hang")) {
      expected = "headers, body or none";
      if (IEquals(value, "headers")) b.hang = Hang::kHeaders;
      else if (IEquals(value, "body")) b.hang = Hang::kBody;
      else if (IEquals(value, "none")) b.hang = Hang::kNone;
      else ok = false;
    } else if (IEquals(name, "tool-calls")) {
      expected = "0..128";
      ok = num(kMaxToolCalls, b.tool_calls, expected);
    } else if (IEquals(name, "prompt-tokens")) {
      uint64_t v = 0;
      ok = num(1ull << 40, v, expected);
      if (ok) b.prompt_tokens = v;
    } else if (IEquals(name, "cached-tokens")) {
      ok = num(1ull << 40, b.cached_tokens, expected);
    } else if (IEquals(name, "cache-creation-tokens")) {
      ok = num(1ull << 40, b.cache_creation_tokens, expected);
    } else if (IEquals(name, "thinking")) {
      uint32_t v = 0;
      expected = "0..10000 thinking chunks";
      ok = num(kMaxThinkingChunks, v, expected);
      if (ok) b.thinking_chunks = v;
    } else if (IEquals(name, "reasoning-tokens")) {
      ok = num(1ull << 40, b.reasoning_tokens, expected);
    } else if (IEquals(name, "response-bytes")) {
      uint64_t v = 0;
      expected = "0..67108864";
      ok = num(kMaxResponseBytes, v, expected);
      if (ok) b.response_bytes = v;
    } else {
      core::Error e;
      e.code = core::ErrorCode::kInvalidRequest;
      e.message = "mock: unknown header ";
      e.message.append(raw_name).append(" (see docs/mock_llm.md)");
      return e;
    }
    if (!ok) return BadHeader(raw_name, value, expected);
  }
  return b;
}

}  // namespace sluice::mock_llm
