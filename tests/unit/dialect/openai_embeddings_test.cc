// Fixture tests of the OpenAI Embeddings dialect (reference §1.7): request decoding and response
// encoding, with base64 checked byte for byte against hand-computed little-endian float32.
#include "dialect/openai_embeddings.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cmath>
#include <cstring>
#include <random>

namespace sluice::dialect {
namespace {

namespace json = boost::json;

TEST(DecodeOpenAiEmbeddings, StringAndArrayInputs) {
  auto r = DecodeOpenAiEmbeddingsRequest(
      R"({"model":"text-embedding-3-small","input":"hello","dimensions":256,
          "encoding_format":"base64","user":"u-1","extra_field":1})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->model, "text-embedding-3-small");
  EXPECT_EQ(r->inputs, std::vector<std::string>{"hello"});
  EXPECT_FALSE(r->input_was_array);
  EXPECT_EQ(r->dimensions, 256u);
  EXPECT_TRUE(r->base64);
  EXPECT_EQ(r->user, "u-1");

  r = DecodeOpenAiEmbeddingsRequest(R"({"model":"m","input":["a","b\u00e9"],"encoding_format":"float"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->inputs, (std::vector<std::string>{"a", "b\xC3\xA9"}));
  EXPECT_TRUE(r->input_was_array);
  EXPECT_FALSE(r->base64);
  EXPECT_FALSE(r->dimensions);
}

TEST(DecodeOpenAiEmbeddings, Errors) {
  struct Case {
    std::string body;
    const char* param;
    const char* says;
  };
  std::string too_many = R"({"model":"m","input":[)";
  for (int i = 0; i < 2049; ++i) too_many += i ? ",\"x\"" : "\"x\"";
  too_many += "]}";
  const Case cases[] = {
      {R"({"model":"m","input":[1,2,3]})", "input", "Token-id inputs"},
      {R"({"model":"m","input":[[1,2],[3]]})", "input", "Token-id inputs"},
      {R"({"model":"m","input":""})", "input", "empty strings"},
      {R"({"model":"m","input":["a",""]})", "input[1]", "empty strings"},
      {R"({"model":"m","input":[]})", "input", "empty array"},
      {R"({"model":"m","input":["a",{"t":1}]})", "input[1]", "expected a string"},
      {R"({"model":"m","input":7})", "input", "string or an array"},
      {R"({"model":"m"})", "input", "Missing required parameter"},
      {R"({"input":"x"})", "model", "model parameter"},
      {R"({"model":"m","input":"x","encoding_format":"int8"})", "encoding_format", "'base64'"},
      {R"({"model":"m","input":"x","dimensions":0})", "dimensions", "at least 1"},
      {R"({"model":"m","input":"x","dimensions":1.5})", "dimensions", "at least 1"},
      {R"({"model":"m","input":"x","user":5})", "user", "expected a string"},
      {too_many, "input", "maximum length 2048"},
      {R"({"model":"m",)", "", "could not parse"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 80));
    auto r = DecodeOpenAiEmbeddingsRequest(c.body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().Status(), 400);
    EXPECT_EQ(r.error().param, c.param);
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

TEST(EncodeOpenAiEmbeddings, FloatArrays) {
  ir::EmbeddingsResponse r;
  r.vectors = {{0.0023f, -0.0093f, 1.0f, 0.0f}, {0.1f, std::nanf(""), 3.4028235e38f, 1e-45f}};
  r.usage.input = 8;
  std::string body = EncodeOpenAiEmbeddingsResponse(r, false, "text-embedding-3-small");
  EXPECT_EQ(body,
            R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023,-0.0093,1,0]},)"
            R"({"object":"embedding","index":1,"embedding":[0.1,0,3.4028235e+38,1e-45]}],)"
            R"("model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}})");
  EXPECT_NO_THROW(json::parse(body));
}

TEST(EncodeOpenAiEmbeddings, FloatTextRoundTripsExactly) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  ir::EmbeddingsResponse r;
  r.model = "provider-model";
  r.vectors.emplace_back();
  for (int i = 0; i < 2000; ++i) r.vectors[0].push_back(dist(rng) * std::pow(10.0f, i % 7 - 3));
  json::value v = json::parse(EncodeOpenAiEmbeddingsResponse(r, false, "asked"));
  EXPECT_EQ(v.at("model"), "provider-model");
  const json::array& a = v.at("data").at(0).at("embedding").as_array();
  ASSERT_EQ(a.size(), r.vectors[0].size());
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_EQ(static_cast<float>(a[i].to_number<double>()), r.vectors[0][i]) << i;
}

TEST(EncodeOpenAiEmbeddings, Base64IsLittleEndianFloat32) {
  // 1.0f = 0x3F800000 → bytes 00 00 80 3F; -2.0f = 0xC0000000 → 00 00 00 C0;
  // 0.5f = 0x3F000000 → 00 00 00 3F. Base64 of 00 00 80 3F 00 00 00 C0 00 00 00 3F.
  ir::EmbeddingsResponse r;
  r.vectors = {{1.0f, -2.0f, 0.5f}, {1.0f}, {1.0f, -2.0f}, {}};
  r.usage.input = 3;
  json::value v = json::parse(EncodeOpenAiEmbeddingsResponse(r, true, "m"));
  EXPECT_EQ(v.at("data").at(0).at("embedding"), "AACAPwAAAMAAAAA/");
  EXPECT_EQ(v.at("data").at(1).at("embedding"), "AACAPw==");  // 4 bytes: two pad chars
  EXPECT_EQ(v.at("data").at(2).at("embedding"), "AACAPwAAAMA=");  // 8 bytes: one pad char
  EXPECT_EQ(v.at("data").at(3).at("embedding"), "");
  EXPECT_EQ(v.at("data").at(2).at("index"), 2);
  EXPECT_EQ(v.at("usage"), json::parse(R"({"prompt_tokens":3,"total_tokens":3})"));
}

// Decodes standard base64 (test helper) to check arbitrary vectors bit for bit.
std::string Unbase64(std::string_view s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int d = val(c);
    if (d < 0) break;
    acc = acc << 6 | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

TEST(EncodeOpenAiEmbeddings, Base64RoundTripsArbitraryVectors) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  for (size_t n : {1u, 2u, 3u, 5u, 1536u}) {
    std::vector<float> vec;
    for (size_t i = 0; i < n; ++i) vec.push_back(dist(rng));
    std::string b64;
    AppendBase64Floats(b64, vec);
    EXPECT_EQ(b64.size(), (n * 4 + 2) / 3 * 4);
    std::string bytes = Unbase64(b64);
    ASSERT_EQ(bytes.size(), n * 4);
    for (size_t i = 0; i < n; ++i) {
      uint32_t bits = 0;
      for (int b = 0; b < 4; ++b)
        bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i * 4 + b])) << (8 * b);
      float f;
      std::memcpy(&f, &bits, 4);
      ASSERT_EQ(f, vec[i]) << n << " " << i;
    }
  }
}

}  // namespace
}  // namespace sluice::dialect
