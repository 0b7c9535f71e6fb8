#include "upstream/body_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::upstream {
namespace {

using Framing = BodyDecoder::Framing;

// Feeds `pieces` in turn the way Exchange::Decode does; returns the payload and what each feed left unused.
struct Decoded {
  std::string payload;
  std::string left;  // bytes of the last piece the decoder did not take
  bool zero_copy = true;
};

Decoded Feed(BodyDecoder& body, const std::vector<std::string>& pieces) {
  Decoded out;
  for (const std::string& piece : pieces) {
    std::string_view in = piece;
    while (!in.empty()) {
      size_t used = 0;
      const std::string_view got = body.Next(in, used);
      if (!got.empty() && (got.data() < piece.data() || got.data() + got.size() > piece.data() + piece.size()))
        out.zero_copy = false;
      out.payload += got;
      in.remove_prefix(used);
      if (body.done() || body.failed()) break;
      if (got.empty() && used == 0) break;
    }
    out.left = std::string(in);
    if (body.done() || body.failed()) break;
  }
  return out;
}

Decoded FeedWhole(BodyDecoder& body, const std::string& bytes) { return Feed(body, {bytes}); }

const std::string kChunked = "5\r\nhello\r\n7\r\n, world\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n";
const std::string kPayload = "hello, worldabcdefghijklmnopqrstuvwxyz";

TEST(BodyDecoder, ChunkedBodyWholeYieldsViewsOfTheInput) {
  BodyDecoder body(Framing::kChunked);
  Decoded d = FeedWhole(body, kChunked);
  EXPECT_TRUE(body.done());
  EXPECT_EQ(d.payload, kPayload);
  EXPECT_TRUE(d.zero_copy);
  EXPECT_EQ(d.left, "");
}

TEST(BodyDecoder, ChunkedBodySplitAtEveryBoundary) {
  for (size_t cut = 0; cut <= kChunked.size(); ++cut) {
    BodyDecoder body(Framing::kChunked);
    Decoded d = Feed(body, {kChunked.substr(0, cut), kChunked.substr(cut)});
    EXPECT_TRUE(body.done()) << "cut at " << cut;
    EXPECT_EQ(d.payload, kPayload) << "cut at " << cut;
  }
  BodyDecoder bytewise(Framing::kChunked);
  std::vector<std::string> bytes;
  for (char c : kChunked) bytes.emplace_back(1, c);
  EXPECT_EQ(Feed(bytewise, bytes).payload, kPayload);
  EXPECT_TRUE(bytewise.done());
}

TEST(BodyDecoder, ChunkExtensionsHexCaseAndLeadingZerosAreAccepted) {
  BodyDecoder body(Framing::kChunked);
  Decoded d = FeedWhole(body, "0005;name=value;flag\r\nhello\r\nA ; q=\"x;y\"\r\n0123456789\r\n0;last\r\n\r\n");
  EXPECT_TRUE(body.done()) << body.error();
  EXPECT_EQ(d.payload, "hello0123456789");
}

TEST(BodyDecoder, TrailerFieldsEndTheBody) {
  const std::string bytes = "3\r\nabc\r\n0\r\nX-Checksum: 1234\r\nX-Other: a b\r\n\r\n";
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    BodyDecoder body(Framing::kChunked);
    Decoded d = Feed(body, {bytes.substr(0, cut), bytes.substr(cut)});
    EXPECT_TRUE(body.done()) << "cut at " << cut;
    EXPECT_EQ(d.payload, "abc");
  }
}

TEST(BodyDecoder, BytesAfterTheBodyAreLeftUnconsumed) {
  BodyDecoder body(Framing::kChunked);
  Decoded d = FeedWhole(body, "2\r\nhi\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n");
  EXPECT_TRUE(body.done());
  EXPECT_EQ(d.payload, "hi");
  EXPECT_EQ(d.left, "HTTP/1.1 200 OK\r\n");
}

TEST(BodyDecoder, ABodyThatEndsOnlyAtItsLastByteStaysOpenUntilThen) {
  BodyDecoder body(Framing::kChunked);
  Feed(body, {"2\r\nhi\r\n0\r\n\r"});
  EXPECT_FALSE(body.done());
  EXPECT_FALSE(body.failed());
  Feed(body, {"\n"});
  EXPECT_TRUE(body.done());
}

struct BadChunked {
  const char* name;
  std::string bytes;
};

class BodyDecoderRejects : public testing::TestWithParam<BadChunked> {};

TEST_P(BodyDecoderRejects, MalformedChunkedFraming) {
  const std::string& bytes = GetParam().bytes;
  // Whole and one byte at a time: the verdict does not depend on how the bytes arrive.
  BodyDecoder whole(Framing::kChunked);
  FeedWhole(whole, bytes);
  EXPECT_TRUE(whole.failed());
  EXPECT_FALSE(whole.done());
  EXPECT_STRNE(whole.error(), "");
  BodyDecoder bytewise(Framing::kChunked);
  std::vector<std::string> pieces;
  for (char c : bytes) pieces.emplace_back(1, c);
  Feed(bytewise, pieces);
  EXPECT_TRUE(bytewise.failed());
  EXPECT_STREQ(bytewise.error(), whole.error());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BodyDecoderRejects,
    testing::Values(BadChunked{"not_hex", "g\r\nx\r\n"}, BadChunked{"empty_size", "\r\nhello\r\n"},
                    BadChunked{"sign", "-5\r\nhello\r\n"}, BadChunked{"bare_lf_after_size", "5\nhello\r\n"},
                    BadChunked{"cr_without_lf", "5\rhello\r\n"},
                    BadChunked{"data_longer_than_size", "5\r\nhello!\r\n0\r\n\r\n"},
                    BadChunked{"data_without_crlf", "5\r\nhello5\r\nhello\r\n"},
                    BadChunked{"overflow", "1ffffffffffffffff\r\n"},
                    BadChunked{"bare_lf_in_extension", "5;a\nb\r\nhello\r\n"},
                    BadChunked{"extension_too_long", "5;" + std::string(BodyDecoder::kMaxChunkLine, 'x') + "\r\n"},
                    BadChunked{"size_line_too_long", std::string(BodyDecoder::kMaxChunkLine + 1, '0')},
                    BadChunked{"bare_lf_in_trailer", "0\r\nX: a\nb\r\n\r\n"},
                    BadChunked{"trailer_lf_missing", "0\r\nX: a\rb"},
                    BadChunked{"final_lf_missing", "0\r\n\rX"},
                    BadChunked{"trailers_too_long", "0\r\nX: " + std::string(BodyDecoder::kMaxTrailerBytes, 'a') +
                                                        "\r\n\r\n"}),
    [](const testing::TestParamInfo<BadChunked>& info) { return info.param.name; });

TEST(BodyDecoder, TheLargestSizeIsReadAndOneDigitMoreOverflows) {
  BodyDecoder largest(Framing::kChunked);
  Decoded d = FeedWhole(largest, "ffffffffffffffff\r\nabc");
  EXPECT_FALSE(largest.failed());
  EXPECT_EQ(d.payload, "abc");
  BodyDecoder over(Framing::kChunked);
  FeedWhole(over, "10000000000000000\r\n");
  EXPECT_TRUE(over.failed());
}

TEST(BodyDecoder, ACloseInsideAChunkedBodyFailsIt) {
  BodyDecoder body(Framing::kChunked);
  Feed(body, {"5\r\nhel"});
  body.OnEof();
  EXPECT_TRUE(body.failed());
  EXPECT_STREQ(body.error(), "the upstream closed the connection mid-response");
}

TEST(BodyDecoder, ContentLengthEndsAfterItsBytes) {
  BodyDecoder body(Framing::kLength, 11);
  Decoded d = Feed(body, {"hello ", "worldEXTRA"});
  EXPECT_TRUE(body.done());
  EXPECT_EQ(d.payload, "hello world");
  EXPECT_EQ(d.left, "EXTRA");
  EXPECT_TRUE(d.zero_copy);
}

TEST(BodyDecoder, ContentLengthZeroIsDoneAtOnce) {
  BodyDecoder body(Framing::kLength, 0);
  EXPECT_TRUE(body.done());
  size_t used = 7;
  EXPECT_TRUE(body.Next("abc", used).empty());
  EXPECT_EQ(used, 0u);
}

TEST(BodyDecoder, ACloseBeforeContentLengthFailsIt) {
  BodyDecoder body(Framing::kLength, 10);
  Feed(body, {"short"});
  EXPECT_FALSE(body.done());
  body.OnEof();
  EXPECT_TRUE(body.failed());
}

TEST(BodyDecoder, ABodyDelimitedByTheCloseTakesEverythingUntilIt) {
  BodyDecoder body(Framing::kUntilClose);
  Decoded d = Feed(body, {"data: a\n\n", "0\r\n\r\n", "data: b\n\n"});
  EXPECT_FALSE(body.done());
  EXPECT_EQ(d.payload, "data: a\n\n0\r\n\r\ndata: b\n\n");
  body.OnEof();
  EXPECT_TRUE(body.done());
  EXPECT_FALSE(body.failed());
}

TEST(BodyDecoder, OnePieceAtATimeForACallerThatStopsAfterEach) {
  // The first event of a stream is judged alone: Exchange::Decode stops after the first piece.
  BodyDecoder body(Framing::kChunked);
  const std::string bytes = "3\r\nabc\r\n2\r\nde\r\n";
  size_t used = 0;
  EXPECT_EQ(body.Next(bytes, used), "abc");
  EXPECT_EQ(used, 6u);
  std::string_view rest = std::string_view(bytes).substr(used);
  EXPECT_EQ(body.Next(rest, used), "de");
  EXPECT_EQ(used, rest.size() - 2);
}


TEST(DecodeInPlace, ThePayloadOfEveryChunkComesOutAsOneRunInsideTheRead) {
  std::string read = "5\r\nhello\r\n7\r\n, world\r\n3\r\n!!!";  // the last chunk is cut short
  BodyDecoder body(BodyDecoder::Framing::kChunked);
  size_t used = 0;
  const std::string_view run = DecodeInPlace(body, read.data(), read.size(), /*one_piece=*/false, used);
  EXPECT_EQ(run, "hello, world!!!");
  EXPECT_EQ(used, read.size());
  EXPECT_GE(run.data(), read.data());
  EXPECT_LE(run.data() + run.size(), read.data() + read.size());
  // The next read goes on inside the cut chunk.
  std::string next = "\r\n0\r\n\r\n";
  EXPECT_EQ(DecodeInPlace(body, next.data(), next.size(), false, used), "");
  EXPECT_TRUE(body.done());
}

TEST(DecodeInPlace, SplitAnywhereTheRunsJoinToThePayload) {
  const std::string bytes = "3\r\nabc\r\n1;x=y\r\nd\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n";
  for (size_t cut = 0; cut <= bytes.size(); ++cut) {
    std::string first = bytes.substr(0, cut), second = bytes.substr(cut);
    BodyDecoder body(BodyDecoder::Framing::kChunked);
    size_t used = 0;
    std::string payload(DecodeInPlace(body, first.data(), first.size(), false, used));
    EXPECT_EQ(used, first.size());
    payload += DecodeInPlace(body, second.data(), second.size(), false, used);
    EXPECT_EQ(payload, "abcd0123456789abcdef") << "cut at " << cut;
    EXPECT_TRUE(body.done()) << "cut at " << cut;
  }
}

TEST(DecodeInPlace, OnePieceStopsAfterTheFirstPayload) {
  std::string read = "3\r\nabc\r\n2\r\nde\r\n";
  BodyDecoder body(BodyDecoder::Framing::kChunked);
  size_t used = 0;
  EXPECT_EQ(DecodeInPlace(body, read.data(), read.size(), /*one_piece=*/true, used), "abc");
  EXPECT_EQ(used, 6u);
  EXPECT_EQ(DecodeInPlace(body, read.data() + used, read.size() - used, true, used), "de");
}

TEST(DecodeInPlace, StopsAtABadChunkWithThePayloadBeforeIt) {
  std::string read = "3\r\nabc\r\nzz\r\nde\r\n";
  BodyDecoder body(BodyDecoder::Framing::kChunked);
  size_t used = 0;
  EXPECT_EQ(DecodeInPlace(body, read.data(), read.size(), false, used), "abc");
  EXPECT_TRUE(body.failed());
  EXPECT_EQ(used, 8u);
}

}  // namespace
}  // namespace sluice::upstream
