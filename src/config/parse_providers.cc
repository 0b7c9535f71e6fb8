// Parser for `providers:`, including optional providers that drop out when their environment
// variables are unset (`models:` is in parse_routes.cc).
// Thread rule: called by one thread during a load.
#include <algorithm>
#include <cctype>

#include "config/parse.h"
#include "config/provider_types.h"
#include "config/units.h"

namespace sluice::config {
namespace {

bool IsProviderName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (out.find(n) != std::string::npos) continue;  // a variable used twice is named once
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

void ParseHeaders(Reader& r, const Field& field, std::map<std::string, std::string>& out) {
  // The gateway owns framing and connection management; letting config override them breaks
  // requests.
  static const std::vector<std::string_view> kForbidden{
      "host", "content-length", "transfer-encoding", "connection",      "upgrade",
      "te",   "trailer",        "keep-alive",        "proxy-connection"};
  std::optional<Mapping> m = r.Map(field);
  if (!m) return;
  std::map<std::string, std::string> seen;  // lower-case name → as written
  for (const Field& h : m->entries()) {
    const std::string lower = Lower(h.key);
    if (!IsHeaderToken(h.key)) {
      r.Error(h.path, h.key_mark, "'" + h.key + "' is not a valid HTTP header name");
      continue;
    }
    if (std::find(kForbidden.begin(), kForbidden.end(), lower) != kForbidden.end()) {
      r.Error(h.path, h.key_mark,
              "header '" + h.key + "' is managed by the gateway and cannot be set");
      continue;
    }
    if (auto [it, inserted] = seen.emplace(lower, h.key); !inserted) {
      r.Error(h.path, h.key_mark,
              "header '" + h.key + "' repeats '" + it->second +
                  "' (header names are case-insensitive)");
      continue;
    }
    std::optional<Scalar> value = r.Text(h);
    if (!value) continue;
    // Header values often carry credentials, so the value is never quoted.
    if (value->value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      r.Error(h, "header value must not contain line breaks or NUL characters");
      continue;
    }
    // Empty means "not sent", so "${OPENAI_ORG:-}" makes a header conditional on the environment.
    if (!value->value.empty()) out[h.key] = std::move(value->value);
  }
}

// False when the value could not be read (already reported).
bool ParseApiKey(Reader& r, const Field& field, ProviderConfig& p,
                 std::vector<std::string>& empty_vars) {
  std::optional<Scalar> key = r.Text(field);
  if (!key) return false;
  // Never quote the key: say what is wrong, not what it is.
  if (std::any_of(key->value.begin(), key->value.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    r.Error(field,
            "api_key contains whitespace or control characters (a stray newline from a file?)");
    return false;
  }
  if (key->value.empty() && key->from_env())
    empty_vars.insert(empty_vars.end(), key->variables.begin(), key->variables.end());
  if (!key->value.empty() && !key->from_env()) {
    r.Warn(
        field,
        "api_key is written in the file; prefer \"${ENV_VAR}\" to keep keys out of config files");
  }
  p.api_key.value = std::move(key->value);
  return true;
}

void ParseProvider(Reader& r, const Field& entry, const UpstreamTimeouts& inherited,
                   std::vector<ProviderConfig>& out, ParseNotes& notes) {
  std::optional<Mapping> m = r.Map(
      entry, {"type", "base_url", "api_key", "headers", "timeouts", "optional", "tls_verify",
              "load_metrics"});
  if (!m) return;
  ProviderConfig p;
  p.name = entry.key;
  ReadBool(r, m->Get("optional"), p.optional);
  if (p.optional) r.BeginDeferUnset();

  if (const Field* type = m->Get("type")) {
    if (std::optional<Scalar> s = r.Text(*type)) {
      if (std::optional<ProviderType> t = ParseProviderType(s->value)) {
        p.type = *t;
        p.type_name = s->value;
      } else {
        std::string message = "unknown provider type" + s->Shown();
        if (std::string hint = Suggest(s->value, ProviderTypeNames());
            !hint.empty() && !s->from_env())
          message += " (did you mean '" + hint + "'?)";
        r.Error(*type, message + "; see docs/config.md for the list");
      }
    }
  } else {
    r.Error(entry.path, entry.key_mark,
            "missing required key 'type' (e.g. openai, anthropic, vllm)");
  }

  std::optional<BaseUrl> url;
  if (const Field* base = m->Get("base_url")) {
    if (std::optional<Scalar> s = r.Text(*base)) {
      Parsed<BaseUrl> parsed = ParseBaseUrl(s->value);
      if (parsed.value) {
        url = parsed.value;
        p.base_url = parsed.value->normalized;
      } else {
        // A URL with '@' may hold a password: do not quote it.
        const bool may_hold_secret = s->value.find('@') != std::string::npos;
        r.Error(*base, parsed.error + (may_hold_secret ? std::string() : s->Shown()));
      }
    }
  } else {
    r.Error(entry.path, entry.key_mark,
            "missing required key 'base_url' (e.g. \"https://api.openai.com\")");
  }

  std::vector<std::string> empty_vars;
  bool api_key_readable = true;
  if (const Field* key = m->Get("api_key")) api_key_readable = ParseApiKey(r, *key, p, empty_vars);
  if (const Field* headers = m->Get("headers")) ParseHeaders(r, *headers, p.headers);
  if (const Field* timeouts = m->Get("timeouts")) {
    UpstreamTimeouts t = inherited;  // unspecified keys inherit upstream.timeouts
    ParseUpstreamTimeouts(r, *timeouts, t);
    p.timeouts = t;
  }
  ReadBool(r, m->Get("tls_verify"), p.tls_verify);
  if (const Field* metrics = m->Get("load_metrics")) {
    LoadMetricsConfig lm;
    ParseLoadMetrics(r, *metrics, p, lm);
    // Hosted APIs publish no Prometheus load metrics; only self-hosted OpenAI-compatible servers do.
    if (p.type != ProviderType::kOpenAiCompatible && !p.type_name.empty())
      r.Warn(*metrics, "load_metrics is meant for self-hosted servers (vllm, sglang); type '" +
                           p.type_name + "' does not serve Prometheus load metrics");
    p.load_metrics = std::move(lm);
  }

  if (p.optional) {
    std::vector<std::string> unset = r.EndDeferUnset();
    unset.insert(unset.end(), empty_vars.begin(), empty_vars.end());
    if (!unset.empty()) {
      // Reported once, with the models it takes along, by ValidateCrossSection.
      notes.dropped_providers.emplace(p.name, ParseNotes::Dropped{entry, JoinNames(unset), {}});
      return;
    }
  }
  if (ApiKeyRequired(p.type) && !p.type_name.empty() && p.api_key.empty() && api_key_readable) {
    const Field* key = m->Get("api_key");
    r.Error(key ? key->path : entry.ChildPath("api_key"), key ? key->Where() : entry.key_mark,
            std::string(key ? "api_key is empty" : "missing required key 'api_key'") + " (type '" +
                p.type_name + "' needs one; write api_key: \"${ENV_VAR}\", or set optional: true)");
  }
  if (!p.tls_verify) {
    r.Warn(*m->Get("tls_verify"),
           "TLS certificate verification is off for provider '" + p.name + "'");
  }
  if (url && url->scheme == "http" && !p.api_key.empty() && !IsLoopbackHost(url->host)) {
    r.Warn(*m->Get("base_url"),
           "the API key is sent unencrypted over http:// to a non-loopback host");
  }
  out.push_back(std::move(p));
}

}  // namespace

void ParseProviders(Reader& r, const Field* field, const UpstreamTimeouts& inherited,
                    std::vector<ProviderConfig>& out, ParseNotes& notes) {
  if (field == nullptr) return;
  std::optional<Mapping> m = r.Map(*field);
  if (!m) return;
  for (const Field& entry : m->entries()) {
    if (!IsProviderName(entry.key)) {
      r.Error(entry.path, entry.key_mark,
              "provider name '" + entry.key + "' may hold only a-z, 0-9, '_' and '-' (at most 64)");
      continue;
    }
    notes.provider_fields.emplace(entry.key, entry);
    ParseProvider(r, entry, inherited, out, notes);
  }
}

}  // namespace sluice::config
