// Environment-variable expansion for config scalars: ${VAR}, ${VAR:-default}, and $$ for a literal
// '$'. The lookup is injectable so tests never touch the process environment. Thread rule:
// ExpandEnv is pure; ProcessEnv() reads getenv and is meant for start-up and reload only.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::config {

// Returns the variable's value, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The real process environment (getenv).
EnvLookup ProcessEnv();

// A fixed environment, for tests and for `sluice check` against a prepared environment.
EnvLookup MapEnv(std::map<std::string, std::string, std::less<>> vars);

struct Expansion {
  std::string value;  // the expanded text; may hold a secret: never print it
  std::vector<std::string>
      variables;                   // every variable referenced, in order (names are safe to print)
  std::vector<std::string> unset;  // referenced, unset (or empty) and without a default
  std::string syntax_error;        // non-empty when the text is malformed; never quotes the text
  bool used_env() const { return !variables.empty(); }
  bool ok() const { return syntax_error.empty() && unset.empty(); }
};

// Expands ${VAR} and ${VAR:-default} (default used when VAR is unset or empty, as in POSIX sh) and
// turns
// "$$" into "$". Any other '$' is a syntax error, so a mistyped "$VAR" cannot silently become a
// literal key. Defaults are literal text (no nested expansion). Expansion is not recursive: a value
// containing '$' stays.
Expansion ExpandEnv(std::string_view text, const EnvLookup& env);

}  // namespace sluice::config
