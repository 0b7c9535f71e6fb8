// See stream_transform.h.
#include "server/stream_transform.h"

#include "server/proxy_call.h"
#include "server/runtime.h"

namespace sluice::server {

void EmitTranslated(ClientApi api, std::vector<ir::StreamEvent>& events, ClientStreamEncoder& encoder,
                    std::string& out, StreamProgress& progress) {
  for (const ir::StreamEvent& e : events) {
    if (e.kind == ir::EventKind::kError && !progress.error) {
      progress.error = true;
      progress.error_status = e.status ? e.status : 502;
      core::Error err{core::ErrorCode::kUpstreamError, e.text.empty() ? "The upstream stream failed." : e.text,
                      progress.error_status};
      progress.error_body = ClientErrorBody(api, err);
    }
    encoder.Encode(e, out);
  }
  events.clear();
  if (encoder.done()) progress.terminal = true;
  const ir::Usage& u = encoder.usage();
  if (u.present) {
    progress.usage.input = u.input;
    progress.usage.output = u.output;
    progress.usage.cached_input = u.cache_read;
    progress.usage.reasoning = u.reasoning;
    progress.usage.present = true;
  }
}

std::unique_ptr<StreamTransform> NewStreamTransform(const ClientCall& call, const RuntimeProvider& provider,
                                                    bool translated, int64_t created) {
  if (!translated) {
    if (call.api == ClientApi::kAnthropicMessages) return std::make_unique<PassthroughAnthropicStream>();
    return std::make_unique<PassthroughOpenAiStream>(call.openai->client_wants_usage, call.tool_call_ids);
  }
  std::unique_ptr<provider::StreamDecoder> decoder =
      provider.openai_adapter && !call.tool_call_ids.empty()
          ? provider.openai_adapter->NewStreamDecoder(call.tool_call_ids)
          : provider.adapter->NewStreamDecoder();
  std::unique_ptr<ClientStreamEncoder> encoder = NewClientStreamEncoder(call.api, *call.chat, created);
  if (provider.adapter->Framing() == provider::StreamFraming::kAwsEventStream)
    return std::make_unique<TranslatedEventStream>(call.api, std::move(decoder), std::move(encoder));
  return std::make_unique<TranslatedSseStream>(call.api, std::move(decoder), std::move(encoder));
}

}  // namespace sluice::server
