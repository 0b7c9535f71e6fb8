// Normalizer and pre-tokenizer of Hugging Face tokenizer files. Thread rule: see hf_pretokenizer.h.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/hf_pretokenizer.h"

#include <pcre2.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::tokenizer {
namespace json = boost::json;

struct HfPretokenizer::Step {
  enum class Kind { kRegex, kDigits };
  Kind kind = Kind::kRegex;
  pcre2_code* code = nullptr;
  bool individual_digits = false;
  ~Step() {
    if (code) pcre2_code_free(code);
  }
};

namespace {

// ECMAScript WhiteSpace + LineTerminator, the meaning of \s in transformers.js's regexes.
constexpr std::string_view kJsSpace =
    "\\t\\n\\x{0b}\\f\\r\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";
// GPT-2's split pattern: ByteLevel{use_regex:true} (transformers.js's ByteLevelPreTokenizer.pattern).
constexpr std::string_view kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
// transformers.js replaces this group (JavaScript has no inline (?i:)) by an ASCII-only one; so do we.
constexpr std::string_view kContractions = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
constexpr std::string_view kContractionsJs = "(?:'([sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))";

std::string_view TypeOf(const json::value& v) {
  if (!v.is_object()) return {};
  const json::value* t = v.get_object().if_contains("type");
  return t && t->is_string() ? std::string_view(t->get_string()) : std::string_view();
}

bool BoolOr(const json::object& o, std::string_view key, bool fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() ? v->get_bool() : fallback;
}

struct ThreadMatch {
  pcre2_match_data* data = pcre2_match_data_create(64, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
  ThreadMatch() { pcre2_jit_stack_assign(context, nullptr, stack); }
  ~ThreadMatch() {
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(context);
    pcre2_match_data_free(data);
  }
};

ThreadMatch& Matcher() {
  thread_local ThreadMatch m;
  return m;
}

size_t Utf8Length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Length of the valid UTF-8 sequence at s[i], 0 when invalid (overlong, surrogate, > U+10FFFF, cut).
size_t ValidSequence(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  if (c < 0xC2 || c > 0xF4) return 0;
  const size_t n = Utf8Length(c);
  if (i + n > s.size()) return 0;
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c1 & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
  if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
  if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
  if (c == 0xF4 && c1 > 0x8F) return 0;  // > U+10FFFF
  for (size_t k = 2; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

HfPretokenizer::HfPretokenizer() = default;
HfPretokenizer::~HfPretokenizer() = default;
HfPretokenizer::HfPretokenizer(HfPretokenizer&&) noexcept = default;
HfPretokenizer& HfPretokenizer::operator=(HfPretokenizer&&) noexcept = default;

std::string HfPretokenizer::RewriteForPcre2(std::string_view in, std::string& why) {
  std::string p;
  // The two textual fixes transformers.js applies before compiling (createPattern).
  for (size_t i = 0; i < in.size(); ++i) {
    if (in.substr(i, kContractions.size()) == kContractions) {
      p += kContractionsJs;
      i += kContractions.size() - 1;
    } else if (in[i] == '\\' && i + 1 < in.size() && (in[i + 1] == '#' || in[i + 1] == '&' || in[i + 1] == '~')) {
      p += in[++i];
    } else {
      p += in[i];
    }
  }
  if (p.find("(?i") != std::string::npos) return why = "case-insensitive groups are not supported", std::string();
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[++i];
      switch (e) {
        case 's': out += in_class ? std::string(kJsSpace) : "[" + std::string(kJsSpace) + "]"; break;
        case 'd': out += in_class ? "0-9" : "[0-9]"; break;
        case 'w': out += in_class ? "A-Za-z0-9_" : "[A-Za-z0-9_]"; break;
        case 'S': case 'D': case 'W': {
          if (in_class) return why = std::string("\\") + e + " inside a character class is not supported", std::string();
          const std::string set = e == 'S' ? std::string(kJsSpace) : e == 'D' ? "0-9" : "A-Za-z0-9_";
          out += "[^" + set + "]";
          break;
        }
        case 'b': case 'B':
          if (!in_class) return why = "word boundaries (\\b, \\B) are not supported", std::string();
          out += "\\b";  // backspace inside a class, as in JavaScript
          break;
        case 'u': {  // \uXXXX or \u{X…}: PCRE2 spells it \x{…}
          size_t j = i + 1;
          std::string hex;
          if (j < p.size() && p[j] == '{') {
            const size_t close = p.find('}', j);
            if (close == std::string::npos) return why = "bad \\u{} escape", std::string();
            hex = p.substr(j + 1, close - j - 1);
            i = close;
          } else {
            hex = p.substr(j, 4);
            if (hex.size() != 4) return why = "bad \\u escape", std::string();
            i += 4;
          }
          out += "\\x{" + hex + "}";
          break;
        }
        default:
          out += '\\';
          out += e;
      }
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += "\\]", ++i;  // a leading ] is literal
      continue;
    }
    if (in_class && c == ']') in_class = false;
    if (!in_class && c == '.') {
      out += "[^\\n\\r\\x{2028}\\x{2029}]";
      continue;
    }
    out += c;
  }
  return out;
}

bool HfPretokenizer::AddRegexStep(const std::string& pattern, std::string& why) {
  const std::string rewritten = RewriteForPcre2(pattern, why);
  if (rewritten.empty()) return why = "regex " + pattern + ": " + why, false;
  int err = 0;
  PCRE2_SIZE offset = 0;
  // UTF without UCP: \p{..} still use Unicode tables, while the ASCII-only \d \w of JavaScript stay ASCII.
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(rewritten.data()), rewritten.size(),
                                   PCRE2_UTF | PCRE2_DOLLAR_ENDONLY, &err, &offset, nullptr);
  if (!code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return why = "regex " + pattern + " does not compile: " + reinterpret_cast<const char*>(msg), false;
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // without JIT (unsupported CPU) the interpreter runs
  auto step = std::make_unique<Step>();
  step->code = code;
  steps_.push_back(std::move(step));
  return true;
}

bool HfPretokenizer::AddStep(const json::value& v, std::string& why) {
  const std::string_view type = TypeOf(v);
  const json::object& o = v.get_object();
  if (type == "Sequence") {
    const json::value* list = o.if_contains("pretokenizers");
    if (!list || !list->is_array()) return why = "pre_tokenizer Sequence without pretokenizers", false;
    for (const json::value& s : list->get_array()) {
      if (!AddStep(s, why)) return false;
    }
    return true;
  }
  if (type == "Split") {
    const json::value* pat = o.if_contains("pattern");
    const json::value* regex = pat && pat->is_object() ? pat->get_object().if_contains("Regex") : nullptr;
    if (!regex || !regex->is_string()) return why = "pre_tokenizer Split with a String pattern is not supported (only Regex)", false;
    const json::value* behavior = o.if_contains("behavior");
    if (!behavior || !behavior->is_string() || behavior->get_string() != "Isolated") {
      return why = "pre_tokenizer Split behavior " + (behavior ? json::serialize(*behavior) : "null") +
                   " is not supported (only \"Isolated\")", false;
    }
    if (BoolOr(o, "invert", false)) return why = "pre_tokenizer Split with invert: true is not supported", false;
    return AddRegexStep(std::string(regex->get_string()), why);
  }
  if (type == "Digits") {
    auto step = std::make_unique<Step>();
    step->kind = Step::Kind::kDigits;
    step->individual_digits = BoolOr(o, "individual_digits", false);
    steps_.push_back(std::move(step));
    return true;
  }
  if (type == "ByteLevel") {
    if (BoolOr(o, "add_prefix_space", false)) return why = "pre_tokenizer ByteLevel with add_prefix_space: true is not supported", false;
    // use_regex defaults to true; false means the bytes are only mapped, which the model does.
    return BoolOr(o, "use_regex", true) ? AddRegexStep(std::string(kGpt2Pattern), why) : true;
  }
  return why = "pre_tokenizer type " + (type.empty() ? std::string("(missing)") : "\"" + std::string(type) + "\"") +
               " is not supported (Split, Digits, ByteLevel, Sequence are)", false;
}

bool HfPretokenizer::Configure(const json::value* normalizer, const json::value* pre_tokenizer, std::string& why) {
  // normalizer: null, NFC, or a Sequence of those.
  std::vector<const json::value*> pending;
  if (normalizer && !normalizer->is_null()) pending.push_back(normalizer);
  while (!pending.empty()) {
    const json::value* n = pending.back();
    pending.pop_back();
    const std::string_view type = TypeOf(*n);
    if (type == "NFC") {
      nfc_ = true;
    } else if (type == "Sequence") {
      const json::value* list = n->get_object().if_contains("normalizers");
      if (!list || !list->is_array()) return why = "normalizer Sequence without normalizers", false;
      for (const json::value& x : list->get_array()) pending.push_back(&x);
    } else {
      return why = "normalizer type " + (type.empty() ? std::string("(missing)") : "\"" + std::string(type) + "\"") +
                   " is not supported (null, NFC, Sequence are)", false;
    }
  }
  if (nfc_) {
    UErrorCode status = U_ZERO_ERROR;
    icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) return why = std::string("ICU NFC data unavailable: ") + u_errorName(status), false;
  }
  if (!pre_tokenizer || pre_tokenizer->is_null()) return why = "a null pre_tokenizer is not supported", false;
  if (!pre_tokenizer->is_object()) return why = "pre_tokenizer is not an object", false;
  return AddStep(*pre_tokenizer, why);
}

std::string_view HfPretokenizer::Prepare(std::string_view text, std::string& scratch) const {
  // Fast check: ASCII, or every code point below U+0300 (lead bytes <= 0xCB), is valid and NFC-stable.
  bool simple = true;
  for (unsigned char c : text) {
    if (c >= 0x80) {
      simple = false;
      break;
    }
  }
  if (simple) return text;
  std::string_view valid = text;
  for (size_t i = 0; i < text.size();) {
    const size_t n = ValidSequence(text, i);
    if (n == 0) {  // rebuild with U+FFFD for each invalid byte
      scratch.assign(text.substr(0, i));
      for (size_t j = i; j < text.size();) {
        const size_t m = ValidSequence(text, j);
        if (m == 0) scratch += "\xEF\xBF\xBD", j += 1;
        else scratch.append(text.substr(j, m)), j += m;
      }
      valid = scratch;
      break;
    }
    i += n;
  }
  if (!nfc_) return valid;
  bool below_combining = true;
  for (unsigned char c : valid) {
    if (c > 0xCB) {
      below_combining = false;
      break;
    }
  }
  if (below_combining) return valid;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  const icu::StringPiece piece(valid.data(), static_cast<int32_t>(valid.size()));
  if (U_FAILURE(status) || nfc->isNormalizedUTF8(piece, status) || U_FAILURE(status)) return valid;
  std::string normalized;
  icu::StringByteSink<std::string> sink(&normalized, static_cast<int32_t>(valid.size()));
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) return valid;
  scratch = std::move(normalized);
  return scratch;
}

HfPretokenizer::Match HfPretokenizer::Find(size_t index, std::string_view s, size_t pos) const {
  const Step& step = *steps_[index];
  if (step.kind == Step::Kind::kDigits) {
    // transformers.js: /[^\d]+|\d+?/u — ASCII digits (JavaScript's \d), one each when individual.
    while (pos < s.size() && !(s[pos] >= '0' && s[pos] <= '9')) ++pos;
    if (pos == s.size()) return {std::string_view::npos, 0};
    size_t end = pos + 1;
    if (!step.individual_digits) {
      while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
    }
    return {pos, end};
  }
  ThreadMatch& m = Matcher();
  while (pos < s.size()) {
    const int rc = pcre2_match(step.code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), pos, PCRE2_NO_UTF_CHECK,
                               m.data, m.context);
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
      // Resource limits (not reachable with the supported patterns and the 8 MB JIT stack): the rest of the
      // piece stays one piece, so counting goes on rather than failing a request.
      return {std::string_view::npos, 0};
    }
    if (rc == PCRE2_ERROR_NOMATCH) break;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(m.data);
    if (ov[1] > ov[0]) return {ov[0], ov[1]};
    if (ov[0] >= s.size()) break;
    // An empty match is dropped and the search resumes one character later, as String.matchAll does.
    pos = ov[0] + Utf8Length(static_cast<unsigned char>(s[ov[0]]));
  }
  return {std::string_view::npos, 0};
}

}  // namespace sluice::tokenizer
