// Encoding: vocabulary parsing, encode, count, decode. Thread rule: see encoding.h.
#include "tokenizer/encoding.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <sstream>

#include "tokenizer/bpe.h"

namespace sluice::tokenizer {
namespace {

core::Error LoadError(std::string message) {
  core::Error error;
  error.code = core::ErrorCode::kInternal;
  error.message = std::move(message);
  return error;
}

int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool DecodeBase64(std::string_view in, std::string& out) {
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    if (c == '=') break;
    const int v = Base64Value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

// bpe_ranks: lines of "! <first rank> <base64 token> <base64 token> ...", ranks consecutive per line.
bool ParseRanks(std::string_view text, RankTable& ranks, std::string& why) {
  std::string bytes;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (line.empty()) continue;
    size_t field = 0;
    uint64_t rank = 0;
    size_t pos = 0;
    while (pos <= line.size()) {
      size_t sp = line.find(' ', pos);
      if (sp == std::string_view::npos) sp = line.size();
      const std::string_view word = line.substr(pos, sp - pos);
      pos = sp + 1;
      if (field == 1) {
        rank = 0;
        for (char c : word) {
          if (c < '0' || c > '9') return why = "bad rank offset", false;
          rank = rank * 10 + static_cast<uint64_t>(c - '0');
        }
      } else if (field >= 2 && !word.empty()) {
        if (!DecodeBase64(word, bytes) || bytes.empty()) return why = "bad base64 token", false;
        if (rank >= kNoRank || !ranks.Insert(bytes, static_cast<uint32_t>(rank))) {
          return why = "duplicate or invalid rank " + std::to_string(rank), false;
        }
        ++rank;
      }
      ++field;
    }
  }
  return true;
}

}  // namespace

std::string_view EncodingName(EncodingId id) {
  return id == EncodingId::kO200kBase ? "o200k_base" : "cl100k_base";
}

bool ParseEncodingName(std::string_view name, EncodingId* id) {
  if (name == "o200k_base") *id = EncodingId::kO200kBase;
  else if (name == "cl100k_base") *id = EncodingId::kCl100kBase;
  else return false;
  return true;
}

Encoding::Encoding(EncodingId id)
    : id_(id), pattern_(id == EncodingId::kO200kBase ? SplitPattern::kO200k : SplitPattern::kCl100k) {}

core::Result<std::unique_ptr<Encoding>> Encoding::FromJson(EncodingId id, std::string_view json) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json, ec);
  if (ec || !root.is_object()) return LoadError("vocabulary file is not a JSON object");
  const boost::json::object& obj = root.get_object();
  const auto* pat = obj.if_contains("pat_str");
  const auto* specials = obj.if_contains("special_tokens");
  const auto* bpe = obj.if_contains("bpe_ranks");
  if (!pat || !pat->is_string() || !bpe || !bpe->is_string() || !specials || !specials->is_object()) {
    return LoadError("vocabulary file lacks pat_str, special_tokens or bpe_ranks");
  }
  std::unique_ptr<Encoding> enc(new Encoding(id));
  if (std::string_view(pat->get_string()) != PatternString(enc->pattern_)) {
    return LoadError(std::string("vocabulary pat_str does not match the ") +
                     std::string(EncodingName(id)) + " pre-tokenizer");
  }
  std::string why;
  if (!ParseRanks(bpe->get_string(), enc->ranks_, why)) return LoadError("bpe_ranks: " + why);
  enc->ranks_.Finish();
  for (int b = 0; b < 256; ++b) {  // BPE relies on every single byte being a token
    const char c = static_cast<char>(b);
    if (enc->ranks_.Find(std::string_view(&c, 1)) == kNoRank) return LoadError("a byte has no rank");
  }
  for (const auto& [key, value] : specials->get_object()) {
    if (!value.is_int64() || value.get_int64() < 0) return LoadError("bad special token id");
    enc->specials_.emplace_back(std::string(key), static_cast<uint32_t>(value.get_int64()));
  }
  return enc;
}

core::Result<std::unique_ptr<Encoding>> Encoding::FromFile(EncodingId id, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return LoadError("cannot read vocabulary " + path + " (run scripts/fetch-vocab.sh or set SLUICE_VOCAB_DIR)");
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return FromJson(id, buf.str());
}

void Encoding::EncodeOrdinary(std::string_view text, std::vector<uint32_t>& out) const {
  ForEachPiece(pattern_, text, [&](std::string_view piece) {
    BytePairEncode(ranks_, piece, out);
    return true;
  });
}

std::vector<uint32_t> Encoding::EncodeOrdinary(std::string_view text) const {
  std::vector<uint32_t> out;
  out.reserve(text.size() / 3 + 1);
  EncodeOrdinary(text, out);
  return out;
}

std::vector<uint32_t> Encoding::EncodeWithSpecial(std::string_view text) const {
  std::vector<uint32_t> out;
  size_t pos = 0;
  while (pos < text.size()) {
    // Earliest special token; on a tie at one position the longest wins (none of ours are prefixes).
    size_t best = std::string_view::npos;
    const std::pair<std::string, uint32_t>* which = nullptr;
    for (const auto& sp : specials_) {
      const size_t at = text.find(sp.first, pos);
      if (at < best || (at == best && which && sp.first.size() > which->first.size())) {
        best = at;
        which = &sp;
      }
    }
    const size_t stop = which ? best : text.size();
    EncodeOrdinary(text.substr(pos, stop - pos), out);
    if (!which) break;
    out.push_back(which->second);
    pos = best + which->first.size();
  }
  return out;
}

uint64_t Encoding::Count(std::string_view text, uint64_t limit) const {
  uint64_t count = 0;
  ForEachPiece(pattern_, text, [&](std::string_view piece) {
    count += BytePairCount(ranks_, piece);
    return count <= limit;
  });
  return count;
}

std::string Encoding::Decode(const std::vector<uint32_t>& ids) const {
  std::string out;
  for (uint32_t id : ids) {
    std::string_view bytes = ranks_.Bytes(id);
    if (bytes.empty()) {
      for (const auto& sp : specials_) {
        if (sp.second == id) bytes = sp.first;
      }
    }
    out.append(bytes);
  }
  return out;
}

uint32_t Encoding::vocab_size() const {
  uint32_t n = ranks_.max_rank() + 1;
  for (const auto& sp : specials_) n = std::max(n, sp.second + 1);
  return n;
}

}  // namespace sluice::tokenizer
