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

// A secret (api_key, access keys): never quoted in messages. False when the value could not be read
// (already reported).
bool ParseSecret(Reader& r, const Field& field, std::string_view what, Secret& out,
                 std::vector<std::string>& empty_vars) {
  std::optional<Scalar> key = r.Text(field);
  if (!key) return false;
  // Never quote the key: say what is wrong, not what it is.
  if (std::any_of(key->value.begin(), key->value.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    r.Error(field, std::string(what) +
                       " contains whitespace or control characters (a stray newline from a file?)");
    return false;
  }
  if (key->value.empty() && key->from_env())
    empty_vars.insert(empty_vars.end(), key->variables.begin(), key->variables.end());
  if (!key->value.empty() && !key->from_env()) {
    r.Warn(field, std::string(what) +
                      " is written in the file; prefer \"${ENV_VAR}\" to keep keys out of config files");
  }
  out.value = std::move(key->value);
  return true;
}

// A plain identifier-like setting (region, location, project, api_version, auth) that only some types
// take. Returns nullopt (reported) when absent is fine but the value is unusable.
std::optional<std::string> ReadToken(Reader& r, const Field* field, std::string_view key, bool applies,
                                     std::string_view applies_to, std::string_view allowed_extra) {
  if (field == nullptr) return std::nullopt;
  if (!applies) {
    r.Error(*field, "'" + std::string(key) + "' applies only to type " + std::string(applies_to));
    return std::nullopt;
  }
  std::optional<Scalar> s = r.Text(*field);
  if (!s) return std::nullopt;
  // These end up in host names and URL paths: keep them to safe characters.
  bool ok = !s->value.empty() && std::all_of(s->value.begin(), s->value.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           allowed_extra.find(c) != std::string_view::npos;
  });
  if (!ok) {
    std::string allowed = "a-z, 0-9, '-'";
    for (char c : allowed_extra) allowed += std::string(", '") + c + "'";
    r.Error(*field, std::string(key) + " may hold only " + allowed + s->Shown());
    return std::nullopt;
  }
  return s->value;
}

bool IsType(const ProviderConfig& p, ProviderType t) { return !p.type_name.empty() && p.type == t; }

// The keys that depend on the provider's type (Azure, Vertex/Gemini, Bedrock), and base_url defaults.
void ParseTypeKeys(Reader& r, const Field& entry, const Mapping& m, ProviderConfig& p,
                   std::vector<std::string>& empty_vars) {
  const bool azure = IsType(p, ProviderType::kAzureOpenAi);
  const bool vertex = IsType(p, ProviderType::kVertex);
  const bool gemini = IsType(p, ProviderType::kGemini);
  const bool bedrock = IsType(p, ProviderType::kBedrock);
  const bool typed = !p.type_name.empty();  // an unknown type was reported already: no follow-on noise
  if (auto v = ReadToken(r, m.Get("api_version"), "api_version", !typed || azure || vertex || gemini,
                         "azure, gemini or vertex", "._")) {
    p.api_version = *v;
  }
  if (const Field* f = m.Get("auth")) {
    if (auto v = ReadToken(r, f, "auth", !typed || azure, "azure", "")) {
      if (*v == "api-key" || *v == "entra" || *v == "bearer") {
        p.auth = *v;
      } else {
        std::optional<Scalar> s = r.Text(*f);
        r.Error(*f, "auth must be api-key, entra or bearer" + (s ? s->Shown() : std::string()));
      }
    }
  }
  if (auto v = ReadToken(r, m.Get("project"), "project", !typed || vertex, "vertex", "")) p.project = *v;
  if (auto v = ReadToken(r, m.Get("location"), "location", !typed || vertex, "vertex", "")) p.location = *v;
  if (auto v = ReadToken(r, m.Get("region"), "region", !typed || bedrock, "bedrock", "")) p.region = *v;
  struct SecretKey {
    const char* key;
    Secret* out;
  };
  for (SecretKey k : {SecretKey{"access_key_id", &p.access_key_id},
                      SecretKey{"secret_access_key", &p.secret_access_key},
                      SecretKey{"session_token", &p.session_token}}) {
    const Field* f = m.Get(k.key);
    if (f == nullptr) continue;
    if (typed && !bedrock) {
      r.Error(*f, "'" + std::string(k.key) + "' applies only to type bedrock");
      continue;
    }
    // An empty session token just means long-term keys ("${AWS_SESSION_TOKEN:-}"): it never drops an
    // optional provider.
    std::vector<std::string> ignored;
    ParseSecret(r, *f, k.key, *k.out, k.out == &p.session_token ? ignored : empty_vars);
  }
  if (!typed) return;
  if (vertex && !p.project.empty() && p.location.empty()) {
    r.Error(entry.path, entry.key_mark,
            "missing required key 'location' (type vertex with a project needs one, e.g. us-central1 "
            "or global)");
  }
  if (bedrock) {
    if (p.region.empty() && m.Get("region") == nullptr) {
      r.Error(entry.path, entry.key_mark,
              "missing required key 'region' (type bedrock signs requests for one, e.g. us-east-1)");
    }
    const Field* id = m.Get("access_key_id");
    const Field* secret = m.Get("secret_access_key");
    if ((id == nullptr) != (secret == nullptr)) {
      const Field* given = id ? id : secret;
      r.Error(*given, std::string("access_key_id and secret_access_key go together (") +
                          (id ? "secret_access_key" : "access_key_id") + " is missing)");
    }
    if (const Field* token = m.Get("session_token"); token && (id == nullptr || secret == nullptr))
      r.Error(*token, "session_token needs access_key_id and secret_access_key");
    if (id == nullptr && secret == nullptr && m.Get("api_key") == nullptr) {
      r.Error(entry.path, entry.key_mark,
              "type bedrock needs credentials: access_key_id + secret_access_key (SigV4), or api_key (a "
              "Bedrock API key); write them as \"${ENV_VAR}\"");
    }
  }
}

// The URL when `base_url` is omitted; "" when the type has none (the caller reports it).
std::string DefaultBaseUrlFor(const ProviderConfig& p) {
  if (p.type_name.empty()) return {};
  if (p.type == ProviderType::kVertex) return VertexBaseUrl(p.location);
  if (p.type == ProviderType::kBedrock) return p.region.empty() ? std::string() : BedrockBaseUrl(p.region);
  return std::string(DefaultBaseUrl(p.type_name));
}

void ParseProvider(Reader& r, const Field& entry, const UpstreamTimeouts& inherited,
                   std::vector<ProviderConfig>& out, ParseNotes& notes) {
  std::optional<Mapping> m = r.Map(
      entry, {"type", "base_url", "api_key", "headers", "timeouts", "optional", "tls_verify",
              "load_metrics", "api_version", "auth", "project", "location", "region", "access_key_id",
              "secret_access_key", "session_token"});
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
  }

  std::vector<std::string> empty_vars;
  bool api_key_readable = true;
  if (const Field* key = m->Get("api_key"))
    api_key_readable = ParseSecret(r, *key, "api_key", p.api_key, empty_vars);
  ParseTypeKeys(r, entry, *m, p, empty_vars);
  if (m->Get("base_url") == nullptr) {
    std::string fallback = DefaultBaseUrlFor(p);
    if (!fallback.empty()) {
      Parsed<BaseUrl> parsed = ParseBaseUrl(fallback);
      url = parsed.value;
      p.base_url = parsed.value ? parsed.value->normalized : fallback;
      p.base_url_defaulted = true;
    } else if (p.type_name.empty() || p.type != ProviderType::kBedrock) {  // bedrock: region reported
      r.Error(entry.path, entry.key_mark,
              "missing required key 'base_url' (e.g. \"https://api.openai.com\"; type '" +
                  (p.type_name.empty() ? std::string("?") : p.type_name) + "' has no default)");
    }
  }
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
  const bool has_secret = !p.api_key.empty() || !p.secret_access_key.empty();
  if (url && url->scheme == "http" && has_secret && !IsLoopbackHost(url->host) && m->Get("base_url")) {
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
