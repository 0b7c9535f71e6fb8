// Tests for the AWS event-stream codec: fixed byte vectors whose CRCs were computed independently,
// every header type, round trips, arbitrary chunk boundaries, corrupted CRCs, bad lengths and size
// limits.
#include "stream/aws_eventstream.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sluice::stream {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// Vectors computed with Python's zlib while writing these tests:
//   def frame(h, p):
//     pre = struct.pack('>II', 16 + len(h) + len(p), len(h)); body = pre + struct.pack('>I',
//     zlib.crc32(pre)) + h + p return body + struct.pack('>I', zlib.crc32(body))
// The first two equal the "empty message" and "payload, no headers" vectors of
// awslabs/aws-c-event-stream.
constexpr std::string_view kEmpty = "000000100000000005c248eb7d98c8ff";
constexpr std::string_view kPayloadOnly =
    "0000001d00000000fd528c5a7b22666f6f223a22626172227d3e9c25b4";
constexpr std::string_view kOneStringHeader =
    "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b2266"
    "6f6f223a2262"
    "6172227d70651433";
// Every header type: true, false, byte -49, short -2, int INT32_MIN, long -2, bytes 00 01 ff,
// string "hi", timestamp 1700000000123 ms, uuid 00..0f; payload "payload".
constexpr std::string_view kAllTypes =
    "0000008c00000075315b07490474727565000566616c736501046279746502cf0573686f727403fffe03696e740480"
    "000000046c6f"
    "6e6705fffffffffffffffe0562797465730600030001ff06737472696e6707000268690974696d657374616d700800"
    "00018bcfe568"
    "7b047575696409000102030405060708090a0b0c0d0e0f7061796c6f616472bf4f7b";

EventStreamMessage AllTypesMessage() {
  std::string uuid;
  for (int i = 0; i < 16; ++i) uuid.push_back(static_cast<char>(i));
  EventStreamMessage m;
  m.headers = {
      EventStreamHeader::Bool("true", true),
      EventStreamHeader::Bool("false", false),
      EventStreamHeader::Integer("byte", EventStreamHeaderType::kByte, -49),
      EventStreamHeader::Integer("short", EventStreamHeaderType::kShort, -2),
      EventStreamHeader::Integer("int", EventStreamHeaderType::kInt, INT32_MIN),
      EventStreamHeader::Integer("long", EventStreamHeaderType::kLong, -2),
      EventStreamHeader::Bytes("bytes", std::string("\x00\x01\xff", 3)),
      EventStreamHeader::String("string", "hi"),
      EventStreamHeader::Integer("timestamp", EventStreamHeaderType::kTimestamp, 1700000000123),
      EventStreamHeader::Uuid("uuid", uuid)};
  m.payload = "payload";
  return m;
}

std::vector<EventStreamMessage> DecodeAll(std::string_view bytes, size_t chunk,
                                          bool* ok = nullptr) {
  EventStreamDecoder d;
  std::vector<EventStreamMessage> out;
  bool good = true;
  for (size_t pos = 0; pos < bytes.size() && good; pos += chunk)
    good = d.Feed(bytes.substr(pos, chunk), out);
  EXPECT_FALSE(good && d.HasPartialMessage());
  if (ok) *ok = good;
  return out;
}

TEST(AwsEventStream, Crc32MatchesZlib) {
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);  // the CRC-32/IEEE check value
}

TEST(AwsEventStream, DecodesFixedVectors) {
  auto empty = DecodeAll(Unhex(kEmpty), 1 << 20);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_TRUE(empty[0].headers.empty());
  EXPECT_TRUE(empty[0].payload.empty());

  auto payload = DecodeAll(Unhex(kPayloadOnly), 1 << 20);
  ASSERT_EQ(payload.size(), 1u);
  EXPECT_EQ(payload[0].payload, R"({"foo":"bar"})");

  auto one = DecodeAll(Unhex(kOneStringHeader), 1 << 20);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].StringHeader("content-type"), "application/json");
  EXPECT_EQ(one[0].StringHeader("missing"), "");
  EXPECT_EQ(one[0].payload, R"({"foo":"bar"})");

  auto all = DecodeAll(Unhex(kAllTypes), 1 << 20);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], AllTypesMessage());
  EXPECT_EQ(all[0].StringHeader("bytes"), "");  // not a string header
}

TEST(AwsEventStream, EncoderProducesTheFixedVectors) {
  EXPECT_EQ(EncodeEventStreamMessage({}), Unhex(kEmpty));
  EXPECT_EQ(EncodeEventStreamMessage({{}, R"({"foo":"bar"})"}), Unhex(kPayloadOnly));
  EXPECT_EQ(
      EncodeEventStreamMessage(
          {{EventStreamHeader::String("content-type", "application/json")}, R"({"foo":"bar"})"}),
      Unhex(kOneStringHeader));
  EXPECT_EQ(EncodeEventStreamMessage(AllTypesMessage()), Unhex(kAllTypes));
}

TEST(AwsEventStream, EncoderRefusesUnframeableHeaders) {
  std::string out = "keep";
  EXPECT_FALSE(AppendEventStreamMessage({{EventStreamHeader::String("", "x")}, ""}, out));
  EXPECT_FALSE(
      AppendEventStreamMessage({{EventStreamHeader::String(std::string(256, 'n'), "x")}, ""}, out));
  EXPECT_FALSE(AppendEventStreamMessage(
      {{EventStreamHeader::String("n", std::string(65536, 'v'))}, ""}, out));
  EXPECT_FALSE(AppendEventStreamMessage({{EventStreamHeader::Uuid("u", "short")}, ""}, out));
  EXPECT_EQ(out, "keep");
}

std::string Stream() {
  std::string s = EncodeEventStreamEvent("messageStart", R"({"role":"assistant"})");
  s += EncodeEventStreamMessage(AllTypesMessage());
  s += EncodeEventStreamEvent("contentBlockDelta",
                              R"({"contentBlockIndex":0,"delta":{"text":"Hi"}})");
  s += EncodeEventStreamMessage({});
  s += EncodeEventStreamException("throttlingException", R"({"message":"slow down"})");
  return s;
}

TEST(AwsEventStream, AnyChunkingGivesTheSameMessages) {
  std::string s = Stream();
  auto whole = DecodeAll(s, s.size());
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(whole[0].StringHeader(":event-type"), "messageStart");
  EXPECT_EQ(whole[0].StringHeader(":message-type"), "event");
  EXPECT_EQ(whole[0].payload, R"({"role":"assistant"})");
  EXPECT_EQ(whole[1], AllTypesMessage());
  EXPECT_EQ(whole[4].StringHeader(":exception-type"), "throttlingException");
  EXPECT_EQ(whole[4].StringHeader(":message-type"), "exception");
  for (size_t chunk : {1, 2, 3, 5, 11, 12, 13, 16, 17, 64})
    EXPECT_EQ(DecodeAll(s, chunk), whole) << "chunk " << chunk;

  std::mt19937 rng(7);  // random split points, fixed seed
  for (int round = 0; round < 50; ++round) {
    EventStreamDecoder d;
    std::vector<EventStreamMessage> out;
    for (size_t pos = 0; pos < s.size();) {
      size_t n = std::uniform_int_distribution<size_t>(0, 40)(rng);
      ASSERT_TRUE(d.Feed(std::string_view(s).substr(pos, n), out));
      pos += n;
    }
    EXPECT_FALSE(d.HasPartialMessage());
    EXPECT_EQ(out, whole);
    EXPECT_EQ(d.messages_decoded(), 5u);
  }
}

TEST(AwsEventStream, PartialFrameIsReported) {
  std::string s = EncodeEventStreamEvent("messageStop", R"({"stopReason":"end_turn"})");
  EventStreamDecoder d;
  std::vector<EventStreamMessage> out;
  ASSERT_TRUE(d.Feed(std::string_view(s).substr(0, s.size() - 1), out));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(d.HasPartialMessage());
  ASSERT_TRUE(d.Feed(std::string_view(s).substr(s.size() - 1), out));
  EXPECT_EQ(out.size(), 1u);
  EXPECT_FALSE(d.HasPartialMessage());
}

// Messages completed before the bad frame are delivered (`delivered` of them); nothing after it is.
void ExpectFailure(std::string bytes, std::string_view needle, size_t chunk = 1 << 20,
                   EventStreamDecoder::Options options = {}, size_t delivered = 0) {
  EventStreamDecoder d(options);
  std::vector<EventStreamMessage> out;
  bool ok = true;
  for (size_t pos = 0; pos < bytes.size() && ok; pos += chunk)
    ok = d.Feed(bytes.substr(pos, chunk), out);
  ASSERT_FALSE(ok) << needle;
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(d.error().code, core::ErrorCode::kUpstreamProtocolError);
  EXPECT_NE(d.error().message.find(needle), std::string::npos) << d.error().message;
  EXPECT_FALSE(d.Feed(EncodeEventStreamMessage({}), out));  // sticky
  EXPECT_EQ(out.size(), delivered);
}

TEST(AwsEventStream, CorruptedPreludeCrc) {
  std::string s = Unhex(kOneStringHeader);
  s[9] ^= 0x01;
  ExpectFailure(s, "prelude CRC mismatch");
  ExpectFailure(s, "prelude CRC mismatch", 1);
  // A flipped length bit is caught by the prelude CRC before the decoder waits for (or allocates)
  // the claimed size.
  std::string big = Unhex(kOneStringHeader);
  big[0] = 0x7f;
  ExpectFailure(big, "prelude CRC mismatch", 12);
}

TEST(AwsEventStream, CorruptedMessageCrc) {
  std::string good = EncodeEventStreamEvent("messageStart", "{}");
  std::string s = Unhex(kOneStringHeader);
  s[s.size() - 5] ^= 0x20;  // a payload byte
  ExpectFailure(good + s, "message 2): message CRC mismatch", 1 << 20, {}, 1);
  ExpectFailure(good + s, "message CRC mismatch", 1, {}, 1);
  std::string crc = Unhex(kAllTypes);
  crc.back() ^= 0x01;  // the CRC itself
  ExpectFailure(crc, "message CRC mismatch", 7);
}

// Frames with valid CRCs but impossible contents (as a buggy or hostile upstream could send).
std::string Frame(uint32_t total, uint32_t headers_length, std::string_view rest_without_crc) {
  std::string s;
  for (uint32_t v : {total, headers_length})
    for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  uint32_t pc = Crc32(s);
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((pc >> (8 * i)) & 0xFF));
  s += rest_without_crc;
  uint32_t mc = Crc32(s);
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((mc >> (8 * i)) & 0xFF));
  return s;
}

TEST(AwsEventStream, InvalidLengthsAndHeaders) {
  ExpectFailure(Frame(8, 0, ""), "below the 16-byte minimum");
  ExpectFailure(Frame(20, 5, "abcd"), "exceeds the frame");
  std::string empty_name("\x00\x07\x00\x00", 4);
  ExpectFailure(Frame(16 + 4, 4, empty_name), "empty name");
  std::string bad_type("\x01x\x0a", 3);
  ExpectFailure(Frame(16 + 3, 3, bad_type), "unknown value type 10");
  std::string short_string("\x01x\x07\x00\x05hi", 6);
  ExpectFailure(Frame(16 + 6, 6, short_string), "header 'x' is truncated");
  std::string short_int("\x01x\x04\x00\x00", 5);
  ExpectFailure(Frame(16 + 5, 5, short_int), "header 'x' is truncated");
  std::string long_name("\x09xy", 3);
  ExpectFailure(Frame(16 + 3, 3, long_name), "runs past the headers section");
}

TEST(AwsEventStream, OversizeFramesAreRefusedFromThePrelude) {
  EventStreamDecoder::Options small{.max_payload_bytes = 100, .max_headers_bytes = 20};
  std::string payload = EncodeEventStreamMessage({{}, std::string(101, 'p')});
  // Only the prelude is fed: the limit is enforced before the payload arrives.
  ExpectFailure(payload.substr(0, 12), "payload length 101 exceeds the limit of 100 bytes", 1 << 20,
                small);
  std::string headers =
      EncodeEventStreamMessage({{EventStreamHeader::String("name", std::string(20, 'v'))}, ""});
  ExpectFailure(headers, "headers length 28 exceeds the limit of 20 bytes", 1 << 20, small);
  // Exactly at the limits is fine.
  EventStreamDecoder d(small);
  std::vector<EventStreamMessage> out;
  EXPECT_TRUE(d.Feed(EncodeEventStreamMessage({{}, std::string(100, 'p')}), out));
  EXPECT_EQ(out.size(), 1u);
  // The defaults are the protocol's: 24 MiB payload.
  std::string huge_prelude = Frame(16 + 24 * 1024 * 1024 + 1, 0, "").substr(0, 12);
  ExpectFailure(huge_prelude, "exceeds the limit of 25165824 bytes");
}

TEST(AwsEventStream, ResetClearsTheError) {
  EventStreamDecoder d;
  std::vector<EventStreamMessage> out;
  std::string bad = Unhex(kEmpty);
  bad[8] ^= 1;
  EXPECT_FALSE(d.Feed(bad, out));
  d.Reset();
  EXPECT_FALSE(d.failed());
  EXPECT_TRUE(d.Feed(Unhex(kEmpty), out));
  EXPECT_EQ(out.size(), 1u);
}

}  // namespace
}  // namespace sluice::stream
