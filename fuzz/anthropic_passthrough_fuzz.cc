// Fuzz target: the Anthropic same-dialect path — DecodeAnthropicRequestHead and the model splice, and
// the readers of the provider's answer (usage, stream events, error normalisation). Invariants: a
// refusal is a clean 4xx; the splice yields JSON that decodes again with the new model; a normalised
// upstream error is always Anthropic-shaped JSON.
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>

#include "dialect/anthropic_passthrough.h"
#include "fuzz/fuzz_check.h"

using namespace sluice;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body = fuzz::AsView(data, size);
  auto head = dialect::DecodeAnthropicRequestHead(body);
  if (head.ok()) {
    std::string out = dialect::EncodeAnthropicUpstreamBody(body, *head, "claude-\\fuzz\"");
    FUZZ_CHECK(fuzz::IsJson(out), "EncodeAnthropicUpstreamBody produced invalid JSON: " + out.substr(0, 300));
    auto again = dialect::DecodeAnthropicRequestHead(out);
    FUZZ_CHECK(again.ok() && again->model == "claude-\\fuzz\"", "spliced body no longer decodes");
    FUZZ_CHECK(again->stream == head->stream, "splice changed stream");
  } else {
    fuzz::CheckCleanError(head.error(), "DecodeAnthropicRequestHead");
    FUZZ_CHECK(head.error().Status() < 500, "a client body error must be 4xx");
  }

  // The same bytes as a provider answer.
  dialect::TokenUsage usage;
  (void)dialect::ExtractAnthropicUsage(body, usage);
  for (std::string_view type : {"message_start", "message_delta", "message_stop", "error", "ping"}) {
    dialect::TokenUsage u;
    dialect::AnthropicEventInfo info = dialect::InspectAnthropicEvent(type, body, u);
    if (info.is_error) FUZZ_CHECK(info.error_status >= 400 && info.error_status <= 599, "error_status");
  }
  for (int status : {400, 429, 500, 529}) {
    std::string normalized = dialect::NormalizeAnthropicUpstreamError(status, body);
    FUZZ_CHECK(fuzz::IsJson(normalized), "NormalizeAnthropicUpstreamError: " + normalized.substr(0, 300));
  }
  return 0;
}
