// Route parameter policies applied to the IR (translation) and to a spliced body (same dialect).
#include "server/param_policy.h"

#include <gtest/gtest.h>

namespace sluice::server {
namespace {

using config::Param;

config::ParamPolicy Policy() {
  config::ParamPolicy p;
  p[Param::kTemperature].min = 0.0;
  p[Param::kTemperature].max = 1.0;       // clamp
  p[Param::kTopP].default_value = 0.9;    // default when absent
  p[Param::kMaxTokens].override_value = 256;  // always
  return p;
}

TEST(ParamPolicy, SplicedOpenAiBodyEditsOnlyPolicedMembers) {
  std::string body = R"({"model":"m","temperature":1.7,"messages":[{"role":"user","content":"temperature 5"}],"max_completion_tokens":4000})";
  ASSERT_TRUE(ApplyParamPolicyToBody(Policy(), ClientApi::kOpenAiChat, body));
  EXPECT_EQ(body,
            R"({"top_p":0.9,"model":"m","temperature":1,"messages":[{"role":"user","content":"temperature 5"}],"max_completion_tokens":256})");
}

TEST(ParamPolicy, AnthropicBodyGetsNoPenalties) {
  config::ParamPolicy p;
  p[Param::kPresencePenalty].default_value = 0.5;
  p[Param::kTemperature].override_value = 0.2;
  std::string body = R"({"model":"m","max_tokens":10,"messages":[]})";
  ASSERT_TRUE(ApplyParamPolicyToBody(p, ClientApi::kAnthropicMessages, body));
  EXPECT_EQ(body, R"({"temperature":0.2,"model":"m","max_tokens":10,"messages":[]})");
}

TEST(ParamPolicy, EmptyPolicyLeavesBytesAlone) {
  std::string body = R"({ "model" : "m", "temperature": 2.0 })";
  std::string before = body;
  ASSERT_TRUE(ApplyParamPolicyToBody(config::ParamPolicy{}, ClientApi::kOpenAiChat, body));
  EXPECT_EQ(body, before);
  std::string not_json = "[1]";
  EXPECT_FALSE(ApplyParamPolicyToBody(Policy(), ClientApi::kOpenAiChat, not_json));
}

TEST(ParamPolicy, IrStartsFromTheClientValuesEveryAttempt) {
  ir::ChatRequest req;
  req.temperature = 1.5;
  req.max_tokens = 9000;
  ClientParams original = ClientParams::Of(req);
  ApplyParamPolicy(Policy(), original, req);
  EXPECT_EQ(req.temperature, 1.0);
  EXPECT_EQ(req.top_p, 0.9);
  EXPECT_EQ(req.max_tokens, 256u);
  // A second target without a policy sees the client's own values again.
  ApplyParamPolicy(config::ParamPolicy{}, original, req);
  EXPECT_EQ(req.temperature, 1.5);
  EXPECT_FALSE(req.top_p.has_value());
  EXPECT_EQ(req.max_tokens, 9000u);
}

TEST(ParamPolicy, PenaltiesArePolicedInOpenAiExtras) {
  config::ParamPolicy p;
  p[Param::kFrequencyPenalty].max = 0.5;
  p[Param::kPresencePenalty].default_value = 0.1;
  ir::ChatRequest req;
  req.source = ir::Dialect::kOpenAiChat;
  req.extra.push_back({"frequency_penalty", "1.5"});
  ApplyParamPolicy(p, ClientParams::Of(req), req);
  ASSERT_EQ(req.extra.size(), 2u);
  EXPECT_EQ(req.extra[0].json, "0.5");
  EXPECT_EQ(req.extra[1].name, "presence_penalty");
  EXPECT_EQ(req.extra[1].json, "0.1");
}

}  // namespace
}  // namespace sluice::server

namespace sluice::server {
namespace {

TEST(DropUnsupportedParam, DropsSamplingParametersNeverContent) {
  ir::ChatRequest req;
  req.n = 3;
  req.stop = {"a", "b", "c", "d", "e", "f"};
  req.seed = 7;
  req.response_format.kind = ir::ResponseFormatKind::kJsonSchema;
  EXPECT_TRUE(DropUnsupportedParam("n", req));
  EXPECT_EQ(req.n, 1u);
  EXPECT_TRUE(DropUnsupportedParam("stop", req));
  EXPECT_TRUE(req.stop.empty());
  EXPECT_TRUE(DropUnsupportedParam("seed", req));
  EXPECT_TRUE(DropUnsupportedParam("response_format.json_schema", req));
  EXPECT_FALSE(DropUnsupportedParam("n", req)) << "already dropped: nothing left to try";
  EXPECT_FALSE(DropUnsupportedParam("messages[0].content[1]", req));
  EXPECT_FALSE(DropUnsupportedParam("", req));
}

}  // namespace
}  // namespace sluice::server
