// OpenAI wire format for the mock: chat.completion bodies, chat.completion.chunk SSE streams,
// embeddings lists, model lists and error bodies, exactly as documented (reference §1.4–1.8).
// Thread rule: pure functions; an OpenAiStream is owned by one connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mock_llm/openai_reader.h"
#include "mock_llm/script.h"

namespace sluice::mock_llm {

// Identity of one response: every chunk of a stream repeats it.
struct ResponseMeta {
  std::string id;        // "chatcmpl-mock-<n>"
  int64_t created = 0;   // unix seconds
  // Azure OpenAI flavour (reference §6): no service_tier; top-level prompt_filter_results and per-choice
  // content_filter_results; streams open with a choices:[] chunk carrying only prompt_filter_results.
  bool azure = false;
};

// Azure's content-filter annotations: all categories "safe", or the completion filtered for violence
// ("high") when the script's finish is content_filter. Prompt results add jailbreak; completion results
// add protected_material_code/_text.
std::string AzurePromptFilterResults();                 // [{"prompt_index":0,"content_filter_results":{…}}]
std::string AzureContentFilterResults(bool filtered);   // {"hate":{…},…}
// Azure's 400 for a filtered prompt: {"error":{"message","type":null,"param":"prompt","code":"content_filter",
// "status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{…}}}}.
std::string AzurePromptFilteredError();

// Non-streaming chat.completion.
std::string RenderChatCompletion(const ChatCall& call, const Script& script, const ResponseMeta& meta);

// A chat.completion whose serialized size is exactly `body_bytes` (when that is at least the size of the
// same body with empty content): the content is filler text and completion_tokens is ceil(bytes/4).
std::string RenderSizedChatCompletion(const ChatCall& call, const Script& script, const ResponseMeta& meta,
                                      uint64_t body_bytes);

// The SSE stream: role chunk, content (or tool-call) chunks, finish chunk, usage chunk when
// include_usage was requested, then `data: [DONE]`.
std::unique_ptr<StreamRenderer> MakeOpenAiStream(const ChatCall& call, Script script, ResponseMeta meta);

// One chunk with the given delta JSON (exposed for tests); carries "usage":null when include_usage.
// `content_filter_json` (Azure) becomes the choice's content_filter_results when not empty.
std::string RenderChunkJson(const ChatCall& call, const ResponseMeta& meta, std::string_view delta_json,
                            std::string_view finish_reason, std::string_view content_filter_json = {});

// {"object":"list","data":[{"object":"embedding","index":i,"embedding":[…] | "base64"}],"model","usage"}
// Vectors are deterministic per (model, input text, dimension) and unit length.
std::string RenderEmbeddings(const EmbeddingsCall& call);
uint32_t DefaultEmbeddingDimensions(std::string_view model);

// GET /v1/models and GET /v1/models/{id}.
std::string RenderModelList();
std::string RenderModel(std::string_view id);

// {"error":{"message","type","param","code"}} with all four keys; empty param/code → null.
std::string RenderError(std::string_view message, std::string_view type, std::string_view param,
                        std::string_view code);
// The error OpenAI gives for a status (type by status; code e.g. rate_limit_exceeded for 429).
std::string RenderStatusError(int status, std::string_view message);

}  // namespace sluice::mock_llm
