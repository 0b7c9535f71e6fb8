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

#include "dump_lines.h"
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
  const Encoding& e = **enc;
  return DumpIdLines(
      "tokenizer_dump",
      [&](std::string_view t) { return special ? e.EncodeWithSpecial(t) : e.EncodeOrdinary(t); },
      [&](std::string_view t) { return e.Count(t); }, count && !special);
}
