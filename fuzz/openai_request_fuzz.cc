// Fuzz target: dialect::DecodeOpenAiRequest (chat and embeddings) and the byte-faithful upstream
// splice. Invariants: a refusal is a clean 4xx; an accepted body re-encodes (default and Mistral-style
// quirks) to valid JSON that decodes again with the upstream model in place of the client's.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>

#include "dialect/openai_request.h"
#include "fuzz/fuzz_check.h"

namespace {
using namespace sluice;

void CheckReencode(std::string_view body, dialect::OpenAiEndpoint endpoint, const std::string& out,
                   const char* what) {
  FUZZ_CHECK(fuzz::IsJson(out), std::string(what) + " produced invalid JSON: " + out.substr(0, 300));
  auto again = dialect::DecodeOpenAiRequest(out, endpoint);
  FUZZ_CHECK(again.ok(), std::string(what) + " output no longer decodes: " +
                             (again.ok() ? "" : again.error().message));
  FUZZ_CHECK(again->model == "up\"stream/model", std::string(what) + " model is " + again->model);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body = fuzz::AsView(data, size);
  for (auto endpoint : {dialect::OpenAiEndpoint::kChatCompletions, dialect::OpenAiEndpoint::kEmbeddings}) {
    auto decoded = dialect::DecodeOpenAiRequest(body, endpoint);
    if (!decoded.ok()) {
      fuzz::CheckCleanError(decoded.error(), "DecodeOpenAiRequest");
      FUZZ_CHECK(decoded.error().Status() < 500, "a client body error must be 4xx");
      continue;
    }
    CheckReencode(body, endpoint, dialect::EncodeOpenAiUpstreamBody(body, *decoded, "up\"stream/model"),
                  "EncodeOpenAiUpstreamBody");
    dialect::OpenAiUpstreamOptions quirks;
    quirks.stream_usage = false;
    quirks.max_tokens_field = "max_tokens";
    quirks.seed_field = "random_seed";
    quirks.parallel_tool_calls = false;
    quirks.tool_call_ids = dialect::ToolCallIdRule::kNineAlnum;
    dialect::ToolCallIdMap remapped;
    CheckReencode(body, endpoint,
                  dialect::EncodeOpenAiUpstreamBody(body, *decoded, "up\"stream/model", quirks, &remapped),
                  "EncodeOpenAiUpstreamBody(quirks)");
    for (const auto& [up, client] : remapped.upstream_to_client)
      FUZZ_CHECK(dialect::ToolCallIdFits(up, dialect::ToolCallIdRule::kNineAlnum), "remapped id does not fit: " + up);
  }
  return 0;
}
