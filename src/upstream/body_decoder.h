// Takes the framing off an HTTP/1.1 response body read over plain TCP (RFC 9112 §6.3, §7.1): chunked,
// Content-Length, or delimited by the connection's close. The payload comes out as views of the bytes fed,
// so a stream's events reach the SSE parser where the recv put them, with no copy in between (Beast's
// buffer_body copies every chunk into a buffer of its own first).
// A byte-wise state machine: every byte fed before the body's end is consumed, so a chunk header a recv
// cut in two needs no carried bytes. Bounded: a chunk-size line, its extensions and the trailer section have
// limits; a size that overflows 64 bits is an error.
//
//   BodyDecoder body(BodyDecoder::Framing::kChunked);
//   while (!in.empty() && !body.failed()) {
//     size_t used = 0;
//     std::string_view piece = body.Next(in, used);  // a view of `in`
//     in.remove_prefix(used);
//     if (!piece.empty()) Use(piece);
//     if (body.done()) break;  // what is left of `in` follows the body
//   }
// Thread rule: one decoder per response, one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::upstream {

class BodyDecoder {
 public:
  enum class Framing {
    kChunked,     // Transfer-Encoding: chunked
    kLength,      // Content-Length
    kUntilClose,  // neither: the body ends when the upstream closes the connection
  };
  static constexpr size_t kMaxChunkLine = 4096;       // a chunk-size line with its extensions
  static constexpr size_t kMaxTrailerBytes = 16384;  // the whole trailer section

  explicit BodyDecoder(Framing framing, uint64_t length = 0);

  // Consumes framing from the front of `in` up to and including the next piece of payload, returned as a
  // view of `in`. Empty when `in` ran out before any payload, at the body's end, and on an error. `used` is
  // how many bytes of `in` went; all of them unless the body ended (or failed) inside `in`.
  std::string_view Next(std::string_view in, size_t& used);
  // The upstream closed the connection: that ends a body delimited by the close, and fails any other.
  void OnEof();

  bool done() const { return state_ == State::kDone; }
  bool failed() const { return state_ == State::kFailed; }
  // What was wrong with the framing (a static string), when failed().
  const char* error() const { return error_; }

 private:
  enum class State : uint8_t {
    kSizeFirst,     // the first hex digit of a chunk size
    kSize,          // more hex digits, or what ends them
    kExtension,     // chunk extensions, up to the CR
    kSizeLf,        // the LF after the chunk-size line
    kData,          // payload: `remaining_` bytes to go
    kDataCr,        // the CR after a chunk's data
    kDataLf,        // its LF
    kTrailerStart,  // a trailer field line, or the CR of the empty line that ends the body
    kTrailer,       // inside a trailer field line, up to its CR
    kTrailerLf,     // the LF ending a trailer field line
    kFinalLf,       // the LF of the empty line that ends the body
    kDone,
    kFailed,
  };
  std::string_view Fail(const char* why, size_t at, size_t& used);
  // After a chunk-size line's CR LF: its data, or the trailer section after the last chunk.
  void EndSizeLine();
  // A whole plain chunk-size line ("<hex>\r\n") at `at`: its length, with chunk_size_ set; else 0.
  size_t FastSizeLine(std::string_view in, size_t at);
  // Scans a line's content (an extension or a trailer field) from `i` to its CR; false on a bare LF or a line
  // past `limit` bytes so far (`count` carries the count across calls).
  bool ScanToCr(std::string_view in, size_t& i, size_t& count, size_t limit);

  Framing framing_;
  State state_;
  uint64_t remaining_ = 0;   // kData: payload bytes left in this chunk (or the whole body)
  uint64_t chunk_size_ = 0;  // the chunk size being read
  size_t line_bytes_ = 0;    // bytes of the current chunk-size line, or of the trailer section
  const char* error_ = "";
};

// Decodes `size` bytes at `bytes` in place: every piece of payload in them is moved down to follow the one
// before it, so the payload comes out as one run (a view of `bytes`) however many chunks it came in, and the
// SSE parser downstream is fed once per read, not once per chunk. `one_piece`: stop after the first piece.
// `used` is how many bytes went (see BodyDecoder::Next). The moves stay inside a buffer the recv just
// filled, so they are cheap; what they save is a parser call per chunk.
std::string_view DecodeInPlace(BodyDecoder& body, char* bytes, size_t size, bool one_piece, size_t& used);

}  // namespace sluice::upstream
