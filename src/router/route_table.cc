// Route table build and lookup (see route_table.h). Thread rule: immutable after Build.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "router/route_table.h"

#include <pcre2.h>

#include <algorithm>

namespace sluice::router {
namespace {

core::Error BuildError(std::string message) {
  core::Error e;
  e.code = core::ErrorCode::kInternal;
  e.message = std::move(message);
  return e;
}

struct MatchDataDeleter {
  void operator()(pcre2_match_data* md) const { pcre2_match_data_free(md); }
};

// One match block per thread, reused: a match needs no allocation. One ovector pair is enough
// because we only ask "does it match" (a too-small ovector still reports the match, as rc 0).
pcre2_match_data* ThreadMatchData() {
  thread_local std::unique_ptr<pcre2_match_data, MatchDataDeleter> md(
      pcre2_match_data_create(1, nullptr));
  return md.get();
}

}  // namespace

struct RouteTable::Regex {
  pcre2_code* code = nullptr;
  size_t route = 0;
  ~Regex() { pcre2_code_free(code); }
};

RouteTable::RouteTable() = default;
RouteTable::RouteTable(RouteTable&&) noexcept = default;
RouteTable& RouteTable::operator=(RouteTable&&) noexcept = default;
RouteTable::~RouteTable() = default;

PatternKind ClassifyPattern(std::string_view pattern) {
  if (pattern.size() >= 2 && pattern.front() == '/' && pattern.back() == '/')
    return PatternKind::kRegex;
  if (pattern.find('*') != std::string_view::npos) return PatternKind::kWildcard;
  return PatternKind::kExact;
}

bool RouteTable::Wildcard::Matches(std::string_view s) const {
  if (s.size() < prefix.size() + suffix.size()) return false;
  if (s.substr(0, prefix.size()) != prefix) return false;
  if (s.substr(s.size() - suffix.size()) != suffix) return false;
  std::string_view middle = s.substr(prefix.size(), s.size() - prefix.size() - suffix.size());
  for (const std::string& m : middles) {
    const size_t at = middle.find(m);
    if (at == std::string_view::npos) return false;
    middle.remove_prefix(at + m.size());
  }
  return true;
}

core::Result<RouteTable> RouteTable::Build(std::vector<RouteEntry> entries,
                                           const BreakerPolicy& breaker) {
  RouteTable table;
  std::unordered_map<std::string, uint32_t> slots;
  for (size_t r = 0; r < entries.size(); ++r) {
    RouteEntry& entry = entries[r];
    const std::string& pattern = entry.pattern;
    const std::string where = "route '" + pattern + "': ";
    if (pattern.empty()) return BuildError("route " + std::to_string(r) + ": empty model pattern");
    Route& route = entry.route;
    if (route.targets.empty()) return BuildError(where + "no targets");
    if (route.targets.size() > kMaxCandidates) {
      return BuildError(where + "more than " + std::to_string(kMaxCandidates) + " targets");
    }
    uint64_t total_weight = 0;
    for (TargetSpec& t : route.targets) {
      if (t.provider.empty() || t.model.empty())
        return BuildError(where + "target without provider or model");
      total_weight += t.weight;
      std::string name = t.provider + "/" + t.model;
      auto [it, inserted] =
          slots.try_emplace(name, static_cast<uint32_t>(table.slot_names_.size()));
      if (inserted) table.slot_names_.push_back(name);
      t.slot = it->second;
      t.id_hash = Hash64(name);
    }
    if (route.strategy == Strategy::kWeighted && total_weight == 0) {
      return BuildError(where + "weighted route with zero total weight");
    }
    for (const Rule& rule : route.rules) {
      if (rule.targets.empty())
        return BuildError(where + "rule '" + rule.name + "' has no targets");
      for (uint16_t t : rule.targets) {
        if (t >= route.targets.size()) {
          return BuildError(where + "rule '" + rule.name + "' names target " + std::to_string(t) +
                            " of " + std::to_string(route.targets.size()));
        }
      }
    }
    route.own_targets = route.targets.size();
    if (route.name.empty()) route.name = pattern;
    route.breaker = breaker;
    const size_t index = table.routes_.size();

    switch (ClassifyPattern(pattern)) {
      case PatternKind::kExact:
        if (!table.exact_.try_emplace(pattern, index).second)
          return BuildError(where + "duplicate pattern");
        break;
      case PatternKind::kWildcard: {
        Wildcard w;
        std::vector<std::string> parts;
        size_t start = 0;
        for (size_t i = 0; i <= pattern.size(); ++i) {
          if (i == pattern.size() || pattern[i] == '*') {
            parts.push_back(pattern.substr(start, i - start));
            start = i + 1;
          }
        }
        w.stars = parts.size() - 1;
        w.prefix = parts.front();
        w.suffix = parts.back();
        for (size_t i = 1; i + 1 < parts.size(); ++i) {
          if (!parts[i].empty()) w.middles.push_back(parts[i]);
        }
        w.literal_chars = pattern.size() - w.stars;
        w.route = index;
        for (const Wildcard& other : table.wildcards_) {
          if (table.routes_[other.route].name == pattern)
            return BuildError(where + "duplicate pattern");
        }
        table.wildcards_.push_back(std::move(w));
        break;
      }
      case PatternKind::kRegex: {
        const std::string body = pattern.substr(1, pattern.size() - 2);
        int err = 0;
        PCRE2_SIZE offset = 0;
        auto regex = std::make_unique<Regex>();
        regex->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(body.data()), body.size(),
                                    PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &offset, nullptr);
        if (regex->code == nullptr) {
          PCRE2_UCHAR msg[256];
          pcre2_get_error_message(err, msg, sizeof msg);
          return BuildError(where + "bad regex at offset " + std::to_string(offset) + ": " +
                            reinterpret_cast<const char*>(msg));
        }
        pcre2_jit_compile(regex->code,
                          PCRE2_JIT_COMPLETE);  // falls back to the interpreter if no JIT
        regex->route = index;
        table.regexes_.push_back(std::move(regex));
        break;
      }
    }
    table.routes_.push_back(std::move(route));
  }
  // Fallback routes: append their own targets (resolved after every route exists, so order doesn't
  // matter).
  for (size_t r = 0; r < entries.size(); ++r) {
    Route& route = table.routes_[r];
    for (const std::string& name : entries[r].fallbacks) {
      const std::string where = "route '" + entries[r].pattern + "': fallback '" + name + "': ";
      const auto it = table.exact_.find(name);
      if (it == table.exact_.end()) return BuildError(where + "no route with that exact name");
      if (it->second == r) return BuildError(where + "a route cannot fall back to itself");
      const Route& other = table.routes_[it->second];
      for (size_t i = 0; i < other.own_targets; ++i) {
        const TargetSpec& t = other.targets[i];
        const bool present = std::any_of(route.targets.begin(), route.targets.end(),
                                         [&](const TargetSpec& x) { return x.slot == t.slot; });
        if (present) continue;
        if (route.targets.size() >= kMaxCandidates) {
          return BuildError(where + "more than " + std::to_string(kMaxCandidates) + " targets");
        }
        route.targets.push_back(t);
      }
    }
  }
  // Most specific wildcard first; stable keeps config order among equals.
  std::stable_sort(table.wildcards_.begin(), table.wildcards_.end(),
                   [](const Wildcard& a, const Wildcard& b) {
                     if (a.literal_chars != b.literal_chars)
                       return a.literal_chars > b.literal_chars;
                     return a.stars < b.stars;
                   });
  return table;
}

const Route* RouteTable::Find(std::string_view model) const {
  if (auto it = exact_.find(model); it != exact_.end()) return &routes_[it->second];
  for (const Wildcard& w : wildcards_) {
    if (w.Matches(model)) return &routes_[w.route];
  }
  for (const auto& regex : regexes_) {
    const int rc = pcre2_match(regex->code, reinterpret_cast<PCRE2_SPTR>(model.data()),
                               model.size(), 0, 0, ThreadMatchData(), nullptr);
    if (rc >= 0) return &routes_[regex->route];
  }
  return nullptr;
}

}  // namespace sluice::router
