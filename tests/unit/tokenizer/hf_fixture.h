// A tiny Hugging Face tokenizer.json built in code for tests: ids 0..255 are the single bytes (written in
// GPT-2's byte-level alphabet), then one token per merge in merge order, then `extra` whole tokens (no
// merge builds them), then the added tokens. Text pieces are ASCII here, so byte-level spelling = text,
// except that a space is written "Ġ" inside vocabulary and merge strings.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tokenizer/hf_bpe.h"

namespace sluice::tokenizer::testing {

inline std::string ByteLevel(const std::string& bytes) {
  std::string out;
  for (unsigned char b : bytes) {
    const uint32_t cp = ByteToCodePoint(b);
    if (cp < 0x80) out += static_cast<char>(cp);
    else out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

struct TinySpec {
  std::string normalizer = "null";
  std::string pre_tokenizer = R"({"type":"ByteLevel","add_prefix_space":false,"use_regex":true})";
  std::vector<std::pair<std::string, std::string>> merges;  // raw bytes, in rank order
  std::vector<std::string> extra;                           // whole tokens without a merge path
  std::vector<std::string> added;                           // added tokens (special)
  bool ignore_merges = false;
  bool array_merges = false;  // ["a","b"] instead of "a b"
  std::string model_type = "BPE";
};

inline std::string TinyTokenizerJson(const TinySpec& spec) {
  namespace json = boost::json;
  json::object vocab;
  uint32_t id = 0;
  for (int b = 0; b < 256; ++b) vocab[ByteLevel(std::string(1, static_cast<char>(b)))] = id++;
  json::array merges;
  for (const auto& [a, b] : spec.merges) {
    if (!vocab.contains(ByteLevel(a + b))) vocab[ByteLevel(a + b)] = id++;
    if (spec.array_merges) merges.push_back(json::array{json::value(ByteLevel(a)), json::value(ByteLevel(b))});
    else merges.push_back(json::value(ByteLevel(a) + " " + ByteLevel(b)));
  }
  for (const std::string& e : spec.extra) vocab[ByteLevel(e)] = id++;
  json::array added;
  for (const std::string& a : spec.added) {
    added.push_back(json::object{{"id", id++}, {"content", a}, {"special", true}, {"lstrip", false},
                                 {"rstrip", false}, {"normalized", false}, {"single_word", false}});
  }
  json::object model{{"type", spec.model_type}, {"dropout", nullptr}, {"unk_token", nullptr},
                     {"byte_fallback", false}, {"ignore_merges", spec.ignore_merges},
                     {"vocab", std::move(vocab)}, {"merges", std::move(merges)}};
  json::object root{{"version", "1.0"}, {"added_tokens", std::move(added)}, {"normalizer", json::parse(spec.normalizer)},
                    {"pre_tokenizer", json::parse(spec.pre_tokenizer)}, {"model", std::move(model)}};
  return json::serialize(root);
}

}  // namespace sluice::tokenizer::testing
