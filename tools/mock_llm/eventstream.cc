// Event-stream encoding/decoding and CRC-32. Thread rule: pure functions.
#include "mock_llm/eventstream.h"

#include <array>

namespace sluice::mock_llm {
namespace {

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

void PutU32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

uint32_t GetU32(std::string_view b, size_t at) {
  return (uint32_t{static_cast<unsigned char>(b[at])} << 24) | (uint32_t{static_cast<unsigned char>(b[at + 1])} << 16) |
         (uint32_t{static_cast<unsigned char>(b[at + 2])} << 8) | uint32_t{static_cast<unsigned char>(b[at + 3])};
}

// Payload limit (24 MiB) and header block limit (128 KiB) from the spec.
constexpr uint32_t kMaxPayload = 24u << 20;
constexpr uint32_t kMaxHeaders = 128u << 10;

bool Fail(std::string* error, const char* message) {
  if (error) *error = message;
  return false;
}

// Reads the header block into `out`; false on malformed input.
bool DecodeHeaders(std::string_view h, std::vector<EventStreamHeader>& out, std::string* error) {
  size_t i = 0;
  auto need = [&](size_t n) { return i + n <= h.size(); };
  while (i < h.size()) {
    uint8_t name_len = static_cast<uint8_t>(h[i++]);
    if (name_len == 0 || !need(name_len + 1)) return Fail(error, "bad header name");
    EventStreamHeader header;
    header.name = std::string(h.substr(i, name_len));
    i += name_len;
    header.type = static_cast<uint8_t>(h[i++]);
    auto fixed = [&](size_t n) -> bool {
      if (!need(n)) return false;
      uint64_t v = 0;
      for (size_t k = 0; k < n; ++k) v = (v << 8) | static_cast<unsigned char>(h[i + k]);
      header.value = std::to_string(v);
      i += n;
      return true;
    };
    switch (header.type) {
      case 0: header.value = "true"; break;
      case 1: header.value = "false"; break;
      case 2: if (!fixed(1)) return Fail(error, "short header"); break;
      case 3: if (!fixed(2)) return Fail(error, "short header"); break;
      case 4: if (!fixed(4)) return Fail(error, "short header"); break;
      case 5: case 8: if (!fixed(8)) return Fail(error, "short header"); break;
      case 6: case 7: {
        if (!need(2)) return Fail(error, "short header");
        size_t len = (size_t{static_cast<unsigned char>(h[i])} << 8) | static_cast<unsigned char>(h[i + 1]);
        i += 2;
        if (!need(len)) return Fail(error, "short header value");
        header.value = std::string(h.substr(i, len));
        i += len;
        break;
      }
      case 9:
        if (!need(16)) return Fail(error, "short header");
        header.value = std::string(h.substr(i, 16));
        i += 16;
        break;
      default: return Fail(error, "unknown header type");
    }
    out.push_back(std::move(header));
  }
  return true;
}

}  // namespace

uint32_t Crc32(std::string_view bytes, uint32_t crc) {
  crc = ~crc;
  for (unsigned char c : bytes) crc = kCrcTable[(crc ^ c) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

std::string EncodeEventStreamMessage(const std::vector<EventStreamHeader>& headers, std::string_view payload) {
  size_t headers_len = 0;
  for (const auto& h : headers) headers_len += 1 + h.name.size() + 1 + 2 + h.value.size();
  const size_t total = 12 + headers_len + payload.size() + 4;
  std::string out;
  out.reserve(total);
  PutU32(out, static_cast<uint32_t>(total));
  PutU32(out, static_cast<uint32_t>(headers_len));
  PutU32(out, Crc32(out));
  for (const auto& h : headers) {
    out.push_back(static_cast<char>(h.name.size()));
    out.append(h.name);
    out.push_back(7);  // string
    out.push_back(static_cast<char>(h.value.size() >> 8));
    out.push_back(static_cast<char>(h.value.size()));
    out.append(h.value);
  }
  out.append(payload);
  PutU32(out, Crc32(out));
  return out;
}

std::string EncodeEvent(std::string_view event_type, std::string_view json_payload) {
  return EncodeEventStreamMessage({{":event-type", std::string(event_type)},
                                   {":content-type", "application/json"},
                                   {":message-type", "event"}},
                                  json_payload);
}

std::string EncodeException(std::string_view exception_type, std::string_view json_payload) {
  return EncodeEventStreamMessage({{":exception-type", std::string(exception_type)},
                                   {":content-type", "application/json"},
                                   {":message-type", "exception"}},
                                  json_payload);
}

const std::string* EventStreamMessage::Header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

std::optional<EventStreamMessage> DecodeEventStreamMessage(std::string_view bytes, size_t& consumed,
                                                           std::string* error) {
  consumed = 0;
  if (bytes.size() < 16) return Fail(error, "short prelude"), std::nullopt;
  const uint32_t total = GetU32(bytes, 0);
  const uint32_t headers_len = GetU32(bytes, 4);
  if (Crc32(bytes.substr(0, 8)) != GetU32(bytes, 8)) return Fail(error, "prelude CRC mismatch"), std::nullopt;
  if (total < 16 || headers_len > kMaxHeaders || headers_len > total - 16 || total - 16 - headers_len > kMaxPayload) {
    return Fail(error, "bad lengths"), std::nullopt;
  }
  if (bytes.size() < total) return Fail(error, "short message"), std::nullopt;
  if (Crc32(bytes.substr(0, total - 4)) != GetU32(bytes, total - 4)) {
    return Fail(error, "message CRC mismatch"), std::nullopt;
  }
  EventStreamMessage m;
  if (!DecodeHeaders(bytes.substr(12, headers_len), m.headers, error)) return std::nullopt;
  m.payload = std::string(bytes.substr(12 + headers_len, total - 16 - headers_len));
  consumed = total;
  return m;
}

}  // namespace sluice::mock_llm
