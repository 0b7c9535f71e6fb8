// SigV4 canonicalisation, signing and checking. Thread rule: pure functions.
#include "mock_llm/sigv4_check.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace sluice::mock_llm {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 15]);
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

std::string UriEncode(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (Unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// "a  b   c" → "a b c" (AWS collapses runs of spaces in header values).
std::string CollapseSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : Trim(s)) {
    if (c == ' ' || c == '\t') {
      if (!space) out.push_back(' ');
      space = true;
    } else {
      out.push_back(c);
      space = false;
    }
  }
  return out;
}

std::optional<std::string_view> FindHeader(const SigV4Headers& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (Lower(name) == lower_name) return value;
  }
  return std::nullopt;
}

SigV4Failure Incomplete(std::string message) { return {403, "IncompleteSignatureException", std::move(message)}; }
SigV4Failure Invalid(std::string message) { return {403, "InvalidSignatureException", std::move(message)}; }

}  // namespace

std::string HexSha256(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

std::optional<SigV4Authorization> ParseSigV4Authorization(std::string_view value, SigV4Failure* failure) {
  auto fail = [&](std::string message) -> std::optional<SigV4Authorization> {
    if (failure) *failure = Incomplete(std::move(message));
    return std::nullopt;
  };
  value = Trim(value);
  if (!value.starts_with(kAlgorithm) || value.size() == kAlgorithm.size() ||
      (value[kAlgorithm.size()] != ' ' && value[kAlgorithm.size()] != '\t')) {
    return fail("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
                "parameter. Authorization header requires 'SignedHeaders' parameter.");
  }
  value.remove_prefix(kAlgorithm.size());
  SigV4Authorization out;
  bool has_credential = false, has_signed = false, has_signature = false;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view part = Trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = Trim(part.substr(0, eq));
    std::string_view v = Trim(part.substr(eq + 1));
    if (key == "Credential") {
      // AKID/date/region/service/aws4_request
      std::vector<std::string_view> scope;
      size_t start = 0;
      for (size_t i = 0; i <= v.size(); ++i) {
        if (i == v.size() || v[i] == '/') {
          scope.push_back(v.substr(start, i - start));
          start = i + 1;
        }
      }
      if (scope.size() != 5 || scope[4] != "aws4_request" || scope[0].empty() || scope[1].size() != 8) {
        return fail("Credential should be scoped to a valid region, service and date: '" + std::string(v) + "'.");
      }
      out.access_key_id = scope[0];
      out.date = scope[1];
      out.region = scope[2];
      out.service = scope[3];
      has_credential = true;
    } else if (key == "SignedHeaders") {
      out.signed_headers_raw = v;
      size_t start = 0;
      for (size_t i = 0; i <= v.size(); ++i) {
        if (i == v.size() || v[i] == ';') {
          if (i > start) out.signed_headers.push_back(Lower(v.substr(start, i - start)));
          start = i + 1;
        }
      }
      has_signed = !out.signed_headers.empty();
    } else if (key == "Signature") {
      out.signature = Lower(v);
      has_signature = !out.signature.empty();
    }
  }
  std::string missing;
  if (!has_credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!has_signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!has_signed) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    missing.pop_back();
    return fail(missing);
  }
  return out;
}

std::string SigV4CanonicalUri(std::string_view wire_path) {
  if (wire_path.empty()) return "/";
  // Remove dot segments (RFC 3986 §5.2.4) on the segment list; empty segments are kept.
  std::vector<std::string_view> segments;
  size_t start = 1;
  const bool leading = wire_path.front() == '/';
  if (!leading) start = 0;
  for (size_t i = start; i <= wire_path.size(); ++i) {
    if (i == wire_path.size() || wire_path[i] == '/') {
      std::string_view seg = wire_path.substr(start, i - start);
      if (seg == ".") {
        if (i == wire_path.size()) segments.emplace_back();
      } else if (seg == "..") {
        if (!segments.empty()) segments.pop_back();
        if (i == wire_path.size()) segments.emplace_back();
      } else {
        segments.push_back(seg);
      }
      start = i + 1;
    }
  }
  std::string out;
  for (auto seg : segments) {
    out.push_back('/');
    out.append(UriEncode(seg));
  }
  if (out.empty()) out = "/";
  return out;
}

std::string SigV4CanonicalQuery(std::string_view wire_query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  for (size_t i = 0; i <= wire_query.size(); ++i) {
    if (i == wire_query.size() || wire_query[i] == '&') {
      std::string_view kv = wire_query.substr(start, i - start);
      start = i + 1;
      if (kv.empty()) continue;
      size_t eq = kv.find('=');
      std::string_view k = kv.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view{} : kv.substr(eq + 1);
      params.emplace_back(UriEncode(PercentDecode(k)), UriEncode(PercentDecode(v)));
    }
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(k).append("=").append(v);
  }
  return out;
}

std::string SigV4CanonicalRequest(std::string_view method, std::string_view target, const SigV4Headers& headers,
                                  const std::vector<std::string>& signed_headers, std::string_view payload) {
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  std::string out;
  out.append(method).append("\n");
  out.append(SigV4CanonicalUri(path)).append("\n");
  out.append(SigV4CanonicalQuery(query)).append("\n");
  for (const auto& name : names) {
    std::string joined;
    bool first = true;
    for (const auto& [n, v] : headers) {
      if (Lower(n) != name) continue;
      if (!first) joined.push_back(',');
      joined.append(CollapseSpaces(v));
      first = false;
    }
    out.append(name).append(":").append(joined).append("\n");
  }
  out.append("\n");
  std::string list;
  for (const auto& name : names) {
    if (!list.empty()) list.push_back(';');
    list.append(name);
  }
  out.append(list).append("\n");
  out.append(HexSha256(payload));
  return out;
}

std::string SigV4StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.append("\n").append(amz_date).append("\n").append(scope).append("\n").append(HexSha256(canonical_request));
  return out;
}

std::string SigV4Signature(std::string_view secret, std::string_view date, std::string_view region,
                           std::string_view service, std::string_view string_to_sign) {
  std::string key = "AWS4";
  key.append(secret);
  std::string k = Hmac(key, date);
  k = Hmac(k, region);
  k = Hmac(k, service);
  k = Hmac(k, "aws4_request");
  std::string sig = Hmac(k, string_to_sign);
  return Hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

std::optional<SigV4Failure> CheckSigV4(std::string_view method, std::string_view target, const SigV4Headers& headers,
                                       std::string_view body, std::string_view service,
                                       const std::optional<SigV4Credentials>& credentials) {
  std::optional<std::string_view> authorization = FindHeader(headers, "authorization");
  if (!authorization) return SigV4Failure{403, "MissingAuthenticationTokenException", "Missing Authentication Token"};
  std::string_view auth = Trim(*authorization);
  if (auth.size() > 7 && Lower(auth.substr(0, 7)) == "bearer ") return std::nullopt;  // Bedrock API key
  SigV4Failure failure;
  std::optional<SigV4Authorization> parsed = ParseSigV4Authorization(auth, &failure);
  if (!parsed) return failure;
  std::optional<std::string_view> amz_date = FindHeader(headers, "x-amz-date");
  if (!amz_date) {
    return Incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  std::string_view date = Trim(*amz_date);
  if (date.size() != 16 || date[8] != 'T' || date[15] != 'Z') {
    return Incomplete("Date must be in ISO-8601 'basic format'. Got '" + std::string(date) +
                      "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  if (parsed->service != service) {
    return Invalid("Credential should be scoped to correct service: '" + std::string(service) + "'. ");
  }
  if (parsed->date != date.substr(0, 8)) {
    return Invalid("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                   parsed->date + "' != '" + std::string(date.substr(0, 8)) + "', from '" + std::string(date) + "'.");
  }
  auto is_signed = [&](std::string_view name) {
    return std::find(parsed->signed_headers.begin(), parsed->signed_headers.end(), name) != parsed->signed_headers.end();
  };
  if (!is_signed("host")) return Invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (!is_signed("x-amz-date")) return Invalid("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  if (!credentials) return std::nullopt;
  if (!credentials->access_key_id.empty() && parsed->access_key_id != credentials->access_key_id) {
    return SigV4Failure{403, "UnrecognizedClientException", "The security token included in the request is invalid."};
  }
  const std::string canonical = SigV4CanonicalRequest(method, target, headers, parsed->signed_headers, body);
  const std::string scope = parsed->date + "/" + parsed->region + "/" + parsed->service + "/aws4_request";
  const std::string to_sign = SigV4StringToSign(date, scope, canonical);
  const std::string expected = SigV4Signature(credentials->secret, parsed->date, parsed->region, parsed->service, to_sign);
  // The comparison need not be constant-time: this is a test double, not a security boundary.
  if (expected != parsed->signature) {
    // AWS's JSON services include what they computed, which is what makes signing bugs debuggable.
    return Invalid(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for "
        "this request should have been\n'" + canonical + "'\n\nThe String-to-Sign should have been\n'" + to_sign +
        "'\n");
  }
  return std::nullopt;
}

}  // namespace sluice::mock_llm
