// Test helpers: run SSE bytes through stream::SseParser and a provider StreamDecoder (optionally on
// into the OpenAI stream encoder), feeding the bytes in chunks of a given size to exercise
// boundaries.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dialect/openai_chat_stream.h"
#include "provider/adapter.h"
#include "stream/sse_parser.h"

namespace sluice::provider::testing {

struct Decoded {
  std::vector<ir::StreamEvent> events;
  bool ok = true;  // every Feed and the Finish succeeded
};

inline Decoded DecodeSse(const ProviderAdapter& adapter, std::string_view sse,
                         size_t chunk_size = 1 << 20) {
  Decoded d;
  auto decoder = adapter.NewStreamDecoder();
  stream::SseParser parser;
  for (size_t pos = 0; pos < sse.size(); pos += chunk_size) {
    bool parsed = parser.FeedAll(sse.substr(pos, chunk_size), [&](const stream::SseItem& item) {
      if (item.kind == stream::SseKind::kEvent)
        d.ok = decoder->Feed(item.event.type, item.event.data, d.events) && d.ok;
    });
    EXPECT_TRUE(parsed);
  }
  d.ok = decoder->Finish(d.events) && d.ok;
  return d;
}

// Provider SSE bytes → IR → OpenAI chat.completion.chunk SSE bytes, as the proxy will do it.
inline std::string ToOpenAiSse(const ProviderAdapter& adapter, std::string_view sse,
                               bool include_usage, size_t chunk_size = 1 << 20) {
  dialect::OpenAiChatStreamEncoder encoder({.created = 1700000000}, include_usage);
  std::string out;
  for (const ir::StreamEvent& e : DecodeSse(adapter, sse, chunk_size).events)
    encoder.Encode(e, out);
  return out;
}

}  // namespace sluice::provider::testing
