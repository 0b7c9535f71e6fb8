// OpenAI Embeddings (`POST /v1/embeddings`, reference §1.7) as a client dialect over the embeddings
// IR, for providers whose embeddings API is not OpenAI's. OpenAI-dialect upstreams get the client's
// bytes (same-dialect splice) and never come here, so this decoder is only called when the request
// must be translated — which is why token-id inputs (int[] / int[][]) are refused: a translated
// provider takes text, and token ids from one tokenizer mean nothing to another. The caller picks
// the path (splice or translate) and with it whether token ids are acceptable.
// Thread rule: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "ir/embeddings.h"

namespace sluice::dialect {

// Validates as OpenAI does: model and input required; input a non-empty string or a non-empty
// array (≤ 2048) of non-empty strings; encoding_format float|base64; dimensions ≥ 1; user a
// string. Other members are ignored. Errors are kInvalidRequest with OpenAI-style messages.
core::Result<ir::EmbeddingsRequest> DecodeOpenAiEmbeddingsRequest(std::string_view body);

// {"object":"list","data":[{"object":"embedding","index":i,"embedding":…}],"model":…,
//  "usage":{"prompt_tokens","total_tokens"}}. Floats are written in the shortest form that reads
// back to the same float32 (NaN/Inf, which JSON cannot carry, as 0); with `base64` each embedding
// is the base64 of its little-endian float32 bytes, exactly as OpenAI encodes it. `model` falls
// back to `requested_model` when the provider named none.
std::string EncodeOpenAiEmbeddingsResponse(const ir::EmbeddingsResponse& response, bool base64,
                                           std::string_view requested_model);

// Appends the base64 (RFC 4648, padded) of the vector's little-endian float32 bytes.
void AppendBase64Floats(std::string& out, const std::vector<float>& vector);

}  // namespace sluice::dialect
