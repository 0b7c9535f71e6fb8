// See body_decoder.h. The payload and the scans to a CR take bytes in bulk; only the handful of framing
// bytes around each chunk go one at a time.
#include "upstream/body_decoder.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sluice::upstream {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

size_t BodyDecoder::FastSizeLine(std::string_view in, size_t at) {
  // At most 16 digits (no leading zeros beyond them), then CR LF: anything else takes the general path.
  const size_t end = std::min(in.size(), at + 18);
  uint64_t size = 0;
  size_t i = at;
  for (; i < end; ++i) {
    const int digit = HexValue(in[i]);
    if (digit < 0) break;
    size = size * 16 + static_cast<uint64_t>(digit);
  }
  if (i == at || i - at > 16 || i + 1 >= in.size() || in[i] != '\r' || in[i + 1] != '\n') return 0;
  chunk_size_ = size;
  return i + 2 - at;
}

BodyDecoder::BodyDecoder(Framing framing, uint64_t length) : framing_(framing) {
  switch (framing) {
    case Framing::kChunked:
      state_ = State::kSizeFirst;
      break;
    case Framing::kLength:
      remaining_ = length;
      state_ = length == 0 ? State::kDone : State::kData;
      break;
    case Framing::kUntilClose:
      remaining_ = std::numeric_limits<uint64_t>::max();
      state_ = State::kData;
      break;
  }
}

std::string_view BodyDecoder::Fail(const char* why, size_t at, size_t& used) {
  state_ = State::kFailed;
  error_ = why;
  used = at;
  return {};
}

void BodyDecoder::EndSizeLine() {
  if (chunk_size_ == 0) {  // the last chunk: the trailer section follows
    line_bytes_ = 0;
    state_ = State::kTrailerStart;
  } else {
    remaining_ = chunk_size_;
    state_ = State::kData;
  }
}

bool BodyDecoder::ScanToCr(std::string_view in, size_t& i, size_t& count, size_t limit) {
  const size_t n = in.size();
  const void* cr = std::memchr(in.data() + i, '\r', n - i);
  const size_t end = cr ? static_cast<size_t>(static_cast<const char*>(cr) - in.data()) : n;
  if (std::memchr(in.data() + i, '\n', end - i) != nullptr) return false;  // lines end with CR LF
  count += end - i;
  i = end;
  return count <= limit;
}

std::string_view BodyDecoder::Next(std::string_view in, size_t& used) {
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    switch (state_) {
      case State::kData: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, n - i));
        if (framing_ != Framing::kUntilClose) remaining_ -= take;
        if (remaining_ == 0) state_ = framing_ == Framing::kChunked ? State::kDataCr : State::kDone;
        used = i + take;
        return in.substr(i, take);
      }
      case State::kSizeFirst: {
        // The usual case: the whole "<hex>\r\n" line is here; the states below take it a byte at a time.
        if (const size_t line = FastSizeLine(in, i); line > 0) {
          i += line;
          EndSizeLine();
          break;
        }
        const int digit = HexValue(in[i]);
        if (digit < 0) return Fail("invalid chunk size", i, used);
        chunk_size_ = static_cast<uint64_t>(digit);
        line_bytes_ = 1;
        state_ = State::kSize;
        ++i;
        break;
      }
      case State::kSize: {
        const char c = in[i];
        if (const int digit = HexValue(c); digit >= 0) {
          if (chunk_size_ > (std::numeric_limits<uint64_t>::max() >> 4)) return Fail("chunk size too large", i, used);
          chunk_size_ = chunk_size_ * 16 + static_cast<uint64_t>(digit);
          if (++line_bytes_ > kMaxChunkLine) return Fail("chunk-size line too long", i, used);
        } else if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (c == ';' || c == ' ' || c == '\t') {  // extensions (and the whitespace RFC 9112 allows before them)
          state_ = State::kExtension;
        } else {
          return Fail("invalid chunk size", i, used);
        }
        ++i;
        break;
      }
      case State::kExtension:
        if (!ScanToCr(in, i, line_bytes_, kMaxChunkLine)) return Fail("invalid or too long chunk extension", i, used);
        if (i < n) {
          state_ = State::kSizeLf;
          ++i;
        }
        break;
      case State::kSizeLf:
        if (in[i] != '\n') return Fail("chunk-size line not ended by CR LF", i, used);
        ++i;
        EndSizeLine();
        break;
      case State::kDataCr:
        if (i + 1 < n && in[i] == '\r' && in[i + 1] == '\n') {
          state_ = State::kSizeFirst;
          i += 2;
          break;
        }
        if (in[i] != '\r') return Fail("chunk data not followed by CR LF", i, used);
        state_ = State::kDataLf;
        ++i;
        break;
      case State::kDataLf:
        if (in[i] != '\n') return Fail("chunk data not followed by CR LF", i, used);
        state_ = State::kSizeFirst;
        ++i;
        break;
      case State::kTrailerStart:
        if (in[i] == '\r') {
          state_ = State::kFinalLf;
          ++i;
        } else {
          state_ = State::kTrailer;
        }
        break;
      case State::kTrailer:
        if (!ScanToCr(in, i, line_bytes_, kMaxTrailerBytes))
          return Fail("invalid or too long trailer section", i, used);
        if (i < n) {
          state_ = State::kTrailerLf;
          ++i;
        }
        break;
      case State::kTrailerLf:
        if (in[i] != '\n') return Fail("trailer field not ended by CR LF", i, used);
        state_ = State::kTrailerStart;
        ++i;
        break;
      case State::kFinalLf:
        if (in[i] != '\n') return Fail("chunked body not ended by CR LF", i, used);
        state_ = State::kDone;
        used = i + 1;
        return {};
      case State::kDone:
      case State::kFailed:
        used = i;
        return {};
    }
  }
  used = i;
  return {};
}

void BodyDecoder::OnEof() {
  if (state_ == State::kDone || state_ == State::kFailed) return;
  if (framing_ == Framing::kUntilClose) {
    state_ = State::kDone;
    return;
  }
  state_ = State::kFailed;
  error_ = "the upstream closed the connection mid-response";
}

std::string_view DecodeInPlace(BodyDecoder& body, char* bytes, size_t size, bool one_piece, size_t& used) {
  char* run = nullptr;
  size_t run_size = 0;
  size_t at = 0;
  while (at < size) {
    size_t step = 0;
    const std::string_view piece = body.Next(std::string_view(bytes + at, size - at), step);
    at += step;
    if (!piece.empty()) {
      if (run == nullptr) {
        run = const_cast<char*>(piece.data());  // a view of `bytes`, which the caller let us change
      } else {
        std::memmove(run + run_size, piece.data(), piece.size());
      }
      run_size += piece.size();
      if (one_piece) break;
    } else if (step == 0) {
      break;
    }
    if (body.done() || body.failed()) break;
  }
  used = at;
  return {run, run_size};
}

}  // namespace sluice::upstream
