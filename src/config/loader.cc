// YAML text → validated Config. Thread rule: no shared state; see loader.h.
#include "config/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "config/parse.h"

namespace sluice::config {
namespace {

constexpr std::uintmax_t kMaxFileBytes = 16 * 1024 * 1024;  // a config this large is a mistake

LoadResult Fail(std::string message, int line = 0, int column = 0) {
  LoadResult result;
  result.errors.push_back(ConfigError{"", line, column, std::move(message)});
  return result;
}

// yaml-cpp's messages for a tab in indentation ("illegal block entry", ...) do not say "tab". Looks
// at the reported line and the one before it (yaml-cpp often reports the token after the problem).
std::string TabHint(std::string_view yaml, int error_line) {
  int line = 0;
  size_t start = 0;
  while (start <= yaml.size() && line <= error_line) {
    size_t end = yaml.find('\n', start);
    if (end == std::string_view::npos) end = yaml.size();
    const std::string_view text = yaml.substr(start, end - start);
    const std::string_view indent = text.substr(0, text.find_first_not_of(" \t"));
    if (line >= error_line - 1 && indent.find('\t') != std::string_view::npos)
      return " (line " + std::to_string(line + 1) +
             " is indented with a tab; YAML allows only spaces)";
    start = end + 1;
    ++line;
  }
  return {};
}

void SortByPosition(std::vector<ConfigError>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
}

LoadResult Parse(const YAML::Node& document, const std::string& source_name, const EnvLookup& env) {
  Reader r(env);
  Field root{"", "", document, YAML::Mark()};
  auto config = std::make_shared<Config>();
  config->source_path = source_name;
  ParseNotes notes;
  notes.base_dir = std::filesystem::path(source_name).parent_path().string();

  if (std::optional<Mapping> m =
          r.Map(root, {"server", "admin", "upstream", "streaming", "log", "tokenizer", "routing",
                       "providers", "models"})) {
    ParseServer(r, m->Get("server"), config->server, notes);
    ParseAdmin(r, m->Get("admin"), config->admin, notes);
    ParseUpstream(r, m->Get("upstream"), config->upstream, notes);
    ParseStreaming(r, m->Get("streaming"), config->streaming);
    ParseLog(r, m->Get("log"), config->log);
    ParseTokenizer(r, m->Get("tokenizer"), config->tokenizer, notes);
    ParseProviders(r, m->Get("providers"), config->upstream.timeouts, config->providers, notes);
    ParseRouting(r, m->Get("routing"), config->routing);
    ParseModels(r, m->Get("models"), config->routing, config->models, notes);
    ResolveRoutes(r, *config, notes);
    ValidateCrossSection(r, *config, notes);
  }

  LoadResult result;
  result.errors = std::move(r.errors());
  SortByPosition(result.errors);
  SortByPosition(r.warnings());
  for (ConfigError w : r.warnings()) {
    w.path =
        w.path.empty() ? "warning" : "warning: " + w.path;  // "file:3:1: warning: path: message"
    result.warnings.push_back(FormatError(w, source_name));
  }
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace

// Where each YAML document of `yaml` starts. The parser is driven at most kMaxDocuments times: yaml-cpp can
// report a document without consuming input, and a config never holds more than one anyway.
std::vector<YAML::Mark> DocumentStarts(std::string_view yaml) {
  class Starts final : public YAML::EventHandler {
   public:
    std::vector<YAML::Mark> marks;
    void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  };
  constexpr int kMaxDocuments = 8;
  std::istringstream in{std::string(yaml)};
  YAML::Parser parser(in);
  Starts starts;
  for (int i = 0; i < kMaxDocuments && parser.HandleNextDocument(starts); ++i) {
  }
  return std::move(starts.marks);
}

LoadResult LoadString(std::string_view yaml, std::string source_name, const EnvLookup& env) {
  try {
    std::vector<YAML::Node> documents;
    std::vector<YAML::Mark> document_marks;
    try {
      // Not YAML::LoadAll: yaml-cpp 0.7 loops forever on some inputs (a file holding only ","; found by
      // fuzz/config_yaml). Load builds the first document; a bounded pass over the events counts the rest.
      documents.push_back(YAML::Load(std::string(yaml)));
      document_marks = DocumentStarts(yaml);
      for (size_t i = 1; i < document_marks.size(); ++i) documents.emplace_back();
    } catch (const YAML::Exception& e) {
      // e.msg is yaml-cpp's description without its own position prefix; the position goes in the
      // fields.
      return Fail("invalid YAML: " + e.msg + TabHint(yaml, e.mark.line),
                  e.mark.line >= 0 ? e.mark.line + 1 : 0,
                  e.mark.column >= 0 ? e.mark.column + 1 : 0);
    }
    if (documents.empty() || documents[0].IsNull()) {
      return Fail(
          "the configuration is empty; it needs at least 'providers' and 'models' "
          "(see deploy/examples/default.yaml)");
    }
    if (documents.size() > 1) {
      const YAML::Mark mark = document_marks[1];
      return Fail("the file holds " + std::to_string(documents.size()) +
                      " YAML documents ('---'); a config is exactly one",
                  mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0);
    }
    if (!documents[0].IsMap()) {
      const YAML::Mark mark = documents[0].Mark();
      return Fail("the top level must be a mapping (server:, providers:, models:, ...)",
                  mark.line >= 0 ? mark.line + 1 : 1, mark.column >= 0 ? mark.column + 1 : 1);
    }
    return Parse(documents[0], source_name, env);
  } catch (const std::exception& e) {
    // Not expected: the walk only reads nodes. Kept so a yaml-cpp surprise cannot escape start-up
    // code.
    return Fail(std::string("internal error while loading the configuration: ") + e.what());
  }
}

LoadResult LoadFile(const std::string& path, const EnvLookup& env) {
  try {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) return Fail("cannot read the config file: no such file");
    if (!fs::is_regular_file(status))
      return Fail("cannot read the config file: not a regular file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > kMaxFileBytes) return Fail("the config file is larger than 16MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Fail("cannot read the config file: permission denied or I/O error");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return Fail("cannot read the config file: I/O error");
    return LoadString(text.str(), path, env);
  } catch (const std::exception& e) {
    return Fail(std::string("cannot read the config file: ") + e.what());
  }
}

}  // namespace sluice::config
