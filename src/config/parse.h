// Internal to src/config: the section parsers and the cross-section checks, shared by loader.cc.
// Thread rule: called by one thread during a load.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "config/schema.h"
#include "config/yaml_reader.h"

namespace sluice::config {

// Positions kept for checks that span sections (validate.cc).
struct ParseNotes {
  std::string base_dir;                          // relative file paths resolve against it
  std::map<std::string, Field> provider_fields;  // every provider entry, dropped ones included
  struct Dropped {                               // an optional provider skipped for unset variables
    Field field;
    std::string variables;            // "OPENAI_API_KEY, OPENAI_ORG"
    std::vector<std::string> models;  // models skipped with it
  };
  std::map<std::string, Dropped> dropped_providers;
  std::map<std::string, Field> model_fields;  // kept models
  std::map<std::string, Field> model_provider_fields;
  std::map<std::string, Field> model_body_fields;  // models that set max_body_bytes
  std::optional<Field> server_listen, admin_listen, server_max_body, models_section;
  // Per route (kept ones): where its fallbacks and targets were written, for cross-route checks.
  std::map<std::string, std::vector<Field>> route_fallback_fields;
  std::map<std::string, std::vector<Field>> route_target_fields;  // parallel to targets
  std::map<std::string, Field> route_strategy_fields;
  std::set<std::string> dropped_models;  // routes skipped with their optional providers
  int model_entries = 0;   // entries under models:, kept or not
  int models_dropped = 0;  // skipped with their optional provider
};

void ParseServer(Reader& r, const Field* field, ServerConfig& out, ParseNotes& notes);
void ParseAdmin(Reader& r, const Field* field, AdminConfig& out, ParseNotes& notes);
void ParseUpstream(Reader& r, const Field* field, UpstreamConfig& out, ParseNotes& notes);
void ParseStreaming(Reader& r, const Field* field, StreamingConfig& out);
void ParseLog(Reader& r, const Field* field, LogConfig& out);
void ParseTokenizer(Reader& r, const Field* field, TokenizerConfig& out, const ParseNotes& notes);
// A timeouts block whose unspecified keys keep the values already in `out`.
void ParseUpstreamTimeouts(Reader& r, const Field& field, UpstreamTimeouts& out);

// Providers need the final upstream.timeouts (a provider's partial timeouts inherit them).
void ParseProviders(Reader& r, const Field* field, const UpstreamTimeouts& inherited,
                    std::vector<ProviderConfig>& out, ParseNotes& notes);
// Models resolve their provider against the parsed (and dropped) providers; per-route retry blocks
// inherit `routing.retry`, so `routing` is parsed first.
void ParseModels(Reader& r, const Field* field, const RoutingConfig& routing,
                 std::vector<ModelConfig>& out, ParseNotes& notes);
void ParseRouting(Reader& r, const Field* field, RoutingConfig& out);
// A retry block whose unspecified keys keep the values already in `out`. `budget` non-null: only the
// top-level block may hold `budget` (the retry budget is per worker, shared by every route).
void ParseRetry(Reader& r, const Field& field, RetryConfig& out, RetryBudgetConfig* budget);
void ParseLoadMetrics(Reader& r, const Field& field, const ProviderConfig& provider,
                      LoadMetricsConfig& out);

// parse_route_parts.cc
void ParseParamPolicy(Reader& r, const Field& field, ParamPolicy& out);
void ParseAccess(Reader& r, const Field& field, AccessPolicy& out);
void ParseSticky(Reader& r, const Field& field, StickyConfig& out);
// A list of elements (paths "x[0]", "x[1]"); a single value counts as a one-element list when
// `scalar_ok`. nullopt (with an error) otherwise.
std::optional<std::vector<Field>> ReadList(Reader& r, const Field& field, bool scalar_ok);
bool ReadStringList(Reader& r, const Field& field, std::vector<std::string>& out);
bool ReadNumber(Reader& r, const Field* field, double min, double max, double& out);
// PCRE2 compile check; empty when the pattern compiles, else "bad regex at offset N: why".
std::string RegexError(const std::string& pattern, bool anchored);
bool IsHeaderToken(std::string_view name);

// parse_rules.cc: `rules:` of one route. Rule targets resolve against the route's targets (dropped
// ones included, by index) by name, "provider/model", or provider when only one target uses it.
void ParseRules(Reader& r, const Field& field, const std::vector<TargetConfig>& targets,
                std::vector<RuleConfig>& out);

// validate_routes.cc: fallbacks, least-cost prices, candidate counts; drops references to routes
// skipped with an optional provider.
void ResolveRoutes(Reader& r, Config& config, const ParseNotes& notes);

// Checks across sections: listen conflicts, per-model limits, at least one model, unused providers.
void ValidateCrossSection(Reader& r, const Config& config, const ParseNotes& notes);

// A file the server will open: resolved against base_dir when relative, must be a readable regular
// file. Returns false (with an error) otherwise.
bool CheckReadableFile(Reader& r, const Field& field, const Scalar& value,
                       const std::string& base_dir, std::string& resolved);

}  // namespace sluice::config
