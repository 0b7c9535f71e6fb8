// JSON Schema (as OpenAI and Anthropic clients write tool parameters and response schemas) → the
// OpenAPI-3 subset Gemini's `parameters` / `responseSchema` accept (reference §4.1, §8.3):
// upper-case `type`, `["x","null"]` → `nullable`, `oneOf` → `anyOf` (a loosening Gemini can
// express), `const` → a one-value enum, and annotations the subset lacks ($schema,
// additionalProperties, strict, examples, unsupported `format`s…) dropped. What would change the
// schema's meaning — $ref/$defs, allOf, not, conditionals, tuples, non-string enums, objects
// without properties (Gemini rejects an OBJECT with empty properties) — makes the conversion fail,
// and the caller sends the JSON Schema verbatim through the JSON-schema variant of the field
// instead. Thread rule: pure functions.
#include <array>
#include <boost/json/value.hpp>

#include "provider/gemini_detail.h"

namespace sluice::provider::gemini_detail {
namespace {

namespace json = boost::json;

constexpr int kMaxDepth =
    48;  // deeper schemas are not hand-written; leave them to JSON-schema mode

std::string_view GeminiType(std::string_view t) {
  if (t == "string") return "STRING";
  if (t == "number") return "NUMBER";
  if (t == "integer") return "INTEGER";
  if (t == "boolean") return "BOOLEAN";
  if (t == "array") return "ARRAY";
  if (t == "object") return "OBJECT";
  if (t == "null") return "NULL";
  return {};
}

// Keywords copied unchanged: the part of OpenAPI's Schema object Gemini documents.
bool CopiedAsIs(std::string_view k) {
  static constexpr std::array<std::string_view, 15> kKeys = {
      "description", "title",     "nullable",  "required",      "minItems",
      "maxItems",    "minLength", "maxLength", "minProperties", "maxProperties",
      "pattern",     "minimum",   "maximum",   "default",       "propertyOrdering"};
  for (std::string_view key : kKeys)
    if (k == key) return true;
  return k == "example";
}

// Keywords whose loss would change what the schema accepts or mean a reference we cannot resolve.
bool Blocking(std::string_view k) {
  return k == "$ref" || k == "$defs" || k == "definitions" || k == "allOf" || k == "not" ||
         k == "if" || k == "then" || k == "else" || k == "prefixItems" ||
         k == "patternProperties" || k == "dependentSchemas" || k == "dependentRequired" ||
         k == "contains" || k == "$dynamicRef" || k == "$recursiveRef";
}

// Formats Gemini accepts per type; others (email, uri, uuid…) are rejected upstream, so dropped
// here.
bool SupportedFormat(std::string_view type, std::string_view f) {
  if (type == "STRING") return f == "enum" || f == "date-time";
  if (type == "NUMBER") return f == "float" || f == "double";
  if (type == "INTEGER") return f == "int32" || f == "int64";
  return false;
}

bool Convert(const json::value& in, json::value& out, const json::storage_ptr& sp, int depth) {
  const json::object* s = in.if_object();
  if (!s || depth > kMaxDepth) return false;
  json::object o(sp);
  for (const auto& [key, value] : *s) {
    std::string_view k(key.data(), key.size());
    if (Blocking(k)) return false;
    if (k == "type") {
      if (value.is_string()) {
        std::string_view t = GeminiType(value.get_string());
        if (t.empty()) return false;
        o["type"] = t;
      } else if (value.is_array()) {
        std::string_view only;
        for (const json::value& tv : value.get_array()) {
          if (!tv.is_string()) return false;
          std::string_view t = GeminiType(tv.get_string());
          if (t.empty()) return false;
          if (t == "NULL") {
            o["nullable"] = true;
          } else if (!only.empty() && only != t) {
            return false;  // a union of several types: anyOf would be needed; JSON-schema mode
                           // keeps it
          } else {
            only = t;
          }
        }
        o["type"] = only.empty() ? std::string_view("NULL") : only;
      } else {
        return false;
      }
    } else if (k == "properties") {
      const json::object* props = value.if_object();
      if (!props) return false;
      json::object converted(sp);
      for (const auto& [name, sub] : *props) {
        json::value c(sp);
        if (!Convert(sub, c, sp, depth + 1)) return false;
        converted[name] = std::move(c);
      }
      o["properties"] = std::move(converted);
    } else if (k == "items") {
      json::value c(sp);
      if (!Convert(value, c, sp, depth + 1)) return false;  // tuple forms are arrays: refused
      o["items"] = std::move(c);
    } else if (k == "anyOf" || k == "oneOf") {
      const json::array* alts = value.if_array();
      if (!alts || alts->empty() || o.contains("anyOf")) return false;
      json::array converted(sp);
      for (const json::value& alt : *alts) {
        json::value c(sp);
        if (!Convert(alt, c, sp, depth + 1)) return false;
        converted.push_back(std::move(c));
      }
      o["anyOf"] = std::move(converted);
    } else if (k == "enum") {
      const json::array* values = value.if_array();
      if (!values) return false;
      for (const json::value& v : *values)
        if (!v.is_string()) return false;  // Gemini enums are strings only
      o["enum"] = json::value(*values, sp);
    } else if (k == "const") {
      if (!value.is_string()) return false;
      json::array one(sp);
      one.emplace_back(value.get_string());
      o["enum"] = std::move(one);
    } else if (k == "format") {
      o["format"] = value;  // checked against the type below
    } else if (CopiedAsIs(k)) {
      o[k] = json::value(value, sp);
    }
    // Everything else is an annotation or a constraint the subset lacks: $schema, $id, $comment,
    // additionalProperties, unevaluatedProperties, strict, examples, readOnly, multipleOf, …
  }
  // Infer the type where JSON Schema leaves it implicit; Gemini wants one.
  if (!o.contains("type") && !o.contains("anyOf")) {
    if (o.contains("properties"))
      o["type"] = "OBJECT";
    else if (o.contains("items"))
      o["type"] = "ARRAY";
    else if (o.contains("enum"))
      o["type"] = "STRING";
  }
  const json::value* type = o.if_contains("type");
  std::string_view t = type && type->is_string() ? std::string_view(type->get_string()) : "";
  if (t == "OBJECT") {
    const json::value* props = o.if_contains("properties");
    if (!props || props->get_object().empty()) return false;  // free-form object: not expressible
  }
  if (const json::value* f = o.if_contains("format")) {
    if (!f->is_string() || !SupportedFormat(t, f->get_string())) o.erase("format");
  }
  out = std::move(o);
  return true;
}

}  // namespace

bool ToGeminiSchema(const json::value& in, json::value& out, const json::storage_ptr& sp) {
  return Convert(in, out, sp, 0);
}

}  // namespace sluice::provider::gemini_detail
