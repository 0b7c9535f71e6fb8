// SSE writer helpers: format events and comments in text/event-stream framing. Appending to a
// caller's buffer lets a stream reuse one std::string for every event (no allocation once it has
// grown). Any line break in a payload ("\r\n", "\n" or "\r") starts a new `data:` line, so the
// client's parser rebuilds the payload with "\n" (JSON payloads never contain raw line breaks, so
// they round-trip exactly). Event names and ids cannot hold line breaks: they are cut at the first
// one rather than corrupt framing. Thread rule: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sluice::stream {

// Appends "event: <event>\n" (when non-empty), "id: <id>\n" (when non-empty), one "data: <line>\n"
// per payload line, then the blank line.
void AppendSseEvent(std::string& out, std::string_view data, std::string_view event = {},
                    std::string_view id = {});
std::string FormatSseEvent(std::string_view data, std::string_view event = {},
                           std::string_view id = {});

// Appends ": <line>\n" per text line, then a blank line (a keep-alive clients ignore).
void AppendSseComment(std::string& out, std::string_view text);

// OpenAI Chat's terminator: "data: [DONE]\n\n".
void AppendSseDone(std::string& out);
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";

}  // namespace sluice::stream
