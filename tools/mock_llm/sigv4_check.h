// AWS Signature Version 4 checking for the mock's Bedrock routes (reference §5.6): parses the
// `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header, and — when the mock
// knows the secret — recomputes the signature the way AWS does (canonical request with the non-S3 double
// URI-encoding of the path, sorted canonical query, trimmed/collapsed canonical headers, hex SHA-256 of the
// body; string to sign; HMAC key chain) and answers AWS's 403s on mismatch.
// Thread rule: pure functions (OpenSSL's one-shot digests are thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::mock_llm {

// Request headers as received (name case as sent; repeats allowed).
using SigV4Headers = std::vector<std::pair<std::string_view, std::string_view>>;

struct SigV4Authorization {
  std::string access_key_id;
  std::string date;     // YYYYMMDD of the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // as listed (lower-case, ';'-separated on the wire)
  std::string signed_headers_raw;
  std::string signature;  // lower-case hex
};

// What AWS answers a request it refuses: HTTP status, x-amzn-ErrorType name, {"message"} text.
struct SigV4Failure {
  int status = 403;
  std::string type;
  std::string message;
};

struct SigV4Credentials {
  std::string access_key_id;  // empty = any key id is accepted
  std::string secret;
};

// Parses an AWS4-HMAC-SHA256 Authorization value; a failure names the missing part as AWS does
// (IncompleteSignatureException).
std::optional<SigV4Authorization> ParseSigV4Authorization(std::string_view value, SigV4Failure* failure = nullptr);

// Canonical URI of a wire path for non-S3 services: dot segments removed, then every segment URI-encoded
// again (RFC 3986 unreserved kept), so "%3A" on the wire becomes "%253A".
std::string SigV4CanonicalUri(std::string_view wire_path);
// Canonical query of a wire query string (without '?'): decoded, re-encoded, sorted by name then value.
std::string SigV4CanonicalQuery(std::string_view wire_query);
// The canonical request (six lines joined by '\n').
std::string SigV4CanonicalRequest(std::string_view method, std::string_view target, const SigV4Headers& headers,
                                  const std::vector<std::string>& signed_headers, std::string_view payload);
std::string SigV4StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);
// hex(HMAC(kSigning, string_to_sign)) with kSigning = HMAC chain over date, region, service, "aws4_request".
std::string SigV4Signature(std::string_view secret, std::string_view date, std::string_view region,
                           std::string_view service, std::string_view string_to_sign);

std::string HexSha256(std::string_view bytes);

// Checks a request that must carry SigV4 (or a Bedrock API key: `Authorization: Bearer …`, accepted
// without checking). Without credentials only the header's shape, x-amz-date, the scope's service and date
// and the signed-header list are checked; with credentials the signature is recomputed and compared.
// nullopt = accepted.
std::optional<SigV4Failure> CheckSigV4(std::string_view method, std::string_view target, const SigV4Headers& headers,
                                       std::string_view body, std::string_view service,
                                       const std::optional<SigV4Credentials>& credentials);

}  // namespace sluice::mock_llm
