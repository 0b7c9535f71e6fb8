// The dump tools' output line: token ids as one JSON array. Thread rule: single-threaded tools.
#pragma once

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

inline void PrintIdsLine(const std::vector<uint32_t>& ids, std::string& scratch) {
  scratch.clear();
  scratch.push_back('[');
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) scratch.push_back(',');
    scratch += std::to_string(ids[i]);
  }
  scratch += "]\n";
  std::cout << scratch;
}
