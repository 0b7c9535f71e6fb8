// application/vnd.amazon.eventstream framing: CRC-32 against zlib's check value, one Bedrock frame against
// bytes computed independently (python3 struct + zlib.crc32 while writing this test), decoding, and the
// CRC / length checks a client relies on.
#include "mock_llm/eventstream.h"

#include <gtest/gtest.h>

namespace sluice::mock_llm {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// python3: enc([(':event-type','messageStart'),(':content-type','application/json'),(':message-type','event')],
//              b'{"role":"assistant"}').hex()
constexpr std::string_view kMessageStartHex =
    "000000760000005296d5fade0b3a6576656e742d7479706507000c6d65737361676553746172740d3a636f6e74656e742d747970"
    "650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22726f6c65223a2261"
    "7373697374616e74227d6fa8c599";

TEST(EventStream, Crc32MatchesZlib) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);  // zlib.crc32(b"123456789")
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("6789", Crc32("12345")), 0xCBF43926u);  // chaining
}

TEST(EventStream, EncodesBedrockEventByteForByte) {
  EXPECT_EQ(EncodeEvent("messageStart", R"({"role":"assistant"})"), FromHex(kMessageStartHex));
}

TEST(EventStream, DecodesWhatItEncodes) {
  std::string frame = EncodeException("throttlingException", R"({"message":"slow down"})");
  std::string two = frame + EncodeEvent("metadata", "{}");
  size_t used = 0;
  auto m = DecodeEventStreamMessage(two, used);
  ASSERT_TRUE(m);
  EXPECT_EQ(used, frame.size());
  ASSERT_NE(m->Header(":message-type"), nullptr);
  EXPECT_EQ(*m->Header(":message-type"), "exception");
  EXPECT_EQ(*m->Header(":exception-type"), "throttlingException");
  EXPECT_EQ(*m->Header(":content-type"), "application/json");
  EXPECT_EQ(m->Header(":event-type"), nullptr);
  EXPECT_EQ(m->payload, R"({"message":"slow down"})");
  auto next = DecodeEventStreamMessage(std::string_view(two).substr(used), used);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next->Header(":event-type"), "metadata");
}

TEST(EventStream, RejectsCorruptionAndShortBuffers) {
  std::string frame = FromHex(kMessageStartHex);
  size_t used = 0;
  std::string error;
  EXPECT_FALSE(DecodeEventStreamMessage(std::string_view(frame).substr(0, frame.size() - 1), used, &error));
  EXPECT_EQ(error, "short message");
  std::string bad_payload = frame;
  bad_payload[bad_payload.size() - 6] ^= 1;
  EXPECT_FALSE(DecodeEventStreamMessage(bad_payload, used, &error));
  EXPECT_EQ(error, "message CRC mismatch");
  std::string bad_prelude = frame;
  bad_prelude[3] ^= 1;
  EXPECT_FALSE(DecodeEventStreamMessage(bad_prelude, used, &error));
  EXPECT_EQ(error, "prelude CRC mismatch");
}

}  // namespace
}  // namespace sluice::mock_llm
