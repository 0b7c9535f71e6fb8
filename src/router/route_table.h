// Route table: client-facing model name → Route. Patterns are exact names, `*` wildcards (`gpt-*`,
// `*-mini`, `org/*/chat-*`) or PCRE2 regexes written `/…/` (anchored at both ends). The most
// specific match wins: exact, then the wildcard with the most literal characters (ties: fewer `*`,
// then config order), then regexes in config order. Wildcards compile to literal segments (prefix,
// ordered middles, suffix) so the hot path never runs a regex engine for them. Built once per
// config snapshot. Thread rule: immutable after Build; Find is const and shared by all workers
// (regex matching uses a per-thread PCRE2 match block).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "router/strategies.h"

namespace sluice::router {

enum class PatternKind : uint8_t { kExact, kWildcard, kRegex };

struct RouteEntry {
  std::string pattern;  // as written: "gpt-4o", "gpt-*", "/^claude-(opus|sonnet)-4.*$/"
  Route route;
  // Other routes (by exact pattern) whose own targets are appended after this route's, tried only
  // once its own are exhausted or unhealthy. Not transitive; duplicates of a target already present
  // are skipped.
  std::vector<std::string> fallbacks = {};
};

PatternKind ClassifyPattern(std::string_view pattern);

class RouteTable {
 public:
  // Assigns TargetSpec::slot / id_hash (one slot per distinct provider + upstream model) and copies
  // `breaker` into every route. Errors (with the pattern): empty/duplicate pattern, bad regex, a
  // route with no targets or more than kMaxCandidates (fallbacks included), a zero total weight in
  // a weighted route, a rule naming a target that does not exist, an unknown or self-referencing
  // fallback.
  static core::Result<RouteTable> Build(std::vector<RouteEntry> entries,
                                        const BreakerPolicy& breaker = {});

  RouteTable(RouteTable&&) noexcept;
  RouteTable& operator=(RouteTable&&) noexcept;
  ~RouteTable();

  const Route* Find(std::string_view model) const;
  const std::vector<Route>& routes() const { return routes_; }  // config order
  size_t target_slots() const { return slot_names_.size(); }  // size of a worker's TargetStates
  // "provider/model" of each slot, for metrics labels and carrying state across reloads.
  const std::vector<std::string>& slot_names() const { return slot_names_; }
  size_t size() const { return routes_.size(); }

 private:
  RouteTable();
  struct Wildcard {
    std::string prefix, suffix;
    std::vector<std::string> middles;
    size_t literal_chars = 0;
    size_t stars = 0;
    size_t route = 0;
    bool Matches(std::string_view s) const;
  };
  struct Regex;  // PCRE2 code, kept out of this header

  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<Route> routes_;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> exact_;
  std::vector<Wildcard> wildcards_;  // most specific first
  std::vector<std::unique_ptr<Regex>> regexes_;
  std::vector<std::string> slot_names_;
};

}  // namespace sluice::router
