// BuildScript: the deterministic answer (content, tool calls, usage) for a chat call and a Behaviour.
// Thread rule: pure functions.
#include "mock_llm/script.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::mock_llm {
namespace {

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> out;
  out.reserve(text.size() / 4 + 1);
  size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (i < text.size()) {
    while (i < text.size() && space(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !space(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// The UTF-8-safe prefix of at most `max` bytes.
std::string_view Utf8Prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

uint64_t EstimateTextTokens(size_t text_bytes) { return (text_bytes + 3) / 4; }

std::string Script::Content() const {
  std::string out;
  for (const auto& c : content_chunks) out += c;
  return out;
}

std::string Script::Thinking() const {
  std::string out;
  for (const auto& c : thinking_chunks) out += c;
  return out;
}

uint64_t Script::GeneratedTokens() const {
  uint64_t n = 0;
  for (uint32_t t : chunk_tokens) n += t;
  for (uint32_t t : thinking_tokens) n += t;
  for (const auto& t : tool_calls) n += 1 + t.fragments.size();
  return n;
}

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Fnv1a(std::string_view a, std::string_view b) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : a) h = (h ^ c) * 0x100000001b3ull;
  h = (h ^ 0xff) * 0x100000001b3ull;
  for (unsigned char c : b) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string Base64(const unsigned char* data, size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = uint32_t{data[i]} << 16;
    if (i + 1 < n) v |= uint32_t{data[i + 1]} << 8;
    if (i + 2 < n) v |= data[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < n ? kAlphabet[v & 63] : '=');
  }
  return out;
}

std::vector<std::string> SplitUtf8(std::string_view text, size_t piece_bytes) {
  std::vector<std::string> out;
  piece_bytes = std::max<size_t>(piece_bytes, 4);
  while (!text.empty()) {
    std::string_view piece = Utf8Prefix(text, piece_bytes);
    if (piece.empty()) piece = text.substr(0, std::min(text.size(), piece_bytes));  // invalid UTF-8
    out.emplace_back(piece);
    text.remove_prefix(piece.size());
  }
  return out;
}

std::string Filler(size_t bytes) {
  static constexpr std::string_view kPattern = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
  std::string out;
  out.reserve(bytes);
  while (out.size() < bytes) out.append(kPattern.substr(0, std::min(kPattern.size(), bytes - out.size())));
  return out;
}

namespace {

// "thought0 thought1 …", tokens_per_chunk words a chunk, plus a signature derived from the text.
void AddThinking(uint32_t chunks, uint32_t tpc, Script& s) {
  std::string chunk;
  uint64_t word = 0;
  for (uint32_t c = 0; c < chunks; ++c) {
    for (uint32_t t = 0; t < tpc; ++t, ++word) {
      if (word > 0) chunk += ' ';
      chunk += "thought";
      chunk += std::to_string(word);
    }
    s.thinking_chunks.push_back(std::move(chunk));
    s.thinking_tokens.push_back(tpc);
    chunk.clear();
  }
  uint64_t state = Fnv1a("mock-thinking-signature", s.Thinking());
  unsigned char bytes[kThinkingSignatureBytes];
  for (size_t i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<unsigned char>(SplitMix(state));
  s.thinking_signature = Base64(bytes, sizeof bytes);
}

// Cuts the content before the earliest stop sequence; returns the tokens left.
uint64_t ApplyStopSequences(const std::vector<std::string>& stops, Script& s, uint64_t tokens) {
  const std::string text = s.Content();
  size_t cut = std::string::npos;
  for (const auto& stop : stops) {
    if (stop.empty()) continue;
    size_t at = text.find(stop);
    if (at != std::string::npos && (cut == std::string::npos || at < cut)) {
      cut = at;
      s.matched_stop = stop;
    }
  }
  if (cut == std::string::npos) return tokens;
  size_t offset = 0;
  tokens = 0;
  for (size_t i = 0; i < s.content_chunks.size(); ++i) {
    std::string& chunk = s.content_chunks[i];
    if (offset + chunk.size() <= cut) {
      offset += chunk.size();
      tokens += s.chunk_tokens[i];
      continue;
    }
    chunk.resize(cut - offset);  // the chunk holding the match keeps the words before it
    uint32_t words = static_cast<uint32_t>(SplitWords(chunk).size());
    size_t keep = i;
    if (!chunk.empty()) {
      s.chunk_tokens[i] = words;  // a whitespace-only remainder costs no token
      tokens += s.chunk_tokens[i];
      keep = i + 1;
    }
    s.content_chunks.resize(keep);
    s.chunk_tokens.resize(keep);
    break;
  }
  s.finish_reason = "stop";
  return tokens;
}

}  // namespace

Script BuildScript(const ChatCall& call, const Behaviour& b) {
  Script s;
  const uint32_t tpc = std::max<uint32_t>(1, b.tokens_per_chunk);
  uint64_t completion = 0;

  if (b.safety == Safety::kPrompt) {  // refused before generation: prompt tokens only
    s.prompt_blocked = true;
    s.finish_reason = "content_filter";
    s.usage.prompt_tokens = b.prompt_tokens.value_or(call.prompt_tokens_estimate);
    s.usage.cached_tokens = std::min(b.cached_tokens, s.usage.prompt_tokens);
    return s;
  }
  const uint32_t thinking = b.thinking_chunks.value_or(call.thinking_requested ? kDefaultThinkingChunks : 0);
  if (thinking > 0) AddThinking(thinking, tpc, s);
  uint64_t thinking_tokens = 0;
  for (uint32_t t : s.thinking_tokens) thinking_tokens += t;

  if (b.tool_calls > 0 && b.safety != Safety::kResponse) {
    s.finish_reason = "tool_calls";
    for (uint32_t k = 0; k < b.tool_calls; ++k) {
      ToolCallScript t;
      t.id = "call_mock_" + std::to_string(k);
      t.name = call.tool_names.empty() ? "mock_tool_" + std::to_string(k)
                                       : call.tool_names[k % call.tool_names.size()];
      boost::json::object args;
      args["index"] = k;
      args["text"] = Utf8Prefix(call.last_user_text, 32);
      t.arguments = boost::json::serialize(args);
      t.fragments = SplitUtf8(t.arguments, kToolArgFragmentBytes);
      completion += 1 + t.fragments.size();  // one for the name, one per streamed argument fragment
      s.tool_calls.push_back(std::move(t));
    }
  } else if (b.response_bytes) {
    // A body of a chosen size: filler text spread over the chunks, ~4 bytes a token.
    uint32_t chunks = b.chunks.value_or(kDefaultChunks);
    if (chunks == 0) chunks = 1;
    std::string text = Filler(*b.response_bytes);
    size_t per = (text.size() + chunks - 1) / chunks;
    for (uint32_t i = 0; i < chunks; ++i) {
      size_t from = std::min(text.size(), size_t{i} * per);
      size_t len = std::min(per, text.size() - from);
      s.content_chunks.push_back(text.substr(from, len));
      s.chunk_tokens.push_back(static_cast<uint32_t>(std::max<uint64_t>(1, EstimateTextTokens(len))));
      completion += s.chunk_tokens.back();
    }
  } else {
    std::vector<std::string_view> words;
    if (b.content == ContentMode::kEcho) words = SplitWords(call.last_user_text);
    uint64_t tokens = 0;
    if (b.chunks) {
      tokens = uint64_t{*b.chunks} * tpc;
    } else if (!words.empty()) {
      tokens = std::min<uint64_t>(words.size(), kMaxEchoWords);
    } else {
      tokens = uint64_t{kDefaultChunks} * tpc;
    }
    if (call.max_tokens) {  // thinking spends the budget first, as with the real max_tokens
      uint64_t budget = *call.max_tokens > thinking_tokens ? *call.max_tokens - thinking_tokens : 0;
      if (tokens > budget) {
        tokens = budget;
        s.finish_reason = "length";
      }
    }
    const size_t chunk_count = static_cast<size_t>((tokens + tpc - 1) / tpc);
    s.content_chunks.reserve(chunk_count);
    s.chunk_tokens.reserve(chunk_count);
    std::string chunk;
    uint32_t in_chunk = 0;
    for (uint64_t i = 0; i < tokens; ++i) {
      if (i > 0) chunk += ' ';
      if (words.empty()) {
        chunk += "token";
        chunk += std::to_string(i);
      } else {
        chunk += words[i % words.size()];
      }
      if (++in_chunk == tpc || i + 1 == tokens) {
        s.content_chunks.push_back(std::move(chunk));
        s.chunk_tokens.push_back(in_chunk);
        chunk.clear();
        in_chunk = 0;
      }
    }
    if (!call.stop_sequences.empty()) tokens = ApplyStopSequences(call.stop_sequences, s, tokens);
    completion = tokens;
  }
  if (b.safety == Safety::kResponse) {  // the output filter cuts the answer after its first chunk
    if (s.content_chunks.size() > 1) {
      s.content_chunks.resize(1);
      s.chunk_tokens.resize(1);
    }
    completion = s.chunk_tokens.empty() ? 0 : s.chunk_tokens[0];
    s.matched_stop.clear();
    s.finish_reason = "content_filter";
  }

  s.usage.prompt_tokens = b.prompt_tokens.value_or(call.prompt_tokens_estimate);
  s.usage.cached_tokens = std::min(b.cached_tokens, s.usage.prompt_tokens);
  s.usage.cache_creation_tokens = std::min(b.cache_creation_tokens, s.usage.prompt_tokens - s.usage.cached_tokens);
  s.usage.reasoning_tokens = b.reasoning_tokens + thinking_tokens;
  s.usage.completion_tokens = completion + s.usage.reasoning_tokens;
  return s;
}

}  // namespace sluice::mock_llm
