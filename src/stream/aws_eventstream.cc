// AWS event-stream frame decoder and encoder (reference §5.5). Thread rule: see the header.
#include "stream/aws_eventstream.h"

#include <algorithm>
#include <boost/crc.hpp>
#include <cstdint>
#include <cstdio>

namespace sluice::stream {
namespace {

constexpr size_t kPreludeBytes = 12;

uint64_t ReadBe(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void AppendBe(std::string& out, uint64_t v, size_t n) {
  for (size_t i = n; i-- > 0;) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string Hex32(uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Value width of the fixed-size header types; 0 for bools, SIZE_MAX for length-prefixed and unknown
// types.
size_t FixedWidth(uint8_t type) {
  switch (static_cast<EventStreamHeaderType>(type)) {
    case EventStreamHeaderType::kBoolTrue:
    case EventStreamHeaderType::kBoolFalse:
      return 0;
    case EventStreamHeaderType::kByte:
      return 1;
    case EventStreamHeaderType::kShort:
      return 2;
    case EventStreamHeaderType::kInt:
      return 4;
    case EventStreamHeaderType::kLong:
    case EventStreamHeaderType::kTimestamp:
      return 8;
    case EventStreamHeaderType::kUuid:
      return 16;
    default:
      return SIZE_MAX;
  }
}

// Sign-extends an n-byte big-endian two's-complement value.
int64_t SignExtend(uint64_t v, size_t n) {
  if (n == 8) return static_cast<int64_t>(v);
  uint64_t sign = uint64_t{1} << (8 * n - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

}  // namespace

EventStreamHeader EventStreamHeader::String(std::string name, std::string value) {
  return {std::move(name), EventStreamHeaderType::kString, 0, std::move(value)};
}
EventStreamHeader EventStreamHeader::Bytes(std::string name, std::string value) {
  return {std::move(name), EventStreamHeaderType::kBytes, 0, std::move(value)};
}
EventStreamHeader EventStreamHeader::Bool(std::string name, bool value) {
  return {std::move(name),
          value ? EventStreamHeaderType::kBoolTrue : EventStreamHeaderType::kBoolFalse,
          value ? 1 : 0,
          {}};
}
EventStreamHeader EventStreamHeader::Integer(std::string name, EventStreamHeaderType type,
                                             int64_t value) {
  return {std::move(name), type, value, {}};
}
EventStreamHeader EventStreamHeader::Uuid(std::string name, std::string raw16) {
  return {std::move(name), EventStreamHeaderType::kUuid, 0, std::move(raw16)};
}

const EventStreamHeader* EventStreamMessage::Find(std::string_view name) const {
  for (const EventStreamHeader& h : headers)
    if (h.name == name) return &h;
  return nullptr;
}

std::string_view EventStreamMessage::StringHeader(std::string_view name) const {
  const EventStreamHeader* h = Find(name);
  return h && h->type == EventStreamHeaderType::kString ? std::string_view(h->bytes)
                                                        : std::string_view();
}

uint32_t Crc32(std::string_view bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

bool EventStreamDecoder::Fail(std::string message) {
  failed_ = true;
  carry_.clear();
  carry_.shrink_to_fit();
  error_ = core::Error{core::ErrorCode::kUpstreamProtocolError,
                       "Malformed AWS event stream (message " + std::to_string(messages_ + 1) +
                           "): " + std::move(message),
                       0,
                       {}};
  return false;
}

void EventStreamDecoder::Reset() {
  carry_.clear();
  messages_ = 0;
  failed_ = false;
  error_ = {};
}

bool EventStreamDecoder::CheckPrelude(std::string_view prelude, size_t& total) {
  const char* p = prelude.data();
  uint64_t total_length = ReadBe(p, 4);
  uint64_t headers_length = ReadBe(p + 4, 4);
  uint32_t expected = static_cast<uint32_t>(ReadBe(p + 8, 4));
  uint32_t computed = Crc32(prelude.substr(0, 8));
  if (computed != expected)
    return Fail("prelude CRC mismatch (frame says " + Hex32(expected) + ", computed " +
                Hex32(computed) + ").");
  if (total_length < kEventStreamOverhead)
    return Fail("total length " + std::to_string(total_length) + " is below the 16-byte minimum.");
  if (headers_length > total_length - kEventStreamOverhead)
    return Fail("headers length " + std::to_string(headers_length) +
                " exceeds the frame (total length " + std::to_string(total_length) + ").");
  if (headers_length > options_.max_headers_bytes)
    return Fail("headers length " + std::to_string(headers_length) + " exceeds the limit of " +
                std::to_string(options_.max_headers_bytes) + " bytes.");
  uint64_t payload = total_length - kEventStreamOverhead - headers_length;
  if (payload > options_.max_payload_bytes)
    return Fail("payload length " + std::to_string(payload) + " exceeds the limit of " +
                std::to_string(options_.max_payload_bytes) + " bytes.");
  total = static_cast<size_t>(total_length);
  return true;
}

bool EventStreamDecoder::DecodeFrame(std::string_view frame, EventStreamMessage& message) {
  size_t total = frame.size();
  uint32_t expected = static_cast<uint32_t>(ReadBe(frame.data() + total - 4, 4));
  uint32_t computed = Crc32(frame.substr(0, total - 4));
  if (computed != expected)
    return Fail("message CRC mismatch (frame says " + Hex32(expected) + ", computed " +
                Hex32(computed) + ").");

  size_t headers_length = static_cast<size_t>(ReadBe(frame.data() + 4, 4));
  std::string_view h = frame.substr(kPreludeBytes, headers_length);
  size_t pos = 0;
  while (pos < h.size()) {
    size_t name_len = static_cast<unsigned char>(h[pos++]);
    if (name_len == 0) return Fail("a header has an empty name.");
    if (h.size() - pos < name_len + 1) return Fail("a header name runs past the headers section.");
    EventStreamHeader header;
    header.name.assign(h.substr(pos, name_len));
    pos += name_len;
    uint8_t type = static_cast<uint8_t>(h[pos++]);
    header.type = static_cast<EventStreamHeaderType>(type);
    size_t width = FixedWidth(type);
    if (type == static_cast<uint8_t>(EventStreamHeaderType::kBytes) ||
        type == static_cast<uint8_t>(EventStreamHeaderType::kString)) {
      if (h.size() - pos < 2) return Fail("header '" + header.name + "' is truncated.");
      size_t len = static_cast<size_t>(ReadBe(h.data() + pos, 2));
      pos += 2;
      if (h.size() - pos < len) return Fail("header '" + header.name + "' is truncated.");
      header.bytes.assign(h.substr(pos, len));
      pos += len;
    } else if (width == SIZE_MAX) {
      return Fail("header '" + header.name + "' has unknown value type " + std::to_string(type) +
                  ".");
    } else {
      if (h.size() - pos < width) return Fail("header '" + header.name + "' is truncated.");
      if (header.type == EventStreamHeaderType::kUuid)
        header.bytes.assign(h.substr(pos, width));
      else if (header.type == EventStreamHeaderType::kBoolTrue)
        header.integer = 1;
      else if (width > 0)
        header.integer = SignExtend(ReadBe(h.data() + pos, width), width);
      pos += width;
    }
    message.headers.push_back(std::move(header));
  }
  size_t payload_start = kPreludeBytes + headers_length;
  message.payload.assign(frame.substr(payload_start, total - 4 - payload_start));
  ++messages_;
  return true;
}

size_t EventStreamDecoder::ParseFrames(std::string_view data,
                                       std::vector<EventStreamMessage>& out) {
  size_t pos = 0;
  while (data.size() - pos >= kPreludeBytes) {
    size_t total = 0;
    if (!CheckPrelude(data.substr(pos, kPreludeBytes), total)) return std::string_view::npos;
    if (data.size() - pos < total) break;
    EventStreamMessage message;
    if (!DecodeFrame(data.substr(pos, total), message)) return std::string_view::npos;
    out.push_back(std::move(message));
    pos += total;
  }
  return pos;
}

bool EventStreamDecoder::Feed(std::string_view bytes, std::vector<EventStreamMessage>& out) {
  if (failed_) return false;
  if (!carry_.empty()) {
    // Complete the frame begun in an earlier chunk, copying only the bytes it still needs.
    if (carry_.size() < kPreludeBytes) {
      size_t take = std::min(kPreludeBytes - carry_.size(), bytes.size());
      carry_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (carry_.size() < kPreludeBytes) return true;
    }
    size_t total = 0;
    if (!CheckPrelude(std::string_view(carry_).substr(0, kPreludeBytes), total)) return false;
    size_t take = std::min(total - carry_.size(), bytes.size());
    carry_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (carry_.size() < total) return true;
    EventStreamMessage message;
    if (!DecodeFrame(carry_, message)) return false;
    out.push_back(std::move(message));
    carry_.clear();
  }
  size_t consumed = ParseFrames(bytes, out);
  if (consumed == std::string_view::npos) return false;
  carry_.assign(bytes.substr(consumed));
  return true;
}

bool AppendEventStreamMessage(const EventStreamMessage& message, std::string& out) {
  std::string headers;
  for (const EventStreamHeader& h : message.headers) {
    if (h.name.empty() || h.name.size() > 255) return false;
    headers.push_back(static_cast<char>(h.name.size()));
    headers += h.name;
    headers.push_back(static_cast<char>(h.type));
    switch (h.type) {
      case EventStreamHeaderType::kBoolTrue:
      case EventStreamHeaderType::kBoolFalse:
        break;
      case EventStreamHeaderType::kBytes:
      case EventStreamHeaderType::kString:
        if (h.bytes.size() > 0xFFFF) return false;
        AppendBe(headers, h.bytes.size(), 2);
        headers += h.bytes;
        break;
      case EventStreamHeaderType::kUuid:
        if (h.bytes.size() != 16) return false;
        headers += h.bytes;
        break;
      default: {
        size_t width = FixedWidth(static_cast<uint8_t>(h.type));
        if (width == SIZE_MAX) return false;
        AppendBe(headers, static_cast<uint64_t>(h.integer), width);
      }
    }
  }
  size_t start = out.size();
  size_t total = kEventStreamOverhead + headers.size() + message.payload.size();
  AppendBe(out, total, 4);
  AppendBe(out, headers.size(), 4);
  AppendBe(out, Crc32(std::string_view(out).substr(start, 8)), 4);
  out += headers;
  out += message.payload;
  AppendBe(out, Crc32(std::string_view(out).substr(start)), 4);
  return true;
}

std::string EncodeEventStreamMessage(const EventStreamMessage& message) {
  std::string out;
  AppendEventStreamMessage(message, out);
  return out;
}

std::string EncodeEventStreamEvent(std::string_view event_type, std::string_view json_payload) {
  EventStreamMessage m;
  m.headers = {EventStreamHeader::String(":event-type", std::string(event_type)),
               EventStreamHeader::String(":content-type", "application/json"),
               EventStreamHeader::String(":message-type", "event")};
  m.payload.assign(json_payload);
  return EncodeEventStreamMessage(m);
}

std::string EncodeEventStreamException(std::string_view exception_type,
                                       std::string_view json_payload) {
  EventStreamMessage m;
  m.headers = {EventStreamHeader::String(":exception-type", std::string(exception_type)),
               EventStreamHeader::String(":content-type", "application/json"),
               EventStreamHeader::String(":message-type", "exception")};
  m.payload.assign(json_payload);
  return EncodeEventStreamMessage(m);
}

}  // namespace sluice::stream
