// Fuzz target: upstream::BodyDecoder and DecodeInPlace, the framing of plain-TCP stream bodies. The input is
// a body; its first byte picks the framing (chunked, Content-Length of the next byte, close-delimited).
// Invariants: how the bytes arrive never changes the outcome — the payload, done/failed, the error, and the
// bytes left after the body's end are the same whole, in input-derived pieces, one byte at a time, one piece
// per call (a stream's first event), and through Next() without moving anything; every view lies inside
// what was fed. Oracle for chunked bodies: what Beast's parser accepts as a complete body, the decoder
// accepts too, with the same payload and the same bytes left over. One known divergence is left out: Beast
// takes a bare LF inside a quoted chunk-extension value, which RFC 9112 does not allow and the decoder
// refuses (a bare LF in framing is how request smuggling starts).
// Thread rule: single-threaded (libFuzzer / fuzz/driver.cc).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/beast/http.hpp>

#include "fuzz/fuzz_check.h"
#include "upstream/body_decoder.h"

namespace {
using namespace sluice;
using upstream::BodyDecoder;

struct Outcome {
  std::string payload;
  bool done = false;
  bool failed = false;
  std::string error;
  size_t left = 0;  // bytes not consumed after the body ended or failed
};

// Feeds `pieces` in place (each copied into a buffer of its own, which the decoder may rewrite).
Outcome RunInPlace(BodyDecoder body, const std::vector<std::string_view>& pieces, bool one_piece, bool eof) {
  Outcome o;
  for (std::string_view piece : pieces) {
    std::string buffer(piece);
    size_t at = 0;
    while (at < buffer.size() && !body.done() && !body.failed()) {
      size_t used = 0;
      char* const from = buffer.data() + at;
      const std::string_view run = upstream::DecodeInPlace(body, from, buffer.size() - at, one_piece, used);
      FUZZ_CHECK(used <= buffer.size() - at, "used past the input");
      FUZZ_CHECK(run.empty() || (run.data() >= from && run.data() + run.size() <= from + used),
                 "payload outside the bytes used");
      o.payload += run;
      if (used == 0 && run.empty()) break;
      at += used;
    }
    if (body.done() || body.failed()) o.left += buffer.size() - at;
  }
  if (eof) body.OnEof();
  o.done = body.done();
  o.failed = body.failed();
  if (o.failed) o.error = body.error();
  FUZZ_CHECK(!(o.done && o.failed), "done and failed");
  return o;
}

// The same through Next(), views of the input as it is.
Outcome RunNext(BodyDecoder body, std::string_view input, bool eof) {
  Outcome o;
  std::string_view in = input;
  while (!in.empty() && !body.done() && !body.failed()) {
    size_t used = 0;
    const std::string_view piece = body.Next(in, used);
    FUZZ_CHECK(piece.empty() || (piece.data() >= in.data() && piece.data() + piece.size() <= in.data() + used),
               "piece outside the bytes used");
    o.payload += piece;
    if (used == 0 && piece.empty()) break;
    in.remove_prefix(used);
  }
  o.left = body.done() || body.failed() ? in.size() : 0;
  if (eof) body.OnEof();
  o.done = body.done();
  o.failed = body.failed();
  if (o.failed) o.error = body.error();
  return o;
}

void Compare(const Outcome& a, const Outcome& b, const char* what) {
  FUZZ_CHECK(a.done == b.done && a.failed == b.failed, std::string(what) + ": end state differs");
  FUZZ_CHECK(a.error == b.error, std::string(what) + ": error differs: " + a.error + " / " + b.error);
  if (a.failed) return;  // where a failed body stops reading depends on where the bad byte was met
  FUZZ_CHECK(a.payload == b.payload, std::string(what) + ": payload differs");
  FUZZ_CHECK(a.left == b.left, std::string(what) + ": bytes left after the body differ");
}

// Beast's verdict on a chunked body: complete (with its payload and what it left), or not.
bool BeastChunked(std::string_view body, std::string& payload, size_t& left) {
  namespace http = boost::beast::http;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  boost::system::error_code ec;
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  parser.put(boost::asio::buffer(head), ec);
  if (ec) return false;
  parser.eager(true);
  std::string_view in = body;
  while (!in.empty() && !parser.is_done()) {
    const size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
    if (ec) return false;
    if (used == 0) return false;
    in.remove_prefix(used);
  }
  if (!parser.is_done()) return false;
  payload = parser.get().body();
  left = in.size();
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input = fuzz::AsView(data + 1, size - 1);
  BodyDecoder::Framing framing = BodyDecoder::Framing::kChunked;
  uint64_t length = 0;
  bool eof = false;
  switch (data[0] % 4) {
    case 0:
    case 1:
      break;
    case 2:
      framing = BodyDecoder::Framing::kLength;
      length = input.empty() ? 0 : static_cast<unsigned char>(input[0]);
      break;
    case 3:
      framing = BodyDecoder::Framing::kUntilClose;
      eof = true;
      break;
  }
  if (data[0] & 4) eof = true;  // the connection closes after the bytes, whatever the framing

  std::vector<std::string_view> pieces = fuzz::SplitByInput(input);
  std::vector<std::string_view> bytes;
  if (input.size() <= 4096)
    for (size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));

  const Outcome whole = RunInPlace(BodyDecoder(framing, length), {input}, false, eof);
  if (whole.failed) FUZZ_CHECK(!whole.error.empty(), "a failure without a message");
  Compare(whole, RunInPlace(BodyDecoder(framing, length), pieces, false, eof), "input-derived pieces");
  Compare(whole, RunInPlace(BodyDecoder(framing, length), {input}, true, eof), "one piece per call");
  Compare(whole, RunNext(BodyDecoder(framing, length), input, eof), "Next() without moving");
  if (!bytes.empty()) Compare(whole, RunInPlace(BodyDecoder(framing, length), bytes, false, eof), "one byte at a time");

  if (framing == BodyDecoder::Framing::kChunked && input.size() < 4000) {
    std::string payload;
    size_t left = 0;
    const bool bare_lf = [&] {
      for (size_t i = 0; i < input.size(); ++i)
        if (input[i] == '\n' && (i == 0 || input[i - 1] != '\r')) return true;
      return false;
    }();
    const Outcome plain = RunInPlace(BodyDecoder(framing, length), {input}, false, false);
    const bool known_divergence =
        bare_lf && plain.failed && plain.error == std::string("invalid or too long chunk extension");
    if (!known_divergence && BeastChunked(input, payload, left)) {
      FUZZ_CHECK(plain.done, "Beast accepts a chunked body the decoder does not end: " + plain.error);
      FUZZ_CHECK(plain.payload == payload, "payload differs from Beast's");
      FUZZ_CHECK(plain.left == left, "bytes left after the body differ from Beast's");
    }
  }
  return 0;
}
