// AWS Signature Version 4 (reference §5.6; AWS "Create a signed AWS API request"): the canonical
// request, the string to sign, the HMAC-SHA256 signing-key chain and the Authorization header, for
// header-based signing.
//
// Canonical URI: the path exactly as sent on the wire is normalised (empty, "." and ".." segments
// removed, a trailing "/" kept) and every segment URI-encoded again with the RFC 3986 unreserved
// set. For every service but S3 this deliberately double-encodes: Bedrock's wire path
// "/model/a.b-v1%3A0/converse" is signed as "/model/a.b-v1%253A0/converse" (botocore does the
// same). `s3_path_rules` turns both off (S3 signs the path as sent), for completeness. Canonical query: each name and value percent-decoded then
// re-encoded (space → %20, never '+'), sorted by name then value. Canonical headers: lower-cased
// names, values trimmed with inner runs of spaces collapsed, repeated names joined with ',',
// sorted.
//
// Secrets: the secret key only feeds the HMAC chain; no output of this file contains it (the
// canonical request can contain the session token when x-amz-security-token is signed, so it is for
// tests, not for logs).
// Thread rule: pure functions (OpenSSL's one-shot HMAC/EVP_Digest are thread-safe).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "provider/adapter.h"

namespace sluice::provider {

struct AwsCredentials {
  std::string_view access_key_id;
  std::string_view secret_access_key;
  std::string_view
      session_token;  // temporary credentials only; sent and signed as x-amz-security-token
};

struct SigV4Input {
  std::string_view method = "POST";
  std::string_view path =
      "/";  // as sent on the wire (already percent-encoded where the API requires it)
  std::string_view query;  // as sent, without '?'
  // The headers to sign, names in any case; must include host. x-amz-date is added by the signer.
  std::vector<Header> headers;
  std::string_view payload;
  std::string_view region;
  std::string_view service;
  std::chrono::system_clock::time_point now;
  bool sign_content_sha256 = false;  // also send and sign x-amz-content-sha256
  bool s3_path_rules = false;        // S3: no path normalisation, no second encoding
};

struct SigV4Output {
  std::string amz_date;  // YYYYMMDD'T'HHMMSS'Z'
  std::string
      canonical_request;  // for tests and debugging; may hold the session token (never log it)
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
  // Headers the request must carry besides the caller's: x-amz-date, x-amz-security-token (when a
  // session token is set), x-amz-content-sha256 (when asked), authorization — all lower-case names.
  std::vector<Header> headers;
};

SigV4Output SignV4(const SigV4Input& input, const AwsCredentials& credentials);

namespace aws_sigv4 {

// RFC 3986 percent-encoding as AWS specifies it: A–Z a–z 0–9 - _ . ~ kept, every other byte %XX
// (upper-case hex);
// '/' kept only when !encode_slash.
std::string UriEncode(std::string_view s, bool encode_slash = true);
std::string CanonicalUri(std::string_view wire_path, bool s3_path_rules = false);
std::string CanonicalQuery(std::string_view query);
std::string AmzDate(std::chrono::system_clock::time_point t);  // 20150830T123600Z
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string Hex(std::string_view bytes);                              // lower-case
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), raw
// bytes.
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);

}  // namespace aws_sigv4
}  // namespace sluice::provider
