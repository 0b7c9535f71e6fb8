// HfPretokenizer: the normalizer and pre-tokenizer of a Hugging Face tokenizer.json, for the subset
// byte-level BPE models use:
//   normalizer:    null | NFC | Sequence of those (an empty Sequence is DeepSeek V3's)
//   pre_tokenizer: Split{pattern:{Regex}, behavior:"Isolated", invert:false} | Digits | ByteLevel, alone or
//                  in a Sequence (each step splits every piece of the previous one).
// Regexes run on PCRE2 (UTF mode, JIT), compiled once. The reference for semantics is transformers.js
// (what tests/tokenizer_parity/hf_parity.cjs compares with), so each pattern is rewritten to JavaScript's
// meaning first: \s is ECMAScript white space (U+FEFF yes, U+0085 no), \d and \w are ASCII, `.` stops at
// line terminators, and the contraction group (?i:'s|'t|...) matches ASCII letters only, exactly as
// transformers.js rewrites it. \p{..} classes come from PCRE2's own tables (Unicode 14 on Debian 12).
// Thread rule: built once at load; const methods are safe from any thread (thread_local match data).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace sluice::tokenizer {

class HfPretokenizer {
 public:
  HfPretokenizer();
  ~HfPretokenizer();
  HfPretokenizer(HfPretokenizer&&) noexcept;
  HfPretokenizer& operator=(HfPretokenizer&&) noexcept;

  // Reads tokenizer.json's "normalizer" and "pre_tokenizer". On failure `why` names the unsupported part.
  bool Configure(const boost::json::value* normalizer, const boost::json::value* pre_tokenizer, std::string& why);

  bool nfc() const { return nfc_; }

  // The text as the model sees it: valid UTF-8 (each invalid byte becomes U+FFFD, as a JavaScript or
  // Python front end decodes it) and NFC-normalised when configured. Returns `text` itself when nothing
  // changes (the usual case), else a view of `scratch`.
  std::string_view Prepare(std::string_view text, std::string& scratch) const;

  // Calls fn(piece) for each pre-token of prepared text, in order; stops when fn returns false.
  template <typename Fn>
  bool ForEachPiece(std::string_view text, Fn&& fn) const {
    return Walk(0, text, fn);
  }

  // A pattern rewritten to JavaScript semantics for PCRE2 (exposed for tests); empty + why on failure.
  static std::string RewriteForPcre2(std::string_view js_like, std::string& why);

 private:
  struct Step;
  struct Match {
    size_t begin, end;  // begin == npos: no further match
  };
  // The next non-empty match of step `step` in s at or after pos.
  Match Find(size_t step, std::string_view s, size_t pos) const;

  template <typename Fn>
  bool Walk(size_t step, std::string_view s, Fn& fn) const {
    if (s.empty()) return true;
    if (step == steps_.size()) return fn(s);
    size_t pos = 0;
    while (pos < s.size()) {
      const Match m = Find(step, s, pos);
      if (m.begin == std::string_view::npos) break;
      if (m.begin > pos && !Walk(step + 1, s.substr(pos, m.begin - pos), fn)) return false;
      if (!Walk(step + 1, s.substr(m.begin, m.end - m.begin), fn)) return false;
      pos = m.end;
    }
    return pos < s.size() ? Walk(step + 1, s.substr(pos), fn) : true;
  }

  bool AddStep(const boost::json::value& v, std::string& why);
  bool AddRegexStep(const std::string& pattern, std::string& why);

  bool nfc_ = false;
  std::vector<std::unique_ptr<Step>> steps_;
};

}  // namespace sluice::tokenizer
