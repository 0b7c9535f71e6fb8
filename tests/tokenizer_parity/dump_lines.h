// The dump tools' shared loop: JSON-string lines in (one text per line), one JSON array of token ids out per
// line, and optionally a check that Count() agrees with the ids. Thread rule: single-threaded tools.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

// encode(text) → ids; count(text) → the tokenizer's Count(), compared when `check_count`. Returns the exit
// code: 0, 2 for a line that is not a JSON string, 3 when Count() and the ids disagree.
template <typename Encode, typename Count>
int DumpIdLines(const char* tool, Encode encode, Count count, bool check_count) {
  std::ios::sync_with_stdio(false);
  std::string line, out;
  size_t n = 0;
  while (std::getline(std::cin, line)) {
    ++n;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_string()) {
      std::cerr << tool << ": line " << n << " is not a JSON string\n";
      return 2;
    }
    const std::string_view text = v.get_string();
    const std::vector<uint32_t> ids = encode(text);
    if (check_count && count(text) != ids.size()) {
      std::cerr << tool << ": Count() disagrees with Encode() on line " << n << "\n";
      return 3;
    }
    out.clear();
    out.push_back('[');
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i) out.push_back(',');
      out += std::to_string(ids[i]);
    }
    out += "]\n";
    std::cout << out;
  }
  return 0;
}
