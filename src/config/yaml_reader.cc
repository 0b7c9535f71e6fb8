// Error-collecting cursor over a yaml-cpp tree. Thread rule: one Reader per load, one thread.
#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "config/units.h"

namespace sluice::config {
namespace {

ConfigError MakeError(std::string path, const YAML::Mark& mark, std::string message) {
  // yaml-cpp marks are 0-based; an unset mark is -1.
  const int line = mark.line >= 0 ? mark.line + 1 : 0;
  const int column = mark.line >= 0 && mark.column >= 0 ? mark.column + 1 : 0;
  return ConfigError{std::move(path), line, column, std::move(message)};
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    default:
      return "nothing";
  }
}

std::string Quote(std::string_view text) {
  constexpr size_t kMax = 60;
  std::string out = "'";
  out += text.size() > kMax ? std::string(text.substr(0, kMax)) + "..." : std::string(text);
  return out + "'";
}

}  // namespace

YAML::Mark Field::Where() const {
  if (value && (value.IsScalar() || value.IsSequence() ||
                (value.IsMap() && value.Mark().line == key_mark.line))) {
    return value.Mark();
  }
  return key_mark;
}

std::string Field::ChildPath(std::string_view child) const {
  const bool plain = !child.empty() && child.find_first_of(". \t[]\"") == std::string_view::npos;
  std::string segment = plain ? std::string(child) : "[\"" + std::string(child) + "\"]";
  if (path.empty()) return segment;
  return plain ? path + "." + segment : path + segment;
}

std::string Scalar::Shown() const {
  if (!from_env()) return " (got " + Quote(raw) + ")";
  std::string names;
  for (const std::string& v : variables) names += (names.empty() ? "${" : ", ${") + v + "}";
  return " (value of " + names + ", not shown)";
}

void Reader::Error(const Field& field, std::string message) {
  errors_.push_back(MakeError(field.path, field.Where(), std::move(message)));
}
void Reader::Error(std::string path, YAML::Mark mark, std::string message) {
  errors_.push_back(MakeError(std::move(path), mark, std::move(message)));
}
void Reader::Warn(const Field& field, std::string message) {
  warnings_.push_back(MakeError(field.path, field.Where(), std::move(message)));
}
void Reader::Warn(std::string path, YAML::Mark mark, std::string message) {
  warnings_.push_back(MakeError(std::move(path), mark, std::move(message)));
}

std::optional<Mapping> Reader::Map(const Field& field, std::vector<std::string_view> allowed) {
  std::vector<Field> entries;
  if (!field.value || field.value.IsNull()) return Mapping(field, std::move(entries));
  if (!field.value.IsMap()) {
    Error(field, "expected a mapping (key: value lines), got " + Describe(field.value));
    return std::nullopt;
  }
  std::map<std::string, int, std::less<>> seen;  // key → 1-based line of its first definition
  for (const auto& pair : field.value) {
    const YAML::Mark mark = pair.first.Mark();
    if (!pair.first.IsScalar()) {
      Error(field.path, mark, "keys must be plain names, got " + Describe(pair.first));
      continue;
    }
    const std::string key = pair.first.Scalar();
    Field child{key, field.ChildPath(key), pair.second, mark};
    // yaml-cpp keeps duplicate keys as separate pairs; the first one wins in lookups, so say so.
    if (auto [it, inserted] = seen.emplace(key, mark.line + 1); !inserted) {
      Error(
          child.path, mark,
          "duplicate key '" + key + "' (first defined on line " + std::to_string(it->second) + ")");
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string message = "unknown key '" + key + "'";
      if (std::string hint = Suggest(key, allowed); !hint.empty())
        message += " (did you mean '" + hint + "'?)";
      Error(child.path, mark, std::move(message));
      continue;
    }
    entries.push_back(std::move(child));
  }
  return Mapping(field, std::move(entries));
}

std::optional<Scalar> Reader::Text(const Field& field) {
  if (!field.value || field.value.IsNull()) {
    Error(field, "missing value (remove the key to use the default)");
    return std::nullopt;
  }
  if (!field.value.IsScalar()) {
    Error(field, "expected a single value, got " + Describe(field.value));
    return std::nullopt;
  }
  Scalar out;
  out.raw = field.value.Scalar();
  Expansion expansion = ExpandEnv(out.raw, env_);
  if (!expansion.syntax_error.empty()) {
    Error(field, expansion.syntax_error);
    return std::nullopt;
  }
  if (!expansion.unset.empty()) {
    if (deferring_) {
      deferred_unset_.insert(deferred_unset_.end(), expansion.unset.begin(), expansion.unset.end());
    } else {
      for (const std::string& name : expansion.unset) {
        Error(field, "environment variable " + name + " is not set (give a default with ${" + name +
                         ":-value})");
      }
    }
    return std::nullopt;
  }
  out.value = std::move(expansion.value);
  out.variables = std::move(expansion.variables);
  return out;
}

const Field* Mapping::Get(std::string_view key) const {
  auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const Field& f) { return f.key == key; });
  return it == entries_.end() ? nullptr : &*it;
}

bool ReadString(Reader& r, const Field* field, std::string& out) {
  if (field == nullptr) return false;
  std::optional<Scalar> s = r.Text(*field);
  if (!s) return false;
  out = std::move(s->value);
  return true;
}

bool ReadBool(Reader& r, const Field* field, bool& out) {
  if (field == nullptr) return false;
  std::optional<Scalar> s = r.Text(*field);
  if (!s) return false;
  std::string lower = s->value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "false") {
    out = lower == "true";
    return true;
  }
  r.Error(*field, "expected true or false" + s->Shown());
  return false;
}

bool ReadUint(Reader& r, const Field* field, uint64_t min, uint64_t max, uint64_t& out) {
  if (field == nullptr) return false;
  std::optional<Scalar> s = r.Text(*field);
  if (!s) return false;
  uint64_t value = 0;
  const char* end = s->value.data() + s->value.size();
  auto [ptr, ec] = std::from_chars(s->value.data(), end, value);
  if (s->value.empty() || ptr != end ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    r.Error(*field, "expected a whole number" + s->Shown());
    return false;
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    r.Error(*field,
            "must be between " + std::to_string(min) + " and " + std::to_string(max) + s->Shown());
    return false;
  }
  out = value;
  return true;
}

bool ReadDuration(Reader& r, const Field* field, Duration min, Duration max, Duration& out) {
  if (field == nullptr) return false;
  std::optional<Scalar> s = r.Text(*field);
  if (!s) return false;
  Parsed<Duration> parsed = ParseDuration(s->value);
  if (!parsed.value) {
    r.Error(*field, parsed.error + s->Shown());
    return false;
  }
  if (*parsed.value < min || *parsed.value > max) {
    r.Error(*field,
            "must be between " + FormatDuration(min) + " and " + FormatDuration(max) + s->Shown());
    return false;
  }
  out = *parsed.value;
  return true;
}

bool ReadSize(Reader& r, const Field* field, uint64_t min, uint64_t max, uint64_t& out) {
  if (field == nullptr) return false;
  std::optional<Scalar> s = r.Text(*field);
  if (!s) return false;
  Parsed<uint64_t> parsed = ParseSize(s->value);
  if (!parsed.value) {
    r.Error(*field, parsed.error + s->Shown());
    return false;
  }
  if (*parsed.value < min || *parsed.value > max) {
    r.Error(*field, "must be between " + FormatSize(min) + " and " + FormatSize(max) + s->Shown());
    return false;
  }
  out = *parsed.value;
  return true;
}

bool ReadEndpoint(Reader& r, const Field* field, Endpoint& out) {
  if (field == nullptr) return false;
  std::optional<Scalar> s = r.Text(*field);
  if (!s) return false;
  Parsed<Endpoint> parsed = ParseEndpoint(s->value);
  if (!parsed.value) {
    r.Error(*field, parsed.error + s->Shown());
    return false;
  }
  out = std::move(*parsed.value);
  return true;
}

}  // namespace sluice::config
