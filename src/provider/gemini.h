// Google Gemini adapter, for the Gemini Developer API and Vertex AI (reference §4, mapping §8): IR
// → generateContent / streamGenerateContent?alt=sse / embedContent, and the answers (body, SSE
// stream, errors, embeddings) → IR. Translation choices the reference leaves open:
//  - Paths: Developer API `/{api_version}/models/{model}:…` with `x-goog-api-key`; Vertex
//    `/{api_version}/projects/{project}/locations/{location}/publishers/google/models/{model}:…`
//    with `Authorization: Bearer` (or `x-goog-api-key` when vertex_key_is_access_token is false); a
//    Vertex target without a project uses the express-mode path
//    `/{api_version}/publishers/google/models/…`. "models/x" and "publishers/google/models/x" model
//    names are normalised to "x".
//  - Tool schemas are converted to Gemini's OpenAPI subset (`parameters`, `responseSchema`: works
//  on
//    every model and API version); a schema the subset cannot express ($ref, allOf, non-string
//    enums, empty nested objects…) goes verbatim as `parametersJsonSchema` / `responseJsonSchema`
//    instead.
//  - Tool results become `functionResponse{name, response}`; the name is recovered from the nearest
//    earlier assistant tool call with that id. `response` is the tool's JSON object output as is,
//    else
//    {"output": <value>} ({"error": …} when the result is an error), the keys Gemini documents.
//    Images inside a tool result follow the functionResponse as inlineData parts of the same turn.
//  - Image URLs: Gemini does not fetch arbitrary URLs, so `gs://` and `https://` URLs go as
//    `fileData{fileUri, mimeType}` with the type guessed from the extension (Files API and GCS URIs
//    are what Google fetches; other https URLs are Google's to accept or refuse); `http://` → 400.
//  - Gemini has no call ids: tool calls get `call_<ordinal>_<name>` (ordinal = position among the
//    answer's calls), unless the upstream gave an id. Ids are never sent back (Gemini pairs results
//    with calls by order and name).
//  - thoughtSignature round-trips through IR reasoning parts whose signature is "gemini:<sig>": a
//    thought part keeps its own; a signature on a text/functionCall part becomes an empty reasoning
//    part just before it, and is re-attached to the next part on the way back. Signatures without
//    the prefix (other providers) are dropped. For gemini-3 models, a model turn's first
//    functionCall without a signature gets Google's documented "skip_thought_signature_validator".
//  - n > 1 is refused (the IR carries one choice; candidateCount would bill n answers); more than 5
//    stop sequences → 400; temperature is clamped to 0–2; seed keeps its low 32 bits (Gemini's
//    int32); reasoning_effort → thinkingBudget (none 0, minimal 512, low 1024, medium 8192, high
//    24576, xhigh/max 32768) with includeThoughts; parallel_tool_calls and user have no Gemini
//    field (dropped).
//  - finishReason MALFORMED_FUNCTION_CALL / UNEXPECTED_TOOL_CALL / TOO_MANY_TOOL_CALLS → an
//  upstream
//    error (502, retryable) rather than a silent empty answer.
//  - Embeddings: Developer API embedContent / batchEmbedContents; Vertex `:predict` (its text
//    embeddings API, which also reports token counts).
// Thread rule: the adapter is immutable and shareable; a stream decoder belongs to one stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "provider/adapter.h"

namespace sluice::provider {

struct GeminiOptions {
  bool vertex = false;
  std::string project{};   // Vertex: the Google Cloud project; empty → express mode
  std::string location{};  // Vertex: e.g. "us-central1" or "global"
  // "v1beta" for the Developer API; a Vertex adapter given "v1beta" (which Vertex lacks) uses "v1".
  std::string api_version = "v1beta";
  bool vertex_key_is_access_token = true;  // Vertex: Target::api_key is an OAuth2 token (Bearer)
};

// Gemini finishReason → IR (unknown values → kUnknown). STOP stays kStop here: the decoders turn it
// into kToolCalls when the answer holds function calls.
ir::FinishReason GeminiFinishReason(std::string_view finish_reason);
// finishReasons that mean the model failed to produce a usable answer (surfaced as a 502 error).
bool GeminiFinishIsError(std::string_view finish_reason);
// google.rpc status name → HTTP status (RESOURCE_EXHAUSTED → 429, UNAVAILABLE → 503, …; unknown →
// 500).
int GeminiStatusForName(std::string_view status);

class GeminiStreamDecoder final : public StreamDecoder {
 public:
  bool Feed(std::string_view type, std::string_view data,
            std::vector<ir::StreamEvent>& out) override;
  bool Finish(std::vector<ir::StreamEvent>& out) override;
  const core::Error& error() const override { return error_; }
  bool finished() const override { return finished_; }

 private:
  enum class Open : uint8_t { kNone, kText, kReasoning };
  bool Fail(std::string message, std::vector<ir::StreamEvent>& out);
  void Close(std::vector<ir::StreamEvent>& out);
  void Append(Open kind, std::string_view text, std::vector<ir::StreamEvent>& out);
  void SignatureBlock(std::string_view signature, std::vector<ir::StreamEvent>& out);

  Open open_ = Open::kNone;
  uint32_t open_index_ = 0;
  uint32_t next_index_ = 0;  // next IR block index
  uint32_t calls_ = 0;       // function calls emitted (ordinal for synthesized ids)
  ir::Usage usage_;          // the latest usageMetadata
  bool started_ = false;
  bool saw_finish_ = false;  // a finishReason (or a prompt block) arrived: the answer is complete
  bool finished_ = false;
  bool failed_ = false;
  core::Error error_;
};

class GeminiAdapter final : public ProviderAdapter {
 public:
  explicit GeminiAdapter(GeminiOptions options = {});
  std::string_view Name() const override { return options_.vertex ? "vertex" : "gemini"; }
  core::Result<UpstreamRequest> BuildRequest(const ir::ChatRequest& request,
                                             const Target& target) const override;
  core::Result<ir::ChatResponse> DecodeResponse(std::string_view body) const override;
  std::unique_ptr<StreamDecoder> NewStreamDecoder() const override {
    return std::make_unique<GeminiStreamDecoder>();
  }
  core::Error DecodeError(int status, std::string_view body) const override;
  core::Result<UpstreamRequest> BuildEmbeddingsRequest(const ir::EmbeddingsRequest& request,
                                                       const Target& target) const override;
  core::Result<ir::EmbeddingsResponse> DecodeEmbeddingsResponse(
      std::string_view body) const override;

  const GeminiOptions& options() const { return options_; }
  // The JSON body alone (BuildRequest = this + path + headers), for tests and benchmarks.
  static core::Result<std::string> EncodeBody(const ir::ChatRequest& request, const Target& target);
  // "/{version}/models/{model}:{method}" or the Vertex equivalent, with Target::path_prefix; fails
  // (400) for a model name that cannot be a path segment, and (500) for a Vertex config without
  // location.
  core::Result<std::string> MethodPath(std::string_view model, std::string_view method,
                                       std::string_view path_prefix) const;

 private:
  std::vector<Header> Headers(const Target& target) const;
  GeminiOptions options_;
};

}  // namespace sluice::provider
