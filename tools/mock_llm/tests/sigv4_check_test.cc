// SigV4 verification against AWS's published vectors (the SigV4 test suite's get-vanilla,
// get-vanilla-query-order-key-case and post-vanilla; the IAM ListUsers example of the signing docs) and a
// Bedrock request whose signature was computed independently with python3 hmac/hashlib, including the
// non-S3 double encoding of "%3A" in the model id. Then CheckSigV4's answers as AWS words them.
#include "mock_llm/sigv4_check.h"

#include <gtest/gtest.h>

namespace sluice::mock_llm {
namespace {

constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string Sign(std::string_view method, std::string_view target, const SigV4Headers& headers,
                 const std::vector<std::string>& signed_headers, std::string_view body, std::string_view date,
                 std::string_view scope_region, std::string_view service) {
  std::string canonical = SigV4CanonicalRequest(method, target, headers, signed_headers, body);
  std::string scope = std::string(date.substr(0, 8)) + "/" + std::string(scope_region) + "/" + std::string(service) +
                      "/aws4_request";
  return SigV4Signature(kSuiteSecret, date.substr(0, 8), scope_region, service,
                        SigV4StringToSign(date, scope, canonical));
}

TEST(SigV4, AwsTestSuiteVectors) {
  SigV4Headers h = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  EXPECT_EQ(Sign("GET", "/", h, {"host", "x-amz-date"}, "", "20150830T123600Z", "us-east-1", "service"),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");  // get-vanilla
  EXPECT_EQ(Sign("GET", "/?Param2=value2&Param1=value1", h, {"host", "x-amz-date"}, "", "20150830T123600Z",
                 "us-east-1", "service"),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");  // query order
  EXPECT_EQ(Sign("POST", "/", h, {"host", "x-amz-date"}, "", "20150830T123600Z", "us-east-1", "service"),
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");  // post-vanilla
}

TEST(SigV4, IamListUsersExample) {
  SigV4Headers h = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                    {"Host", "iam.amazonaws.com"},
                    {"X-Amz-Date", "20150830T123600Z"}};
  std::string canonical = SigV4CanonicalRequest("GET", "/?Action=ListUsers&Version=2010-05-08", h,
                                                {"content-type", "host", "x-amz-date"}, "");
  EXPECT_EQ(canonical,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; "
            "charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexSha256(canonical), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(Sign("GET", "/?Action=ListUsers&Version=2010-05-08", h, {"content-type", "host", "x-amz-date"}, "",
                 "20150830T123600Z", "us-east-1", "iam"),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4, CanonicalUriDoubleEncodesForNonS3) {
  EXPECT_EQ(SigV4CanonicalUri("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"),
            "/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse");
  EXPECT_EQ(SigV4CanonicalUri(""), "/");
  EXPECT_EQ(SigV4CanonicalUri("/a/./b/../c"), "/a/c");
  EXPECT_EQ(SigV4CanonicalUri("/a b~"), "/a%20b~");
  EXPECT_EQ(SigV4CanonicalQuery("b=2&a=x%2Fy&a=1&c"), "a=1&a=x%2Fy&b=2&c=");
}

// python3 hmac/hashlib over the canonical request of reference §5.6 with this body.
constexpr std::string_view kBody = R"({"messages":[{"role":"user","content":[{"text":"Hi"}]}]})";
constexpr std::string_view kPath = "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse";
constexpr std::string_view kBedrockSignature = "093821912619703eb940756c3d3ccc237e2f42792e45cf0a8879fc0ff8a2818a";

SigV4Headers BedrockHeaders(const std::string& authorization) {
  static std::string auth;
  auth = authorization;
  return {{"Host", "bedrock-runtime.us-east-1.amazonaws.com"},
          {"Content-Type", "application/json"},
          {"X-Amz-Date", "20250101T120000Z"},
          {"Authorization", auth}};
}

std::string Authorization(std::string_view key_id, std::string_view service, std::string_view signature,
                          std::string_view signed_headers = "content-type;host;x-amz-date") {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(key_id) + "/20250101/us-east-1/" + std::string(service) +
         "/aws4_request, SignedHeaders=" + std::string(signed_headers) + ", Signature=" + std::string(signature);
}

const std::optional<SigV4Credentials> kCreds = SigV4Credentials{"AKIDEXAMPLE", std::string(kSuiteSecret)};

TEST(SigV4, VerifiesAnIndependentlySignedBedrockRequest) {
  auto h = BedrockHeaders(Authorization("AKIDEXAMPLE", "bedrock", kBedrockSignature));
  EXPECT_EQ(CheckSigV4("POST", kPath, h, kBody, "bedrock", kCreds), std::nullopt);
  EXPECT_EQ(CheckSigV4("POST", kPath, h, kBody, "bedrock", std::nullopt), std::nullopt);
}

TEST(SigV4, RefusesAsAwsDoes) {
  auto check = [](const SigV4Headers& h, std::string_view body = kBody, std::string_view path = kPath) {
    return CheckSigV4("POST", path, h, body, "bedrock", kCreds);
  };
  auto good = BedrockHeaders(Authorization("AKIDEXAMPLE", "bedrock", kBedrockSignature));
  auto tampered = check(good, R"({"messages":[]})");
  ASSERT_TRUE(tampered);
  EXPECT_EQ(tampered->status, 403);
  EXPECT_EQ(tampered->type, "InvalidSignatureException");
  EXPECT_NE(tampered->message.find("The Canonical String for this request should have been"), std::string::npos);
  // The single-encoded path is a different canonical URI: the signature no longer matches.
  ASSERT_TRUE(check(good, kBody, "/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse"));

  auto unknown_key = check(BedrockHeaders(Authorization("AKIDOTHER", "bedrock", kBedrockSignature)));
  ASSERT_TRUE(unknown_key);
  EXPECT_EQ(unknown_key->type, "UnrecognizedClientException");
  EXPECT_EQ(unknown_key->message, "The security token included in the request is invalid.");

  auto service = check(BedrockHeaders(Authorization("AKIDEXAMPLE", "bedrock-runtime", kBedrockSignature)));
  ASSERT_TRUE(service);
  EXPECT_EQ(service->type, "InvalidSignatureException");
  EXPECT_EQ(service->message, "Credential should be scoped to correct service: 'bedrock'. ");

  auto no_host = check(BedrockHeaders(Authorization("AKIDEXAMPLE", "bedrock", kBedrockSignature, "content-type;x-amz-date")));
  ASSERT_TRUE(no_host);
  EXPECT_EQ(no_host->message, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

  SigV4Headers none = {{"Host", "h"}};
  auto missing = check(none);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->type, "MissingAuthenticationTokenException");
  EXPECT_EQ(missing->message, "Missing Authentication Token");

  // SigV4Headers holds views: the header value must outlive them.
  const std::string authorization = Authorization("AKIDEXAMPLE", "bedrock", kBedrockSignature);
  SigV4Headers no_date = {{"Host", "h"}, {"Authorization", authorization}};
  auto date = check(no_date);
  ASSERT_TRUE(date);
  EXPECT_EQ(date->type, "IncompleteSignatureException");

  SigV4Headers partial = {{"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request"},
                          {"X-Amz-Date", "20250101T120000Z"}};
  auto incomplete = check(partial);
  ASSERT_TRUE(incomplete);
  EXPECT_EQ(incomplete->type, "IncompleteSignatureException");
  EXPECT_EQ(incomplete->message,
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
            "parameter.");

  SigV4Headers bearer = {{"Authorization", "Bearer bedrock-api-key"}};
  EXPECT_EQ(check(bearer), std::nullopt);  // Bedrock API keys are accepted unchecked
}

}  // namespace
}  // namespace sluice::mock_llm
