// tokenizer_dump: reads JSON-string lines from stdin (one text per line) and prints, per line, the JSON
// array of token ids Sluice produces. Used by parity.cjs to compare with the tiktoken npm package.
// Usage: tokenizer_dump <o200k_base|cl100k_base> [--special] [--count]
//   --special: special-token strings become special ids (tiktoken allowed_special="all")
//   --count:   also check Count() == number of ids, and exit 3 on a mismatch
// Thread rule: single-threaded tool.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <iostream>
#include <string>

#include "ids_line.h"
#include "tokenizer/registry.h"

int main(int argc, char** argv) {
  using namespace sluice::tokenizer;
  EncodingId id;
  if (argc < 2 || !ParseEncodingName(argv[1], &id)) {
    std::cerr << "usage: tokenizer_dump <o200k_base|cl100k_base> [--special] [--count]\n";
    return 2;
  }
  bool special = false, count = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--special") special = true;
    else if (a == "--count") count = true;
  }
  auto enc = GetEncoding(id);
  if (!enc.ok()) {
    std::cerr << "tokenizer_dump: " << enc.error().message << "\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  std::string line, out;
  size_t n = 0;
  while (std::getline(std::cin, line)) {
    ++n;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_string()) {
      std::cerr << "tokenizer_dump: line " << n << " is not a JSON string\n";
      return 2;
    }
    const std::string_view text = v.get_string();
    const std::vector<uint32_t> ids = special ? (*enc)->EncodeWithSpecial(text) : (*enc)->EncodeOrdinary(text);
    if (count && !special && (*enc)->Count(text) != ids.size()) {
      std::cerr << "tokenizer_dump: Count() disagrees with Encode() on line " << n << "\n";
      return 3;
    }
    PrintIdsLine(ids, out);
  }
  return 0;
}
