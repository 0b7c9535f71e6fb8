// Internal to src/config: a cursor over the yaml-cpp tree that records every problem with its YAML
// path and position instead of stopping at the first, expands ${ENV} references in scalars, and
// rejects unknown and duplicate keys. The section parsers (parse_*.cc) are written against it.
// Thread rule: one Reader per load, used by one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/env.h"
#include "config/schema.h"

namespace sluice::config {

// One mapping entry (or the document root): where it is and what it holds.
struct Field {
  std::string key;
  std::string
      path;  // "server.limits.max_body_bytes"; keys with '.' or spaces are quoted: models["a.b"]
  YAML::Node value;
  YAML::Mark key_mark;  // the key's position (the root uses 0:0)
  // Where to point for a problem with the value: the value itself when it is written inline, else
  // the key (yaml-cpp marks a block mapping at its first child and a null at the next token).
  YAML::Mark Where() const;
  std::string ChildPath(std::string_view child) const;
};

// An expanded scalar. `value` may hold a secret; `raw` is the text as written in the file.
struct Scalar {
  std::string value;
  std::string raw;
  std::vector<std::string> variables;
  bool from_env() const { return !variables.empty(); }
  // For messages: " (got 'raw')", or " (value of ${VAR}, not shown)" when it came from the
  // environment.
  std::string Shown() const;
};

class Mapping;

class Reader {
 public:
  explicit Reader(const EnvLookup& env) : env_(env) {}

  void Error(const Field& field, std::string message);
  void Error(std::string path, YAML::Mark mark, std::string message);
  void Warn(const Field& field, std::string message);
  void Warn(std::string path, YAML::Mark mark, std::string message);

  // The entries of a mapping (null counts as empty). Reports non-scalar and duplicate keys, and,
  // when `allowed` is non-empty, unknown keys with a suggestion. nullopt (with an error) when not a
  // mapping.
  std::optional<Mapping> Map(const Field& field, std::vector<std::string_view> allowed = {});

  // The scalar with ${ENV} expanded; nullopt (with an error) when it is not a scalar, is malformed
  // or references an unset variable. While deferring (see below) unset variables are collected
  // silently.
  std::optional<Scalar> Text(const Field& field);

  // Optional providers: unset variables inside them drop the provider instead of failing the load.
  void BeginDeferUnset() { deferred_unset_.clear(), deferring_ = true; }
  std::vector<std::string> EndDeferUnset() {
    return deferring_ = false, std::move(deferred_unset_);
  }

  std::vector<ConfigError>& errors() { return errors_; }
  std::vector<ConfigError>& warnings() { return warnings_; }

 private:
  const EnvLookup& env_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
  bool deferring_ = false;
  std::vector<std::string> deferred_unset_;
};

class Mapping {
 public:
  Mapping(Field self, std::vector<Field> entries)
      : self_(std::move(self)), entries_(std::move(entries)) {}
  const Field* Get(std::string_view key) const;  // nullptr when absent
  const std::vector<Field>& entries() const { return entries_; }
  const Field& self() const { return self_; }

 private:
  Field self_;
  std::vector<Field> entries_;
};

// Typed readers. Each does nothing and returns false when `field` is null (key absent); on a bad
// value it records an error and leaves `out` untouched.
bool ReadString(Reader& r, const Field* field, std::string& out);
bool ReadBool(Reader& r, const Field* field, bool& out);
bool ReadUint(Reader& r, const Field* field, uint64_t min, uint64_t max, uint64_t& out);
bool ReadDuration(Reader& r, const Field* field, Duration min, Duration max, Duration& out);
bool ReadSize(Reader& r, const Field* field, uint64_t min, uint64_t max, uint64_t& out);
bool ReadEndpoint(Reader& r, const Field* field, Endpoint& out);

template <typename T>
bool ReadUintAs(Reader& r, const Field* field, uint64_t min, uint64_t max, T& out) {
  uint64_t v = 0;
  if (!ReadUint(r, field, min, max, v)) return false;
  out = static_cast<T>(v);
  return true;
}
template <typename T>
bool ReadSizeAs(Reader& r, const Field* field, uint64_t min, uint64_t max, T& out) {
  uint64_t v = 0;
  if (!ReadSize(r, field, min, max, v)) return false;
  out = static_cast<T>(v);
  return true;
}

}  // namespace sluice::config
