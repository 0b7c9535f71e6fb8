// Syntax validation of a JSON text without building a DOM (Boost.JSON's SAX parser with a handler that
// keeps nothing). The proxy path validates with this and reads the few fields it needs through the
// member scanner (json_members.h), so a same-dialect request allocates nothing for its body.
// Thread rule: pure function.
#pragma once

#include <string_view>

namespace sluice::dialect {

// True when `text` is one complete, valid JSON value (RFC 8259), nested at most `max_depth` deep.
bool IsValidJson(std::string_view text, size_t max_depth = 64);

}  // namespace sluice::dialect
