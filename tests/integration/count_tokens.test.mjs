// POST /v1/messages/count_tokens: answered locally (exact for OpenAI-tokenizer models, a marked estimate for
// others) or, with tokenizer.allow_estimate false, forwarded to the Anthropic provider that serves the model.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startMock, startGateway, gatewayConfig } from './lib/harness.mjs';

const PROVIDER_KEY = 'sk-ant-count-secret-789';
const env = { SLUICE_VOCAB_DIR: join(process.env.SLUICE_SOURCE_DIR, 'data', 'vocab') };
let mock; let local; let strict;

function cfg(mockUrl, allowEstimate) {
  return gatewayConfig(mockUrl, {
    tokenizer: { allow_estimate: allowEstimate, models: { 'my-finetune-': { encoding: 'cl100k_base' } } },
    providers: { claude: { type: 'anthropic', base_url: mockUrl, api_key: PROVIDER_KEY } },
    models: { 'claude-sonnet-4-5': { provider: 'claude', model: 'claude-upstream-name' } },
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

test('an estimate is marked as one', async () => {
  const r = await count(local, { model: 'claude-sonnet-4-5', messages });
  assert.equal(r.status, 200);
  assert.equal(r.kind, 'estimate');
  assert.ok(r.body.input_tokens > 0);
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

test('no provider key in gateway output', () => {
  for (const gw of [local, strict]) assert.ok(!(gw.lines.join('\n') + gw.stderr.join('')).includes(PROVIDER_KEY));
});
