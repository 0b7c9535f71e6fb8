// SSE writer helpers (see sse_writer.h). Thread rule: pure functions.
#include "stream/sse_writer.h"

#include <cstring>

namespace sluice::stream {
namespace {

// Position of the first CR or LF (npos if none). Two memchr passes beat find_first_of's per-byte
// loop.
size_t FindLineBreak(std::string_view s) {
  if (s.empty())
    return std::string_view::npos;  // memchr on a null pointer is undefined, even for 0
  const void* lf = std::memchr(s.data(), '\n', s.size());
  size_t end = lf ? static_cast<size_t>(static_cast<const char*>(lf) - s.data()) : s.size();
  const void* cr = std::memchr(s.data(), '\r', end);
  if (cr) return static_cast<size_t>(static_cast<const char*>(cr) - s.data());
  return lf ? end : std::string_view::npos;
}

std::string_view FirstLine(std::string_view s) { return s.substr(0, FindLineBreak(s)); }

// Appends `prefix` + line + "\n" for each line of `text` (an empty text is one empty line).
void AppendLines(std::string& out, std::string_view prefix, std::string_view text) {
  for (;;) {
    size_t eol = FindLineBreak(text);
    out.append(prefix);
    out.append(text.substr(0, eol));
    out.push_back('\n');
    if (eol == std::string_view::npos) return;
    size_t skip = (text[eol] == '\r' && eol + 1 < text.size() && text[eol + 1] == '\n') ? 2 : 1;
    text.remove_prefix(eol + skip);
  }
}

}  // namespace

void AppendSseEvent(std::string& out, std::string_view data, std::string_view event,
                    std::string_view id) {
  event = FirstLine(event);
  id = FirstLine(id);
  if (!event.empty()) {
    out.append("event: ");
    out.append(event);
    out.push_back('\n');
  }
  if (!id.empty()) {
    out.append("id: ");
    out.append(id);
    out.push_back('\n');
  }
  AppendLines(out, "data: ", data);
  out.push_back('\n');
}

std::string FormatSseEvent(std::string_view data, std::string_view event, std::string_view id) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 24);
  AppendSseEvent(out, data, event, id);
  return out;
}

void AppendSseComment(std::string& out, std::string_view text) {
  AppendLines(out, ": ", text);
  out.push_back('\n');
}

void AppendSseDone(std::string& out) { out.append(kSseDone); }

}  // namespace sluice::stream
