// Parsers for the fixed sections: server, admin, upstream, streaming, log.
// Thread rule: called by one thread during a load.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/parse.h"
#include "config/units.h"
#include "tokenizer/hf_chat_count.h"
#include "tokenizer/hf_registry.h"

namespace sluice::config {
namespace {

constexpr Duration kMaxDuration{24 * 3'600'000};
constexpr Duration kOneMs{1};
constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;

void ParseTls(Reader& r, const Field& field, ServerConfig& out, const ParseNotes& notes) {
  std::optional<Mapping> m = r.Map(field, {"cert_file", "key_file"});
  if (!m) return;
  const Field* cert = m->Get("cert_file");
  const Field* key = m->Get("key_file");
  std::optional<Scalar> cert_value = cert ? r.Text(*cert) : std::nullopt;
  std::optional<Scalar> key_value = key ? r.Text(*key) : std::nullopt;
  if ((cert && !cert_value) || (key && !key_value)) return;  // already reported
  const bool has_cert = cert_value && !cert_value->value.empty();
  const bool has_key = key_value && !key_value->value.empty();
  // Both empty (e.g. "${TLS_CERT:-}") means plain HTTP, so TLS can be switched on from the
  // environment.
  if (!has_cert && !has_key) return;
  if (has_cert != has_key) {
    r.Error(has_cert ? m->self().ChildPath("key_file") : m->self().ChildPath("cert_file"),
            (has_cert ? cert : key)->key_mark, "cert_file and key_file must be set together");
    return;
  }
  TlsServerConfig tls;
  const bool cert_ok = CheckReadableFile(r, *cert, *cert_value, notes.base_dir, tls.cert_file);
  const bool key_ok = CheckReadableFile(r, *key, *key_value, notes.base_dir, tls.key_file);
  if (cert_ok && key_ok) out.tls = std::move(tls);
}

}  // namespace

bool CheckReadableFile(Reader& r, const Field& field, const Scalar& value,
                       const std::string& base_dir, std::string& resolved) {
  namespace fs = std::filesystem;
  fs::path path(value.value);
  if (path.is_relative() && !base_dir.empty()) path = fs::path(base_dir) / path;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    r.Error(field, "file not found" + value.Shown());
    return false;
  }
  if (!fs::is_regular_file(status)) {
    r.Error(field, "not a regular file" + value.Shown());
    return false;
  }
  if (!std::ifstream(path).good()) {
    r.Error(field, "file is not readable by this user" + value.Shown());
    return false;
  }
  resolved = path.lexically_normal().string();
  return true;
}

void ParseUpstreamTimeouts(Reader& r, const Field& field, UpstreamTimeouts& out) {
  std::optional<Mapping> m = r.Map(field, {"connect", "first_byte", "idle", "total"});
  if (!m) return;
  ReadDuration(r, m->Get("connect"), kOneMs, kMaxDuration, out.connect);
  ReadDuration(r, m->Get("first_byte"), kOneMs, kMaxDuration, out.first_byte);
  ReadDuration(r, m->Get("idle"), kOneMs, kMaxDuration, out.idle);
  ReadDuration(r, m->Get("total"), kOneMs, kMaxDuration, out.total);
  // Deadlines that can never fire are almost always a unit slip ("10s" total vs "60s" first byte).
  for (auto [name, value] :
       {std::pair{"connect", out.connect}, std::pair{"first_byte", out.first_byte},
        std::pair{"idle", out.idle}}) {
    if (value > out.total) {
      r.Warn(field.ChildPath(name), field.key_mark,
             std::string(name) + " (" + FormatDuration(value) + ") is longer than total (" +
                 FormatDuration(out.total) + "), so total fires first");
    }
  }
}

void ParseServer(Reader& r, const Field* field, ServerConfig& out, ParseNotes& notes) {
  if (field == nullptr) return;
  std::optional<Mapping> m = r.Map(*field, {"listen", "workers", "tls", "limits", "timeouts"});
  if (!m) return;
  if (ReadEndpoint(r, m->Get("listen"), out.listen)) notes.server_listen = *m->Get("listen");
  if (const Field* workers = m->Get("workers")) {
    std::optional<Scalar> s = r.Text(*workers);
    if (s && s->value == "auto") {
      out.workers = 0;
    } else if (s) {
      unsigned n = 0;
      const char* end = s->value.data() + s->value.size();
      auto [ptr, ec] = std::from_chars(s->value.data(), end, n);
      if (s->value.empty() || ec != std::errc() || ptr != end || n < 1 || n > 1024) {
        r.Error(*workers, "must be 'auto' or a whole number from 1 to 1024" + s->Shown());
      } else {
        out.workers = n;
      }
    }
  }
  if (const Field* tls = m->Get("tls")) ParseTls(r, *tls, out, notes);
  if (const Field* limits = m->Get("limits")) {
    if (std::optional<Mapping> l =
            r.Map(*limits, {"max_header_bytes", "max_body_bytes", "max_connections"})) {
      ReadSizeAs(r, l->Get("max_header_bytes"), kKiB, 16 * kMiB, out.limits.max_header_bytes);
      if (ReadSize(r, l->Get("max_body_bytes"), kKiB, 4 * kGiB, out.limits.max_body_bytes))
        notes.server_max_body = *l->Get("max_body_bytes");
      ReadUintAs(r, l->Get("max_connections"), 1, 1'000'000, out.limits.max_connections);
    }
  }
  if (const Field* timeouts = m->Get("timeouts")) {
    if (std::optional<Mapping> t =
            r.Map(*timeouts, {"request_read", "idle_keepalive", "client_write", "drain"})) {
      ReadDuration(r, t->Get("request_read"), kOneMs, kMaxDuration, out.timeouts.request_read);
      ReadDuration(r, t->Get("idle_keepalive"), kOneMs, kMaxDuration, out.timeouts.idle_keepalive);
      ReadDuration(r, t->Get("client_write"), kOneMs, kMaxDuration, out.timeouts.client_write);
      ReadDuration(r, t->Get("drain"), Duration{0}, kMaxDuration, out.timeouts.drain);
    }
  }
}

void ParseAdmin(Reader& r, const Field* field, AdminConfig& out, ParseNotes& notes) {
  if (field == nullptr) return;
  std::optional<Mapping> m = r.Map(*field, {"listen", "enabled"});
  if (!m) return;
  if (ReadEndpoint(r, m->Get("listen"), out.listen)) notes.admin_listen = *m->Get("listen");
  ReadBool(r, m->Get("enabled"), out.enabled);
}

void ParseUpstream(Reader& r, const Field* field, UpstreamConfig& out, ParseNotes& notes) {
  if (field == nullptr) return;
  std::optional<Mapping> m = r.Map(*field, {"timeouts", "max_idle_per_origin", "pool_idle_timeout",
                                            "max_response_bytes", "ca_file"});
  if (!m) return;
  if (const Field* timeouts = m->Get("timeouts")) ParseUpstreamTimeouts(r, *timeouts, out.timeouts);
  ReadUintAs(r, m->Get("max_idle_per_origin"), 0, 65536, out.max_idle_per_origin);
  ReadDuration(r, m->Get("pool_idle_timeout"), kOneMs, kMaxDuration, out.pool_idle_timeout);
  ReadSize(r, m->Get("max_response_bytes"), kKiB, 16 * kGiB, out.max_response_bytes);
  if (const Field* ca = m->Get("ca_file")) {
    std::optional<Scalar> s = r.Text(*ca);
    if (s && !s->value.empty()) CheckReadableFile(r, *ca, *s, notes.base_dir, out.ca_file);
  }
}

void ParseStreaming(Reader& r, const Field* field, StreamingConfig& out) {
  if (field == nullptr) return;
  std::optional<Mapping> m = r.Map(*field, {"idle_timeout", "total_timeout"});
  if (!m) return;
  ReadDuration(r, m->Get("idle_timeout"), kOneMs, kMaxDuration, out.idle_timeout);
  ReadDuration(r, m->Get("total_timeout"), kOneMs, kMaxDuration, out.total_timeout);
  if (out.idle_timeout > out.total_timeout) {
    r.Warn(field->ChildPath("idle_timeout"), field->key_mark,
           "idle_timeout is longer than total_timeout, so total_timeout fires first");
  }
}

void ParseLog(Reader& r, const Field* field, LogConfig& out) {
  if (field == nullptr) return;
  std::optional<Mapping> m = r.Map(*field, {"level", "access_log"});
  if (!m) return;
  if (const Field* level = m->Get("level")) {
    if (std::optional<Scalar> s = r.Text(*level)) {
      static const std::vector<std::string_view> kLevels{"trace", "debug", "info",
                                                         "warn",  "error", "off"};
      if (std::find(kLevels.begin(), kLevels.end(), s->value) != kLevels.end()) {
        out.level = s->value;
      } else {
        std::string message = "must be one of trace, debug, info, warn, error, off" + s->Shown();
        if (std::string hint = Suggest(s->value, kLevels); !hint.empty() && !s->from_env())
          message += " (did you mean '" + hint + "'?)";
        r.Error(*level, std::move(message));
      }
    }
  }
  ReadBool(r, m->Get("access_log"), out.access_log);
}

namespace {

// tokenizer_file / chat_framing of one tokenizer.models rule. The file is loaded here (once per path: the
// tokenizer registry keeps it for the runtime build), so `sluice check` reports an unsupported file with
// its YAML line. False when the rule is unusable (errors recorded).
bool ParseTokenizerFile(Reader& r, const Mapping& body, TokenizerModelRule& rule, const ParseNotes& notes) {
  const Field* file = body.Get("tokenizer_file");
  const Field* framing = body.Get("chat_framing");
  if (!file) {
    if (framing) r.Error(*framing, "chat_framing needs tokenizer_file");
    return !framing;
  }
  for (const char* other : {"encoding", "estimate_factor"}) {
    if (const Field* f = body.Get(other)) {
      r.Error(*f, std::string(other) + " cannot be combined with tokenizer_file (the file is the exact tokenizer)");
      return false;
    }
  }
  std::optional<Scalar> path = r.Text(*file);
  if (!path || !CheckReadableFile(r, *file, *path, notes.base_dir, rule.tokenizer_file)) return false;
  auto tok = tokenizer::LoadHfTokenizer(rule.tokenizer_file);
  if (!tok.ok()) {
    r.Error(*file, "unsupported tokenizer file: " + tok.error().message);
    return false;
  }
  tokenizer::ChatFraming chosen = (*tok)->DetectedFraming();
  if (framing) {
    std::optional<Scalar> s = r.Text(*framing);
    if (!s) return false;
    if (!tokenizer::ParseChatFraming(s->value, &chosen)) {
      r.Error(*framing, "must be one of llama3, chatml, deepseek_v3, none" + s->Shown());
      return false;
    }
    std::string missing;
    if (!tokenizer::FramingSupported(**tok, chosen, &missing)) {
      r.Error(*framing, "the tokenizer file has no added token " + missing + " that " + s->value + " framing uses");
      return false;
    }
  }
  rule.chat_framing = std::string(tokenizer::ChatFramingName(chosen));
  return true;
}

}  // namespace

void ParseTokenizer(Reader& r, const Field* field, TokenizerConfig& out, const ParseNotes& notes) {
  if (field == nullptr) return;
  std::optional<Mapping> m = r.Map(*field, {"preload", "allow_estimate", "models"});
  if (!m) return;
  ReadBool(r, m->Get("preload"), out.preload);
  ReadBool(r, m->Get("allow_estimate"), out.allow_estimate);
  const Field* models = m->Get("models");
  if (models == nullptr) return;
  std::optional<Mapping> rules = r.Map(*models);
  if (!rules) return;
  for (const Field& entry : rules->entries()) {
    TokenizerModelRule rule;
    rule.prefix = entry.key;
    std::optional<Mapping> body =
        r.Map(entry, {"encoding", "estimate_factor", "tokenizer_file", "chat_framing"});
    if (!body) continue;
    if (!ParseTokenizerFile(r, *body, rule, notes)) continue;
    if (const Field* enc = body->Get("encoding")) {
      if (std::optional<Scalar> s = r.Text(*enc)) {
        if (s->value == "o200k_base" || s->value == "cl100k_base") {
          rule.encoding = s->value;
        } else {
          r.Error(*enc, "must be o200k_base or cl100k_base" + s->Shown());
        }
      }
    }
    if (const Field* factor = body->Get("estimate_factor")) {
      if (std::optional<Scalar> s = r.Text(*factor)) {
        char* end = nullptr;
        double v = std::strtod(s->value.c_str(), &end);
        if (s->value.empty() || end == nullptr || *end != '\0' || !(v > 0.05 && v < 20)) {
          r.Error(*factor, "must be a number between 0.05 and 20" + s->Shown());
        } else {
          rule.estimate_factor = v;
        }
      }
    }
    out.models.push_back(std::move(rule));
  }
}

}  // namespace sluice::config
