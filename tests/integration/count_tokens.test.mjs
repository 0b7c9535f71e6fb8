// POST /v1/messages/count_tokens: answered locally (exact for OpenAI-tokenizer models, a marked estimate for
// others) or, when the route refuses estimates (its allow_token_estimate, else tokenizer.allow_estimate),
// counted by the route's first target's provider: Anthropic count_tokens, Gemini / Vertex countTokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startMock, startGateway, gatewayConfig } from './lib/harness.mjs';

const PROVIDER_KEY = 'sk-ant-count-secret-789';
const GEMINI_KEY = 'AIza-count-secret-456';
const VERTEX_TOKEN = 'ya29.count-secret-123';
const env = { SLUICE_VOCAB_DIR: join(process.env.SLUICE_SOURCE_DIR, 'data', 'vocab') };
let mock; let local; let strict;

function cfg(mockUrl, allowEstimate) {
  return gatewayConfig(mockUrl, {
    tokenizer: { allow_estimate: allowEstimate, models: { 'my-finetune-': { encoding: 'cl100k_base' } } },
    providers: {
      claude: { type: 'anthropic', base_url: mockUrl, api_key: PROVIDER_KEY },
      gem: { type: 'gemini', base_url: mockUrl, api_key: GEMINI_KEY },
      vtx: { type: 'vertex', base_url: mockUrl, api_key: VERTEX_TOKEN, project: 'proj-1', location: 'us-central1' },
    },
    models: {
      'claude-sonnet-4-5': { provider: 'claude', model: 'claude-upstream-name' },  // follows the global setting
      'claude-exact': { provider: 'claude', model: 'claude-upstream-exact', allow_token_estimate: false },
      'claude-*': { provider: 'claude', allow_token_estimate: false },  // pass-through: the client's name goes up
      'gemini-2.5-flash': { provider: 'gem', allow_token_estimate: false },
      'gem-alias': { provider: 'gem', model: 'gemini-2.5-pro', allow_token_estimate: false },
      'gemini-x-error-429': { provider: 'gem', allow_token_estimate: false },
      'vertex-flash': { provider: 'vtx', model: 'gemini-2.5-flash', allow_token_estimate: false },
      'gemini-loose': { provider: 'gem', allow_token_estimate: true },
      'llama-3-70b': { provider: 'mock', allow_token_estimate: false },
      'gpt-4o': { provider: 'mock', allow_token_estimate: false },
      'house-model': { provider: 'mock', model: 'gpt-4o', allow_token_estimate: false },  // an alias of gpt-4o
      'house-claude': { provider: 'claude', model: 'claude-sonnet-4-5' },
    },
  });
}

before(async () => {
  mock = await startMock();
  local = await startGateway(cfg(mock.url, true), { env });
  strict = await startGateway(cfg(mock.url, false), { env });
});
after(async () => { await local?.stop(); await strict?.stop(); await mock?.stop(); });

async function count(gw, body) {
  const r = await fetch(`${gw.url}/v1/messages/count_tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(body),
  });
  return { status: r.status, kind: r.headers.get('x-sluice-token-count'), body: await r.json() };
}

const messages = [{ role: 'user', content: 'hello world' }];

test('exact local count for a model with a public tokenizer', async () => {
  const r = await count(local, { model: 'gpt-4o', messages });
  assert.equal(r.status, 200);
  assert.equal(r.kind, 'exact');
  assert.equal(r.body.input_tokens, 9);  // "hello world" is 2 tokens plus the message framing
  const longer = await count(local, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hello world hello world' }] });
  assert.equal(longer.body.input_tokens, 11);
});

test('a config override picks the encoding', async () => {
  const r = await count(local, { model: 'my-finetune-7', messages });
  assert.equal(r.kind, 'exact');
  assert.ok(r.body.input_tokens > 0);
});

test('an estimate is marked as one and scaled by its family factor', async () => {
  const r = await count(local, { model: 'claude-sonnet-4-5', messages });
  assert.equal(r.status, 200);
  assert.equal(r.kind, 'estimate');
  assert.equal(r.body.input_tokens, 11);  // ceil(9 o200k tokens x 1.15, the Claude factor)
});

test("an alias is counted with its upstream model's tokenizer", async () => {
  for (const gw of [local, strict]) {
    const r = await count(gw, { model: 'house-model', messages });
    assert.equal(r.status, 200);
    assert.equal(r.kind, 'exact');  // gpt-4o upstream: exact, and never forwarded
    assert.equal(r.body.input_tokens, 9);
  }
  const claude = await count(local, { model: 'house-claude', messages });
  assert.equal(claude.kind, 'estimate');
  assert.equal(claude.body.input_tokens, 11);
});

test('without estimates, a Claude model served by an Anthropic provider is counted by the provider', async () => {
  const before = (await mock.stats()).count_tokens_requests ?? 0;
  const r = await count(strict, { model: 'claude-sonnet-4-5', messages, system: 'be brief' });
  assert.equal(r.status, 200);
  assert.equal(r.kind, 'provider');
  assert.equal(typeof r.body.input_tokens, 'number');
  assert.equal((await mock.stats()).count_tokens_requests, before + 1);
  const up = await mock.lastRequest();
  assert.equal(up.target, '/v1/messages/count_tokens');
  assert.equal(up.body.model, 'claude-upstream-name');
  assert.equal(up.body.system, 'be brief');
  assert.equal(up.headers['x-api-key'], PROVIDER_KEY);
});

test('without estimates, a model nobody can count exactly is a clear Anthropic-shaped 400', async () => {
  const r = await count(strict, { model: 'gemini-2.5-pro', messages });
  assert.equal(r.status, 400);
  assert.equal(r.body.type, 'error');
  assert.equal(r.body.error.type, 'invalid_request_error');
});

test('bad bodies get Anthropic-shaped errors', async () => {
  const r = await count(local, { model: 'gpt-4o' });
  assert.equal(r.status, 400);
  assert.equal(r.body.type, 'error');
  assert.match(r.body.error.message, /messages/);
  const raw = await fetch(`${local.url}/v1/messages/count_tokens`, { method: 'POST', body: '{nope' });
  assert.equal(raw.status, 400);
  assert.equal((await raw.json()).type, 'error');
});

// What the mock itself answers for a countTokens request: the number the gateway must pass on.
async function mockCount(up, auth) {
  const r = await fetch(`${mock.url}${up.target}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: up.body_raw });
  assert.equal(r.status, 200);
  return (await r.json()).totalTokens;
}

test('a route that refuses estimates is counted by its Anthropic provider, even when the global setting allows them', async () => {
  const r = await count(local, { model: 'claude-exact', messages });
  assert.equal(r.status, 200);
  assert.equal(r.kind, 'provider');
  const up = await mock.lastRequest();
  assert.equal(up.target, '/v1/messages/count_tokens');
  assert.equal(up.body.model, 'claude-upstream-exact');
  assert.equal(up.headers['x-api-key'], PROVIDER_KEY);
  assert.equal(r.body.input_tokens, (await (await fetch(`${mock.url}/v1/messages/count_tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' }, body: up.body_raw,
  })).json()).input_tokens);
  // The same gateway still estimates a route without the key.
  assert.equal((await count(local, { model: 'claude-sonnet-4-5', messages })).kind, 'estimate');
});

test('a pass-through ("*") route forwards the client\'s model name and the anthropic-beta header', async () => {
  const res = await fetch(`${local.url}/v1/messages/count_tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'token-counting-2024-11-01' },
    body: JSON.stringify({ model: 'claude-haiku-4-5', messages }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-sluice-token-count'), 'provider');
  const up = await mock.lastRequest();
  assert.equal(up.body.model, 'claude-haiku-4-5');
  assert.equal(up.headers['anthropic-beta'], 'token-counting-2024-11-01');
});

test('a Gemini route that refuses estimates is counted by Gemini countTokens', async () => {
  const before = (await mock.stats()).count_tokens_requests ?? 0;
  const tools = [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
  const r = await count(local, { model: 'gem-alias', system: 'be brief', messages, tools });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.kind, 'provider');
  assert.deepEqual(Object.keys(r.body), ['input_tokens']);
  assert.equal((await mock.stats()).count_tokens_requests, before + 1);
  const up = await mock.lastRequest();
  assert.equal(up.target, '/v1beta/models/gemini-2.5-pro:countTokens');
  assert.equal(up.headers['x-goog-api-key'], GEMINI_KEY);
  const inner = up.body.generateContentRequest;
  assert.deepEqual(Object.keys(up.body), ['generateContentRequest']);
  assert.equal(inner.model, 'models/gemini-2.5-pro');
  assert.deepEqual(inner.contents, [{ role: 'user', parts: [{ text: 'hello world' }] }]);
  assert.equal(inner.systemInstruction.parts[0].text, 'be brief');
  assert.equal(inner.tools[0].functionDeclarations[0].name, 'get_weather');
  assert.equal(inner.generationConfig, undefined);  // no max_tokens leaks into the count
  assert.equal(r.body.input_tokens, await mockCount(up, { 'x-goog-api-key': 'k' }));
  // The system prompt and tools are counted: the bare messages count less.
  const bare = await count(local, { model: 'gemini-2.5-flash', messages });
  assert.equal(bare.status, 200);
  assert.ok(bare.body.input_tokens < r.body.input_tokens, `${bare.body.input_tokens} < ${r.body.input_tokens}`);
  assert.equal((await mock.lastRequest()).target, '/v1beta/models/gemini-2.5-flash:countTokens');
});

test('a Vertex route is counted by its publisher countTokens with the Bearer token', async () => {
  const r = await count(local, { model: 'vertex-flash', messages: [{ role: 'user', content: 'hello there' }, { role: 'assistant', content: 'hi' }, { role: 'user', content: 'count me' }] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.kind, 'provider');
  const up = await mock.lastRequest();
  assert.equal(up.target, '/v1/projects/proj-1/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens');
  assert.equal(up.headers.authorization, `Bearer ${VERTEX_TOKEN}`);
  assert.deepEqual(up.body.contents.map((c) => c.role), ['user', 'model', 'user']);
  assert.equal(r.body.input_tokens, await mockCount(up, { authorization: 'Bearer t' }));
});

test('Gemini errors reach the client in Anthropic\'s shape with their status', async () => {
  const r = await count(local, { model: 'gemini-x-error-429', messages });
  assert.equal(r.status, 429);
  assert.equal(r.body.type, 'error');
  assert.equal(r.body.error.type, 'rate_limit_error');
  // A body the Messages decoder refuses never reaches Google.
  const before = (await mock.stats()).count_tokens_requests ?? 0;
  const bad = await count(local, { model: 'gemini-2.5-flash', messages: [{ role: 'robot', content: 'x' }] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.type, 'invalid_request_error');
  assert.equal((await mock.stats()).count_tokens_requests, before);
});

test('a route that allows estimates is estimated locally even when the global setting refuses them', async () => {
  const before = (await mock.stats()).count_tokens_requests ?? 0;
  const r = await count(strict, { model: 'gemini-loose', messages });
  assert.equal(r.status, 200);
  assert.equal(r.kind, 'estimate');
  assert.ok(r.body.input_tokens > 0);
  assert.equal((await mock.stats()).count_tokens_requests, before);
});

test('a route whose first target has no count endpoint is a 400 naming the route; exact models stay local', async () => {
  for (const gw of [local, strict]) {
    const r = await count(gw, { model: 'llama-3-70b', messages });
    assert.equal(r.status, 400);
    assert.equal(r.body.type, 'error');
    assert.equal(r.body.error.type, 'invalid_request_error');
    assert.match(r.body.error.message, /llama-3-70b/);
    assert.match(r.body.error.message, /allow_token_estimate/);
    assert.match(r.body.error.message, /openai_compatible/);
    const exact = await count(gw, { model: 'gpt-4o', messages });
    assert.equal(exact.status, 200);
    assert.equal(exact.kind, 'exact');
    assert.equal(exact.body.input_tokens, 9);
  }
});

test('no provider key in gateway output', () => {
  for (const gw of [local, strict]) {
    const out = gw.lines.join('\n') + gw.stderr.join('');
    for (const secret of [PROVIDER_KEY, GEMINI_KEY, VERTEX_TOKEN]) assert.ok(!out.includes(secret), secret);
  }
});
