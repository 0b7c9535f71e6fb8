// AWS Signature Version 4 header signing. Thread rule: pure functions.
#include "provider/aws_sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <utility>

namespace sluice::provider {
namespace aws_sigv4 {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX sequences decoded; anything else (including a stray '%' and '+') kept as is.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Trimmed, with every inner run of spaces/tabs collapsed to one space.
std::string HeaderValue(std::string_view v) {
  v = Trim(v);
  std::string out;
  out.reserve(v.size());
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string UriEncode(std::string_view s, bool encode_slash) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (Unreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 15]);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view wire_path, bool s3_path_rules) {
  if (wire_path.empty()) return "/";
  if (s3_path_rules) return std::string(wire_path);
  // RFC 3986 normalisation as botocore does it (posixpath.normpath, keeping a trailing slash).
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= wire_path.size()) {
    size_t end = wire_path.find('/', pos);
    if (end == std::string_view::npos) end = wire_path.size();
    std::string_view seg = wire_path.substr(pos, end - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    pos = end + 1;
  }
  std::string normalized;
  for (std::string_view seg : segments) normalized.append("/").append(seg);
  if (normalized.empty()) return "/";
  if (wire_path.back() == '/') normalized.push_back('/');
  return UriEncode(normalized, /*encode_slash=*/false);
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    std::string_view piece = query.substr(pos, end - pos);
    if (!piece.empty()) {
      size_t eq = piece.find('=');
      std::string_view name = piece.substr(0, eq);
      std::string_view value =
          eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
      params.emplace_back(UriEncode(PercentDecode(name)), UriEncode(PercentDecode(value)));
    }
    pos = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    out.push_back(kHexLower[c >> 4]);
    out.push_back(kHexLower[c & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  std::string k = "AWS4";
  k.append(secret);
  std::string k_date = HmacSha256(k, date);
  std::fill(k.begin(), k.end(), '\0');  // do not leave the secret in a freed buffer
  std::string k_region = HmacSha256(k_date, region);
  std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, "aws4_request");
}

}  // namespace aws_sigv4

SigV4Output SignV4(const SigV4Input& in, const AwsCredentials& credentials) {
  using namespace aws_sigv4;
  SigV4Output out;
  out.amz_date = AmzDate(in.now);
  std::string date = out.amz_date.substr(0, 8);
  std::string payload_hash = Sha256Hex(in.payload);

  out.headers.push_back({"x-amz-date", out.amz_date});
  if (!credentials.session_token.empty())
    out.headers.push_back({"x-amz-security-token", std::string(credentials.session_token)});
  if (in.sign_content_sha256) out.headers.push_back({"x-amz-content-sha256", payload_hash});

  // Canonical headers: lower-case names, sorted, repeated names joined with ','.
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(in.headers.size() + out.headers.size());
  for (const Header& h : in.headers) headers.emplace_back(Lower(h.name), HeaderValue(h.value));
  for (const Header& h : out.headers) headers.emplace_back(h.name, HeaderValue(h.value));
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string canonical_headers, signed_headers;
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i > 0 && headers[i].first == headers[i - 1].first) {
      canonical_headers.back() = ',';  // replace the previous line's '\n'
      canonical_headers.append(headers[i].second).push_back('\n');
      continue;
    }
    canonical_headers.append(headers[i].first)
        .append(":")
        .append(headers[i].second)
        .push_back('\n');
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers.append(headers[i].first);
  }

  out.canonical_request.reserve(256 + canonical_headers.size());
  out.canonical_request.append(in.method).push_back('\n');
  out.canonical_request.append(CanonicalUri(in.path, in.s3_path_rules)).push_back('\n');
  out.canonical_request.append(CanonicalQuery(in.query)).push_back('\n');
  out.canonical_request.append(canonical_headers).push_back('\n');
  out.canonical_request.append(signed_headers).push_back('\n');
  out.canonical_request.append(payload_hash);

  std::string scope = date;
  scope.append("/").append(in.region).append("/").append(in.service).append("/aws4_request");
  out.string_to_sign =
      "AWS4-HMAC-SHA256\n" + out.amz_date + "\n" + scope + "\n" + Sha256Hex(out.canonical_request);

  std::string key = SigningKey(credentials.secret_access_key, date, in.region, in.service);
  out.signature = Hex(HmacSha256(key, out.string_to_sign));
  out.authorization = "AWS4-HMAC-SHA256 Credential=";
  out.authorization.append(credentials.access_key_id).append("/").append(scope);
  out.authorization.append(", SignedHeaders=").append(signed_headers);
  out.authorization.append(", Signature=").append(out.signature);
  out.headers.push_back({"authorization", out.authorization});
  return out;
}

}  // namespace sluice::provider
