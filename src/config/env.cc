// Environment expansion for config scalars. Thread rule: ExpandEnv is pure given a pure lookup.
#include "config/env.h"

#include <cstdlib>
#include <utility>

namespace sluice::config {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

EnvLookup MapEnv(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Expansion ExpandEnv(std::string_view text, const EnvLookup& env) {
  Expansion out;
  out.value.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      out.value += c;
      ++i;
      continue;
    }
    const std::string where = " at character " + std::to_string(i + 1);
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out.value += '$';
      i += 2;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      // Position only: the text may be a literal secret.
      out.syntax_error =
          "stray '$'" + where + ": write ${VAR} for a variable or $$ for a literal '$'";
      return out;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      out.syntax_error = "unterminated '${'" + where;
      return out;
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::string_view name = body;
    std::optional<std::string_view> fallback;
    if (const size_t sep = body.find(":-"); sep != std::string_view::npos) {
      name = body.substr(0, sep);
      fallback = body.substr(sep + 2);
    }
    bool valid_name = !name.empty() && IsNameStart(name[0]);
    for (char n : name) valid_name = valid_name && IsNameChar(n);
    if (!valid_name) {
      out.syntax_error =
          "invalid variable reference" + where +
          ": expected ${NAME} or ${NAME:-default} with NAME made of letters, digits, '_'";
      return out;
    }
    out.variables.emplace_back(name);
    std::optional<std::string> value = env ? env(name) : std::nullopt;
    if (value && !value->empty()) {
      out.value += *value;
    } else if (fallback) {
      out.value += *fallback;
    } else if (!value) {
      out.unset.emplace_back(name);
    }
    // Set but empty without a default expands to "" (POSIX sh); required fields then report
    // "empty".
    i = close + 1;
  }
  return out;
}

}  // namespace sluice::config
