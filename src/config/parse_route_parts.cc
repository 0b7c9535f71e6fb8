// Parsers for the smaller pieces of a route: parameter policies, access lists, stickiness, lists
// and numbers; plus the PCRE2 compile check shared by route patterns and prompt rules.
// Thread rule: called by one thread during a load.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "config/parse.h"
#include "config/units.h"

namespace sluice::config {
namespace {

struct ParamLimits {
  Param param;
  double min, max;
  bool integer;
};
// What the providers accept; a policy outside it is a mistake the upstream would reject later.
constexpr ParamLimits kParamLimits[] = {
    {Param::kTemperature, 0, 2, false},       {Param::kTopP, 0, 1, false},
    {Param::kMaxTokens, 1, 10'000'000, true}, {Param::kPresencePenalty, -2, 2, false},
    {Param::kFrequencyPenalty, -2, 2, false},
};

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::vector<std::string_view> ParamNames() {
  std::vector<std::string_view> names;
  for (const ParamLimits& p : kParamLimits) names.push_back(ParamName(p.param));
  return names;
}

const ParamLimits* FindParam(std::string_view name) {
  for (const ParamLimits& p : kParamLimits)
    if (name == ParamName(p.param)) return &p;
  return nullptr;
}

bool ReadParamValue(Reader& r, const Field& field, const ParamLimits& limits, double& out) {
  if (!ReadNumber(r, &field, limits.min, limits.max, out)) return false;
  if (limits.integer && out != std::floor(out)) {
    r.Error(field, std::string(ParamName(limits.param)) + " must be a whole number");
    return false;
  }
  return true;
}

// `defaults:` / `override:`: a mapping param → value.
void ParseParamValues(Reader& r, const Field& field, ParamPolicy& out, bool is_override) {
  std::optional<Mapping> m = r.Map(field, ParamNames());
  if (!m) return;
  for (const Field& entry : m->entries()) {
    const ParamLimits* limits = FindParam(entry.key);
    double v = 0;
    if (!ReadParamValue(r, entry, *limits, v)) continue;
    (is_override ? out[limits->param].override_value : out[limits->param].default_value) = v;
  }
}

// `clamp:`: a mapping param → [min, max].
void ParseClamp(Reader& r, const Field& field, ParamPolicy& out) {
  std::optional<Mapping> m = r.Map(field, ParamNames());
  if (!m) return;
  for (const Field& entry : m->entries()) {
    const ParamLimits* limits = FindParam(entry.key);
    if (!entry.value.IsSequence() || entry.value.size() != 2) {
      r.Error(entry, "expected [min, max]");
      continue;
    }
    std::optional<std::vector<Field>> bounds = ReadList(r, entry, false);
    double lo = 0, hi = 0;
    if (!bounds || !ReadParamValue(r, (*bounds)[0], *limits, lo) ||
        !ReadParamValue(r, (*bounds)[1], *limits, hi))
      continue;
    if (lo > hi) {
      r.Error(entry,
              "min (" + FormatNumber(lo) + ") is greater than max (" + FormatNumber(hi) + ")");
      continue;
    }
    out[limits->param].min = lo;
    out[limits->param].max = hi;
  }
}

}  // namespace

bool IsHeaderToken(std::string_view name) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kSpecials.find(c) != std::string_view::npos;
  });
}

std::optional<std::vector<Field>> ReadList(Reader& r, const Field& field, bool scalar_ok) {
  std::vector<Field> out;
  if (scalar_ok && field.value && field.value.IsScalar()) {
    out.push_back(field);
    return out;
  }
  if (!field.value || !field.value.IsSequence()) {
    r.Error(field, std::string("expected a list") + (scalar_ok ? " or a single value" : ""));
    return std::nullopt;
  }
  for (size_t i = 0; i < field.value.size(); ++i) {
    const YAML::Node node = field.value[i];
    out.push_back(Field{field.key, field.path + "[" + std::to_string(i) + "]", node, node.Mark()});
  }
  return out;
}

bool ReadStringList(Reader& r, const Field& field, std::vector<std::string>& out) {
  std::optional<std::vector<Field>> items = ReadList(r, field, true);
  if (!items) return false;
  bool ok = true;
  for (const Field& item : *items) {
    std::string value;
    if (!ReadString(r, &item, value)) {
      ok = false;
    } else if (value.empty()) {
      r.Error(item, "must not be empty");
      ok = false;
    } else if (std::find(out.begin(), out.end(), value) != out.end()) {
      r.Error(item, "'" + value + "' is listed twice");
      ok = false;
    } else {
      out.push_back(std::move(value));
    }
  }
  return ok;
}

bool ReadNumber(Reader& r, const Field* field, double min, double max, double& out) {
  if (field == nullptr) return false;
  std::optional<Scalar> s = r.Text(*field);
  if (!s) return false;
  char* end = nullptr;
  const double v = std::strtod(s->value.c_str(), &end);
  if (s->value.empty() || end == nullptr || *end != '\0' || !std::isfinite(v)) {
    r.Error(*field, "expected a number" + s->Shown());
    return false;
  }
  if (v < min || v > max) {
    r.Error(*field,
            "must be between " + FormatNumber(min) + " and " + FormatNumber(max) + s->Shown());
    return false;
  }
  out = v;
  return true;
}

std::string RegexError(const std::string& pattern, bool anchored) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  const uint32_t options =
      anchored ? PCRE2_ANCHORED | PCRE2_ENDANCHORED : PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &err, &offset, nullptr);
  if (code != nullptr) {
    pcre2_code_free(code);
    return {};
  }
  PCRE2_UCHAR message[256];
  pcre2_get_error_message(err, message, sizeof message);
  return "bad regex at offset " + std::to_string(offset) + ": " +
         reinterpret_cast<const char*>(message);
}

void ParseParamPolicy(Reader& r, const Field& field, ParamPolicy& out) {
  std::optional<Mapping> m = r.Map(field, {"defaults", "clamp", "override"});
  if (!m) return;
  if (const Field* d = m->Get("defaults")) ParseParamValues(r, *d, out, false);
  if (const Field* o = m->Get("override")) ParseParamValues(r, *o, out, true);
  if (const Field* c = m->Get("clamp")) ParseClamp(r, *c, out);
  // A default or override outside the clamp would be silently changed on every request.
  for (const ParamLimits& limits : kParamLimits) {
    const ParamRule& rule = out[limits.param];
    for (auto [what, value] :
         {std::pair{"defaults", rule.default_value}, std::pair{"override", rule.override_value}}) {
      if (!value || (!rule.min && !rule.max)) continue;
      if ((rule.min && *value < *rule.min) || (rule.max && *value > *rule.max)) {
        r.Error(field.ChildPath(what) + "." + ParamName(limits.param), field.key_mark,
                std::string(what) + " value " + FormatNumber(*value) + " is outside clamp [" +
                    FormatNumber(*rule.min) + ", " + FormatNumber(*rule.max) + "]");
      }
    }
  }
}

void ParseAccess(Reader& r, const Field& field, AccessPolicy& out) {
  std::optional<Mapping> m = r.Map(field, {"consumers", "teams"});
  if (!m) return;
  if (const Field* c = m->Get("consumers")) ReadStringList(r, *c, out.consumers);
  if (const Field* t = m->Get("teams")) ReadStringList(r, *t, out.teams);
  if (out.empty() && (m->Get("consumers") || m->Get("teams")))
    r.Warn(field,
           "empty allow lists let everyone in; remove 'allow' or list who may use the route");
}

void ParseSticky(Reader& r, const Field& field, StickyConfig& out) {
  std::optional<Mapping> m = r.Map(field, {"by", "header"});
  if (!m) return;
  const Field* by = m->Get("by");
  const Field* header = m->Get("header");
  if (by == nullptr) {
    r.Error(field.path, field.key_mark,
            "missing required key 'by' (header, consumer, team or user)");
    return;
  }
  std::optional<Scalar> s = r.Text(*by);
  if (!s) return;
  static const std::vector<std::string_view> kBy{"header", "consumer", "team", "user"};
  if (s->value == "header") {
    out.by = StickyBy::kHeader;
  } else if (s->value == "consumer") {
    out.by = StickyBy::kConsumer;
  } else if (s->value == "team") {
    out.by = StickyBy::kTeam;
  } else if (s->value == "user") {
    out.by = StickyBy::kUser;
  } else {
    std::string message = "must be header, consumer, team or user" + s->Shown();
    if (std::string hint = Suggest(s->value, kBy); !hint.empty() && !s->from_env())
      message += " (did you mean '" + hint + "'?)";
    r.Error(*by, std::move(message));
    return;
  }
  if (out.by == StickyBy::kHeader) {
    if (header == nullptr) {
      r.Error(field.path, field.key_mark, "sticky by header needs 'header' (e.g. x-session-id)");
      out.by = StickyBy::kNone;
      return;
    }
    std::string name;
    if (!ReadString(r, header, name)) return;
    if (!IsHeaderToken(name)) {
      r.Error(*header, "'" + name + "' is not a valid HTTP header name");
      return;
    }
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.header = std::move(name);
  } else if (header != nullptr) {
    r.Error(*header, "'header' only applies to sticky by header");
  }
}

}  // namespace sluice::config
