// Shared fixture of the Anthropic SDK conformance tests (anthropic_sdk*.test.mjs): the official
// `@anthropic-ai/sdk` talks to sluice's POST /v1/messages and /v1/messages/count_tokens, and every behaviour
// is checked twice —
//   (a) an Anthropic-type provider (mock_llm answering the Messages API): the gateway splices bytes, only
//       the model name changes on the way up, the answer and its event stream come back raw;
//   (b) an OpenAI-compatible provider (mock_llm answering chat completions): the gateway translates both ways.
// What the SDK parses, accumulates or raises is what an Anthropic application behind the gateway sees; the
// mock's /mock/last_request shows what the provider received. Tests of a file run one after another (the mock
// keeps one "last request"), so no test reads another's record; each file starts its own mock and gateways.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startMock, startGateway, gatewayConfig } from '../integration/lib/harness.mjs';

export const ANT_KEY = 'sk-ant-provider-secret-314';
export const OAI_KEY = 'sk-oai-provider-secret-271';
export const CLIENT_KEY = 'client-key-anthropic-xyz';
export const SDK_VERSION_HEADER = '2026-10-21';  // what @anthropic-ai/sdk 1.14 sends as anthropic-version

// Behaviours, as model-name segments the mock reads (docs/mock_llm.md). Each is configured for both modes.
export const BEHAVIOURS = {
  plain: '',
  tools: 'tools-2',
  tool1: 'tools-1',
  cached: 'cached-6',
  thinking: 'thinking',
  limited: 'error-429-retry-after-3',
  overloaded: 'error-529',
  unavailable: 'error-503',
  failing: 'error-500',
  miderror: 'error-after-5',  // (a) start, ping, block start, 2 deltas; (b) role chunk, 4 deltas
  cut: 'abort-after-3',
  slow: 'chunks-400-tps-40',  // 400 tokens at 40/s: ten seconds unless cancelled
};
export const MODES = [
  { key: 'a', label: '(a) Anthropic provider', spliced: true, upstreamBase: 'claude-mock', provider: 'claude' },
  { key: 'b', label: '(b) OpenAI provider', spliced: false, upstreamBase: 'mock', provider: 'oai' },
];
export const upstreamModel = (mode, behaviour) => (BEHAVIOURS[behaviour] ? `${mode.upstreamBase}-${BEHAVIOURS[behaviour]}` : mode.upstreamBase);
export const modelName = (mode, behaviour) => `${mode.key}-${behaviour}`;

function models() {
  const out = {};
  for (const mode of MODES) {
    for (const b of Object.keys(BEHAVIOURS)) {
      // Cache writes are only set through a header; the Anthropic cached model goes through a provider
      // that adds it (OpenAI has no cache-write count).
      const provider = mode.spliced && b === 'cached' ? 'claude_cache' : mode.provider;
      out[modelName(mode, b)] = { provider, model: upstreamModel(mode, b) };
    }
  }
  return out;
}

// Filled by useGateways(): mock, gw, strictGw, client, strictClient, and lastSent = { url, body, headers } of
// the SDK's latest request (to compare with what the mock got).
export const ctx = { lastSent: null };

function recordingFetch(url, init) {
  ctx.lastSent = { url: String(url), body: typeof init?.body === 'string' ? init.body : null, headers: new Headers(init?.headers) };
  return fetch(url, init);
}

// Registers the file's before/after hooks: one mock, a gateway and, with `strict`, a second gateway without
// token estimates (count_tokens for a model no public tokenizer knows then goes to its Anthropic provider).
export function useGateways({ strict = false } = {}) {
  before(async () => {
    const mock = await startMock();
    ctx.mock = mock;
    const providers = {
      claude: { type: 'anthropic', base_url: mock.url, api_key: ANT_KEY },
      claude_cache: { type: 'anthropic', base_url: mock.url, api_key: ANT_KEY, headers: { 'x-mock-cache-creation-tokens': '4' } },
      oai: { type: 'openai_compatible', base_url: mock.url, api_key: OAI_KEY },
    };
    ctx.gw = await startGateway(gatewayConfig(mock.url, { providers, models: models() }));
    if (strict) {
      ctx.strictGw = await startGateway(gatewayConfig(mock.url, { providers, models: models(), tokenizer: { allow_estimate: false } }));
    }
    const opts = { apiKey: CLIENT_KEY, maxRetries: 0, timeout: 15000, fetch: recordingFetch };
    ctx.client = new Anthropic({ ...opts, baseURL: ctx.gw.url });
    if (strict) ctx.strictClient = new Anthropic({ ...opts, baseURL: ctx.strictGw.url });
  });
  after(async () => {
    await ctx.gw?.stop();
    await ctx.strictGw?.stop();
    await ctx.mock?.stop();
  });
}

export const USER_TEXT = 'Hello there spliced world';
export const user = (text) => [{ role: 'user', content: text }];
export const TOOLS = [
  { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'get_time', description: 'Local time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } } },
];

// The mock's prompt estimate (docs/mock_llm.md): 3 + Σ over messages (3 + ⌈text bytes / 4⌉), the system
// prompt counted as one message. The same in both dialects, so a translated request must count the same.
export function promptEstimate(texts) {
  return 3 + texts.reduce((n, t) => n + 3 + Math.ceil(Buffer.byteLength(t) / 4), 0);
}
export const words = (text) => text.split(/\s+/).filter(Boolean).length;

export async function rejection(promise) {
  return promise.then(() => assert.fail('expected the call to fail'), (e) => e);
}

// What the provider must have received for the latest chat call of `behaviour`'s model, per mode.
export async function checkUpstreamRequest(mode, behaviour, { stream = false } = {}) {
  const up = await ctx.mock.lastRequest();
  assert.ok(!JSON.stringify(up).includes(CLIENT_KEY), 'the client key must never reach the provider');
  if (mode.spliced) {
    assert.equal(up.target, '/v1/messages');
    assert.equal(up.headers['x-api-key'], ANT_KEY);
    assert.equal(up.headers.authorization, undefined);
    assert.equal(up.headers['anthropic-version'], SDK_VERSION_HEADER, 'the client anthropic-version is forwarded');
    const sent = ctx.lastSent.body;
    const from = `"model":${JSON.stringify(modelName(mode, behaviour))}`;
    assert.ok(sent.includes(from));
    assert.equal(up.body_raw, sent.replace(from, `"model":${JSON.stringify(upstreamModel(mode, behaviour))}`),
      'the upstream body is the client bytes with only the model changed');
  } else {
    assert.equal(up.target, '/v1/chat/completions');
    assert.equal(up.headers.authorization, `Bearer ${OAI_KEY}`);
    assert.equal(up.headers['x-api-key'], undefined);
    assert.equal(up.headers['anthropic-version'], undefined, 'no Anthropic headers reach an OpenAI provider');
    assert.equal(up.body.model, upstreamModel(mode, behaviour));
    assert.ok(Array.isArray(up.body.messages) && up.body.messages.length > 0);
    if (stream) {
      assert.equal(up.body.stream, true);
      assert.deepEqual(up.body.stream_options, { include_usage: true });
    } else {
      assert.ok(up.body.stream === undefined || up.body.stream === false);
      assert.equal(up.body.stream_options, undefined);
    }
  }
  return up;
}
