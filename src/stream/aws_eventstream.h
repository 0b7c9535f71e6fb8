// AWS event-stream framing (`application/vnd.amazon.eventstream`, reference §5.5; Smithy "Amazon
// Event Stream"): the binary framing of Bedrock ConverseStream / InvokeModelWithResponseStream
// answers.
//
//   [total_length u32][headers_length u32][prelude_crc u32][headers…][payload…][message_crc u32]
//
// All integers big-endian; CRCs are CRC-32/IEEE (zlib.crc32): the prelude CRC covers bytes [0, 8),
// the message CRC bytes [0, total_length - 4). Each header is name_len u8, name (1–255 bytes), type
// u8, value.
//
// EventStreamDecoder is incremental: Feed() accepts arbitrary byte chunks (a frame may be split
// across chunks or several frames coalesced in one) and appends every completed message. Frames
// lying wholly inside a chunk are parsed in place; only the unfinished tail of a chunk is copied to
// a carry buffer. The prelude is checked before its lengths are trusted, so a corrupted length can
// neither make the decoder wait for gigabytes nor allocate them. Any violation (CRC mismatch,
// lengths out of range, malformed headers) is a sticky kUpstreamProtocolError: the reference says
// to terminate the stream, since nothing after a bad frame can be resynchronised reliably.
//
// The encoder writes the same framing; tests and fixtures (and a mock Bedrock) use it.
// Thread rule: one decoder per stream, used by one thread; the encoder functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace sluice::stream {

enum class EventStreamHeaderType : uint8_t {
  kBoolTrue = 0,   // no value bytes
  kBoolFalse = 1,  // no value bytes
  kByte = 2,       // int8
  kShort = 3,      // int16
  kInt = 4,        // int32
  kLong = 5,       // int64
  kBytes = 6,      // u16 length + bytes
  kString = 7,     // u16 length + UTF-8
  kTimestamp = 8,  // int64 milliseconds since the Unix epoch
  kUuid = 9,       // 16 bytes
};

struct EventStreamHeader {
  std::string name;
  EventStreamHeaderType type = EventStreamHeaderType::kString;
  int64_t integer = 0;  // bools (1/0), byte, short, int, long, timestamp
  std::string bytes;    // string, byte array, uuid (16 raw bytes)

  static EventStreamHeader String(std::string name, std::string value);
  static EventStreamHeader Bytes(std::string name, std::string value);
  static EventStreamHeader Bool(std::string name, bool value);
  static EventStreamHeader Integer(std::string name, EventStreamHeaderType type, int64_t value);
  static EventStreamHeader Uuid(std::string name, std::string raw16);
  bool operator==(const EventStreamHeader&) const = default;
};

struct EventStreamMessage {
  std::vector<EventStreamHeader> headers;
  std::string payload;

  const EventStreamHeader* Find(std::string_view name) const;
  // The value of a string header, or "" when absent or of another type.
  std::string_view StringHeader(std::string_view name) const;
  bool operator==(const EventStreamMessage&) const = default;
};

// CRC-32/IEEE (the zlib/PNG polynomial, reflected, init and xorout 0xFFFFFFFF) of `bytes`.
uint32_t Crc32(std::string_view bytes);

// Prelude (12) + message CRC (4): the smallest frame (no headers, empty payload) is 16 bytes.
inline constexpr size_t kEventStreamOverhead = 16;

class EventStreamDecoder {
 public:
  struct Options {
    size_t max_payload_bytes = 24 * 1024 * 1024;  // the protocol's own limits (reference §5.5)
    size_t max_headers_bytes = 128 * 1024;
  };

  EventStreamDecoder() : EventStreamDecoder(Options{}) {}
  explicit EventStreamDecoder(Options options) : options_(options) {}

  // Decodes `bytes`, appending every message it completes to `out`. Returns false on a framing
  // error (sticky: later calls return false at once; messages completed before the bad frame have
  // been appended).
  bool Feed(std::string_view bytes, std::vector<EventStreamMessage>& out);

  bool failed() const { return failed_; }
  const core::Error& error() const { return error_; }
  // Bytes of an unfinished frame are pending: at end of stream, the body was cut mid-frame.
  bool HasPartialMessage() const { return !carry_.empty(); }
  size_t messages_decoded() const { return messages_; }
  // Forgets everything, including a sticky error: ready for a new stream.
  void Reset();

 private:
  // Parses frames from the front of `data`; returns bytes consumed (whole frames only), or npos on
  // error.
  size_t ParseFrames(std::string_view data, std::vector<EventStreamMessage>& out);
  // Checks a prelude; on success sets `total` to the frame length. Returns false (and fails) when
  // invalid.
  bool CheckPrelude(std::string_view prelude, size_t& total);
  bool DecodeFrame(std::string_view frame, EventStreamMessage& message);
  bool Fail(std::string message);

  Options options_;
  std::string carry_;  // an unfinished frame's bytes, carried to the next Feed
  size_t messages_ = 0;
  bool failed_ = false;
  core::Error error_;
};

// Appends one encoded frame. Returns false (appending nothing) when a header name is empty or
// longer than 255 bytes, or a string/bytes value longer than 65535 bytes: such a message cannot be
// framed.
bool AppendEventStreamMessage(const EventStreamMessage& message, std::string& out);
std::string EncodeEventStreamMessage(const EventStreamMessage& message);

// A Bedrock-style event frame: :event-type, :content-type application/json, :message-type event.
std::string EncodeEventStreamEvent(std::string_view event_type, std::string_view json_payload);
// A Bedrock-style modeled exception frame: :exception-type, :content-type application/json,
// :message-type exception.
std::string EncodeEventStreamException(std::string_view exception_type,
                                       std::string_view json_payload);

}  // namespace sluice::stream
