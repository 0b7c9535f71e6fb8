// SigV4 against AWS's published vectors (the IAM ListUsers walk-through of "Create a signed AWS API
// request", the 2011 POST example, and cases of the aws-sig-v4-test-suite), plus a Bedrock request
// computed independently with openssl, and the canonicalisation rules.
#include "provider/aws_sigv4.h"

#include <gtest/gtest.h>

namespace sluice::provider {
namespace {

using namespace std::chrono;
using namespace aws_sigv4;

constexpr std::string_view kAkid = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kEmptySha =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

system_clock::time_point At(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s);
}

TEST(AwsSigV4, IamListUsersDocumentedExample) {
  SigV4Input in;
  in.method = "GET";
  in.path = "/";
  in.query = "Action=ListUsers&Version=2010-05-08";
  in.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                {"Host", "iam.amazonaws.com"}};
  in.region = "us-east-1";
  in.service = "iam";
  in.now = At(2015, 8, 30, 12, 36, 0);
  SigV4Output out = SignV4(in, {kAkid, kSecret, {}});
  EXPECT_EQ(out.amz_date, "20150830T123600Z");
  EXPECT_EQ(
      out.canonical_request,
      "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
      "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\n"
      "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" +
          std::string(kEmptySha));
  EXPECT_EQ(Sha256Hex(out.canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(out.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(Hex(SigningKey(kSecret, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(out.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  EXPECT_EQ(out.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  ASSERT_EQ(out.headers.size(), 2u);
  EXPECT_EQ(out.headers[0], (Header{"x-amz-date", "20150830T123600Z"}));
  EXPECT_EQ(out.headers[1], (Header{"authorization", out.authorization}));
}

TEST(AwsSigV4, IamPostDocumentedExample2011) {
  SigV4Input in;
  in.method = "POST";
  in.path = "/";
  in.headers = {{"host", "iam.amazonaws.com"},
                {"Content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  in.payload = "Action=ListUsers&Version=2010-05-08";
  in.region = "us-east-1";
  in.service = "iam";
  in.now = At(2011, 9, 9, 23, 36, 0);
  EXPECT_EQ(SignV4(in, {kAkid, kSecret, {}}).signature,
            "ced6826de92d2bdeed8f846f0bf508e8559e98e4b0199114b84c54174deb456c");
}

// aws-sig-v4-test-suite: host example.amazonaws.com, service "service", 20150830T123600Z.
std::string Suite(std::string_view path, std::string_view query) {
  SigV4Input in;
  in.method = "GET";
  in.path = path;
  in.query = query;
  in.headers = {{"Host", "example.amazonaws.com"}};
  in.region = "us-east-1";
  in.service = "service";
  in.now = At(2015, 8, 30, 12, 36, 0);
  return SignV4(in, {kAkid, kSecret, {}}).signature;
}

TEST(AwsSigV4, TestSuiteVectors) {
  EXPECT_EQ(Suite("/", ""),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");  // get-vanilla
  // get-vanilla-query-order-key-case: sent as Param2…&Param1…, signed sorted.
  EXPECT_EQ(Suite("/", "Param2=value2&Param1=value1"),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
  EXPECT_EQ(Suite("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", ""),
            "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");  // get-unreserved
  EXPECT_EQ(Suite("/\xE1\x88\xB4", ""),  // get-utf8: the raw path "/ሴ" signs as /%E1%88%B4
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
}

// Computed independently while writing this test (openssl 3, bash); with a session token, the line
// "x-amz-security-token:$TOKEN" follows x-amz-date and ";x-amz-security-token" ends the list:
// clang-format off
//   SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
//   BODY='{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}'
//   PH=$(printf '%s' "$BODY" | openssl dgst -sha256 -hex | sed 's/^.* //')
//   URI='/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse'
//   HDRS='content-type:application/json\nhost:bedrock-runtime.us-east-1.amazonaws.com\nx-amz-date:20250101T120000Z\n'
//   CR=$(printf 'POST\n%s\n\n%b\ncontent-type;host;x-amz-date\n%s' "$URI" "$HDRS" "$PH")
//   CRH=$(printf '%s' "$CR" | openssl dgst -sha256 -hex | sed 's/^.* //')
//   STS=$(printf 'AWS4-HMAC-SHA256\n20250101T120000Z\n20250101/us-east-1/bedrock/aws4_request\n%s' "$CRH")
//   hm() { openssl dgst -sha256 -mac HMAC -macopt "$1" | sed 's/^.* //'; }
//   K1=$(printf 20250101 | hm "key:AWS4$SECRET"); K2=$(printf us-east-1 | hm "hexkey:$K1")
//   K3=$(printf bedrock | hm "hexkey:$K2"); K4=$(printf aws4_request | hm "hexkey:$K3")
//   printf '%s' "$STS" | hm "hexkey:$K4"
// clang-format on
// (The same commands reproduce the IAM example's 5d672d79… signature above.)
constexpr std::string_view kBedrockBody =
    R"({"messages":[{"role":"user","content":[{"text":"Hello"}]}]})";
constexpr std::string_view kBedrockSignature =
    "b6413acbd86030453e2c73a069757e87c1545c24e476bcf10f771bb978fda77e";
constexpr std::string_view kBedrockTokenSignature =
    "ffafdc46b1d8935c002efb1dfa99eeee09e345783d05eadfb63905fb688ac2f7";
constexpr std::string_view kToken = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMQ==";

SigV4Input BedrockInput() {
  SigV4Input in;
  in.path = "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse";
  in.headers = {{"content-type", "application/json"},
                {"host", "bedrock-runtime.us-east-1.amazonaws.com"}};
  in.payload = kBedrockBody;
  in.region = "us-east-1";
  in.service = "bedrock";
  in.now = At(2025, 1, 1, 12, 0, 0);
  return in;
}

TEST(AwsSigV4, BedrockConverseDoubleEncodesThePath) {
  SigV4Output out = SignV4(BedrockInput(), {kAkid, kSecret, {}});
  EXPECT_NE(out.canonical_request.find(
                "\n/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse\n"),
            std::string::npos);
  EXPECT_EQ(Sha256Hex(kBedrockBody),
            "7421da8d1a0949a481724fee62d5886aacde03836bf58248adb73e8b61ac0d54");
  EXPECT_EQ(Sha256Hex(out.canonical_request),
            "5ceabaee1778122f02e38aa2252219d8f76bb531263e2bada838d827b35d78b9");
  EXPECT_EQ(out.signature, kBedrockSignature);
}

TEST(AwsSigV4, SessionTokenIsSentAndSigned) {
  SigV4Output out = SignV4(BedrockInput(), {kAkid, kSecret, kToken});
  EXPECT_EQ(out.signature, kBedrockTokenSignature);
  EXPECT_NE(
      out.authorization.find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"),
      std::string::npos);
  ASSERT_EQ(out.headers.size(), 3u);
  EXPECT_EQ(out.headers[1], (Header{"x-amz-security-token", std::string(kToken)}));
  for (const Header& h : out.headers) EXPECT_EQ(h.value.find(kSecret), std::string::npos);
  EXPECT_EQ(out.canonical_request.find(kSecret), std::string::npos);
  EXPECT_EQ(out.string_to_sign.find(kSecret), std::string::npos);
}

TEST(AwsSigV4, ContentSha256HeaderIsOptional) {
  SigV4Input in = BedrockInput();
  in.sign_content_sha256 = true;
  SigV4Output out = SignV4(in, {kAkid, kSecret, {}});
  EXPECT_EQ(out.headers[1],
            (Header{"x-amz-content-sha256",
                    "7421da8d1a0949a481724fee62d5886aacde03836bf58248adb73e8b61ac0d54"}));
  EXPECT_NE(
      out.authorization.find("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,"),
      std::string::npos);
  EXPECT_NE(out.signature, kBedrockSignature);
}

TEST(AwsSigV4, CanonicalUriRules) {
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(CanonicalUri("/"), "/");
  EXPECT_EQ(CanonicalUri("/model/a%3Ab/converse"), "/model/a%253Ab/converse");
  EXPECT_EQ(
      CanonicalUri(
          "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse"),
      "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A1%253Ainference-profile%252Fus.x/converse");
  EXPECT_EQ(CanonicalUri("/example space/"), "/example%20space/");
  EXPECT_EQ(CanonicalUri("/a/./b/../c//d/"), "/a/c/d/");
  EXPECT_EQ(CanonicalUri("/.."), "/");
  EXPECT_EQ(CanonicalUri("/a%3Ab", /*s3_path_rules=*/true), "/a%3Ab");
}

TEST(AwsSigV4, CanonicalQueryAndEncoding) {
  EXPECT_EQ(CanonicalQuery(""), "");
  EXPECT_EQ(CanonicalQuery("b=2&a=1&a=0"), "a=0&a=1&b=2");
  EXPECT_EQ(CanonicalQuery("Param1=value1&param1=value2"),
            "Param1=value1&param1=value2");  // byte order
  EXPECT_EQ(CanonicalQuery("flag&x=a b"), "flag=&x=a%20b");
  EXPECT_EQ(CanonicalQuery("x=a%20b&y=%2f"),
            "x=a%20b&y=%2F");  // decoded then re-encoded canonically
  EXPECT_EQ(UriEncode("a/b c+~", true), "a%2Fb%20c%2B~");
  EXPECT_EQ(UriEncode("a/b", false), "a/b");
}

TEST(AwsSigV4, HeadersAreTrimmedCollapsedAndRepeatedNamesJoined) {
  SigV4Input in;
  in.method = "GET";
  in.headers = {
      {"Host", "example.amazonaws.com"}, {"My-Header1", "  a   b   c  "}, {"my-header1", "d"}};
  in.region = "us-east-1";
  in.service = "service";
  in.now = At(2015, 8, 30, 12, 36, 0);
  SigV4Output out = SignV4(in, {kAkid, kSecret, {}});
  EXPECT_NE(out.canonical_request.find("\nmy-header1:a b c,d\n"), std::string::npos)
      << out.canonical_request;
  EXPECT_NE(out.canonical_request.find("\nhost;my-header1;x-amz-date\n"), std::string::npos);
}

TEST(AwsSigV4, AmzDateIsUtc) {
  EXPECT_EQ(AmzDate(At(1999, 12, 31, 23, 59, 59) + milliseconds(999)), "19991231T235959Z");
  EXPECT_EQ(AmzDate(system_clock::time_point{}), "19700101T000000Z");
}

}  // namespace
}  // namespace sluice::provider
