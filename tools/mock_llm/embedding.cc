// Mock embedding vectors and their JSON text. Thread rule: pure functions.
#include "mock_llm/embedding.h"

#include <charconv>
#include <cmath>

#include "mock_llm/script.h"

namespace sluice::mock_llm {

std::vector<float> MockEmbedding(std::string_view model, std::string_view text, uint32_t dims) {
  std::vector<float> vec(dims);
  uint64_t state = Fnv1a(model, text);
  double norm = 0;
  for (auto& v : vec) {
    v = static_cast<float>(static_cast<double>(SplitMix(state) >> 11) / 9007199254740992.0 * 2.0 - 1.0);
    norm += double{v} * v;
  }
  norm = std::sqrt(norm);
  if (norm > 0) {
    for (auto& v : vec) v = static_cast<float>(v / norm);
  }
  return vec;
}

void AppendFloatArray(std::string& out, const std::vector<float>& values) {
  char num[32];
  out.reserve(out.size() + values.size() * 12 + 2);
  out.push_back('[');
  for (size_t d = 0; d < values.size(); ++d) {
    if (d > 0) out.push_back(',');
    auto [end, ec] = std::to_chars(num, num + sizeof num, values[d]);
    out.append(num, end);
  }
  out.push_back(']');
}

}  // namespace sluice::mock_llm
