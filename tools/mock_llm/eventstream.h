// AWS `application/vnd.amazon.eventstream` framing (reference §5.5), as Bedrock's ConverseStream sends it:
// [total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32], big-endian, CRC-32
// IEEE (zlib's). The mock only sends string headers (type 7); the decoder reads every header type so the
// unit tests and tools can check frames byte for byte.
// Thread rule: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::mock_llm {

// CRC-32 (IEEE 802.3, reflected, init/xorout 0xFFFFFFFF) — zlib.crc32. `crc` chains partial computations.
uint32_t Crc32(std::string_view bytes, uint32_t crc = 0);

struct EventStreamHeader {
  std::string name;
  std::string value;  // string (type 7) when encoding; decoded values of other types are rendered as text
  uint8_t type = 7;
};

// Encodes one message with string headers, in the given order.
std::string EncodeEventStreamMessage(const std::vector<EventStreamHeader>& headers, std::string_view payload);

// The three frames Bedrock sends: an event (:event-type, :content-type application/json, :message-type
// event), a modeled exception (:exception-type, :content-type, :message-type exception).
std::string EncodeEvent(std::string_view event_type, std::string_view json_payload);
std::string EncodeException(std::string_view exception_type, std::string_view json_payload);

struct EventStreamMessage {
  std::vector<EventStreamHeader> headers;
  std::string payload;
  const std::string* Header(std::string_view name) const;
};

// Decodes the first message of `bytes`; `consumed` is its length. nullopt (with `error`) on a short buffer,
// a bad length or a CRC mismatch.
std::optional<EventStreamMessage> DecodeEventStreamMessage(std::string_view bytes, size_t& consumed,
                                                           std::string* error = nullptr);

}  // namespace sluice::mock_llm
