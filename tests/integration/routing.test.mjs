// Routing through real processes (issue 4): fallback on every retryable failure class, no fallback once a
// byte reached the client, non-retryable 4xx answered at once, Retry-After honoured (short) or handed to
// the client (long), rules routes, access lists and parameter policies. Two mock_llm instances act as
// distinct providers ("a" fails as asked, "b" is the healthy backup) so every upstream request is counted
// where it lands. Strategies, breaker and retry budget: routing_strategies.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startMock, startGateway, waitFor } from './lib/harness.mjs';
import { post, stream } from './lib/proxy_client.mjs';
import { startScriptedUpstream } from './lib/scripted_upstream.mjs';

const KEY = 'sk-provider-secret-123';
let mockA; let mockB; let scripted; let gw;

async function closedPort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

const oai = (url, extra = {}) => ({ type: 'openai_compatible', base_url: url, api_key: KEY, ...extra });
const anth = (url) => ({ type: 'anthropic', base_url: url, api_key: 'mock-key' });
// A primary that fails as told, then the healthy backup on the other mock. `priority` keeps the order fixed.
const fallbackRoute = (provider, model, backup = 'b', backupModel = 'mock-backup') => ({
  strategy: 'priority',
  targets: [{ provider, model, priority: 0 }, { provider: backup, model: backupModel, priority: 1 }],
});

before(async () => {
  [mockA, mockB, scripted] = await Promise.all([startMock(), startMock(), startScriptedUpstream()]);
  const dead = await closedPort();
  gw = await startGateway({
    server: { listen: '127.0.0.1:0', workers: 1, timeouts: { drain: '2s' } },
    admin: { listen: '127.0.0.1:0' },
    providers: {
      a: oai(mockA.url),
      b: oai(mockB.url),
      refused: oai(`http://127.0.0.1:${dead}`),
      slow: oai(mockA.url, { timeouts: { first_byte: '300ms' } }),
      anth_a: anth(mockA.url),
      anth_b: anth(mockB.url),
      scripted: oai(scripted.url),
    },
    models: {
      'fb-connect': fallbackRoute('refused', 'mock-x'),
      'fb-timeout': fallbackRoute('slow', 'mock-hang-headers'),
      // The route's per-attempt timeout (not the provider's) cuts a slow first target short.
      'fb-attempt-timeout': { ...fallbackRoute('a', 'mock-delay-3000ms'), retry: { attempt_timeout: '300ms' } },
      'fb-429': fallbackRoute('a', 'mock-error-429'),
      'fb-500': fallbackRoute('a', 'mock-error-500'),
      'fb-503': fallbackRoute('a', 'mock-error-503'),
      'fb-529': fallbackRoute('anth_a', 'claude-mock-error-529', 'anth_b', 'claude-backup'),
      'fb-stream-first': fallbackRoute('a', 'mock-error-after-0'),
      'fb-400': fallbackRoute('a', 'mock-error-400'),
      'fb-midstream': fallbackRoute('a', 'mock-chunks-6-error-after-3'),
      // Route-level fallback: another route's targets are tried after this route's own.
      chain: { provider: 'a', model: 'mock-error-503', fallbacks: ['chain-backup'] },
      'chain-backup': { provider: 'b', model: 'mock-chain-backup' },
      'ra-short': { provider: 'scripted', model: 'scripted-model' },
      'ra-short-mock': { provider: 'a', model: 'mock-error-429-retry-after-1', retry: { max_attempts: 2 } },
      'ra-long': { provider: 'a', model: 'mock-error-429-retry-after-30' },
      smart: {
        strategy: 'rules',
        targets: [
          { name: 'default', provider: 'a', model: 'mock-default', priority: 0 },
          { name: 'translator', provider: 'b', model: 'mock-translator', priority: 1 },
          { name: 'premium', provider: 'b', model: 'mock-premium', priority: 2 },
          { name: 'research', provider: 'b', model: 'mock-research', priority: 3 },
          { name: 'gold', provider: 'b', model: 'mock-gold', priority: 4 },
        ],
        rules: [
          { name: 'premium', when: { header: { 'X-Tier': 'premium' } }, target: 'premium' },
          { name: 'research', when: { team: { prefix: 'research-' } }, target: 'research' },
          { name: 'gold', when: { metadata: { tier: 'gold' } }, target: 'gold' },
          { name: 'translation', when: { prompt: { contains: ['translate', 'traduire'] } }, targets: ['translator', 'default'] },
        ],
      },
      restricted: { provider: 'b', model: 'mock-restricted', allow: { consumers: ['ci-bot'], teams: ['research-nlp'] } },
      tuned: {
        provider: 'b', model: 'mock-tuned',
        params: { defaults: { temperature: 0.7, max_tokens: 1024 }, clamp: { temperature: [0, 1.2] }, override: { top_p: 1 } },
      },
    },
  });
});

after(async () => {
  await gw?.stop();
  await Promise.all([mockA?.stop(), mockB?.stop(), scripted?.stop()]);
});

const CHAT = () => `${gw.url}/v1/chat/completions`;
const chat = (model, extra = {}) => ({ model, messages: [{ role: 'user', content: 'Hello there world' }], ...extra });
const stats = async () => ({ a: await mockA.stats(), b: await mockB.stats() });
const delta = (before, after, key) => ({ a: after.a[key] - before.a[key], b: after.b[key] - before.b[key] });
// The access log is flushed on a 250 ms timer: wait for the newest line of `route`. `attempts` and
// `give_up` are only written when they say something (attempts > 1, a give-up reason).
const logOf = (route, n = 1) => waitFor(() => {
  const lines = gw.accessLog().filter((l) => l.model === route);
  return lines.length >= n && lines.at(-1);
});

function assertServedByBackup(r, route, provider = 'b') {
  assert.equal(r.status, 200, r.text ?? '');
  assert.equal(r.headers.get('x-sluice-attempts'), '2', 'one failed attempt, then the backup');
  assert.equal(r.headers.get('x-sluice-provider'), provider);
  assert.equal(r.headers.get('x-sluice-route'), route);
}

for (const [route, what] of [['fb-429', '429'], ['fb-500', '500'], ['fb-503', '503']]) {
  test(`fallback: ${what} from the first target → the second serves it`, async () => {
    const s0 = await stats();
    const r = await post(CHAT(), chat(route));
    assertServedByBackup(r, route);
    assert.equal(r.headers.get('x-sluice-model'), 'mock-backup');
    assert.equal(r.json.object, 'chat.completion');
    const d = delta(s0, await stats(), 'chat_requests');
    assert.deepEqual(d, { a: 1, b: 1 });
    assert.equal((await mockB.lastRequest()).body.model, 'mock-backup', 'the backup gets its own upstream model');
    const log = await logOf(route);
    assert.equal(log.attempts, 2);
    assert.equal(log.status, 200);
    assert.equal(log.provider, 'b');
  });
}

test('fallback: connection refused → the second target serves it', async () => {
  const s0 = await stats();
  const r = await post(CHAT(), chat('fb-connect'));
  assertServedByBackup(r, 'fb-connect');
  assert.deepEqual(delta(s0, await stats(), 'chat_requests'), { a: 0, b: 1 });
});

test('fallback: first-byte timeout on a hanging target → the second serves it', async () => {
  const s0 = await stats();
  const t0 = performance.now();
  const r = await post(CHAT(), chat('fb-timeout'));
  assertServedByBackup(r, 'fb-timeout');
  assert.ok(performance.now() - t0 >= 290, 'the hanging target was given its first-byte deadline');
  assert.deepEqual(delta(s0, await stats(), 'chat_requests'), { a: 1, b: 1 });
  // The gateway gave up on the hanging exchange (closed it), the mock saw its client leave.
  await waitFor(async () => (await mockA.stats()).client_disconnects > s0.a.client_disconnects);
});

test('fallback: routing attempt_timeout on a slow target → the second serves it', async () => {
  const s0 = await stats();
  const t0 = performance.now();
  const r = await post(CHAT(), chat('fb-attempt-timeout'));
  const elapsed = performance.now() - t0;
  assertServedByBackup(r, 'fb-attempt-timeout');
  assert.ok(elapsed >= 290, `the first attempt got its 300 ms (${elapsed.toFixed(0)} ms)`);
  assert.ok(elapsed < 2500, `the 3 s answer was not waited for (${elapsed.toFixed(0)} ms)`);
  assert.deepEqual(delta(s0, await stats(), 'chat_requests'), { a: 1, b: 1 });
});

test('fallback: Anthropic 529 overloaded → the second target serves it (Messages API client)', async () => {
  const s0 = await stats();
  const res = await fetch(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'fb-529', max_tokens: 32, messages: [{ role: 'user', content: 'Hello' }] }),
  });
  const body = await res.json();
  assertServedByBackup({ status: res.status, headers: res.headers, text: JSON.stringify(body) }, 'fb-529', 'anth_b');
  assert.equal(body.type, 'message');
  const d = delta(s0, await stats(), 'messages_requests');
  assert.deepEqual(d, { a: 1, b: 1 });
  assert.equal((await mockB.lastRequest()).body.model, 'claude-backup');
});

test('fallback: a stream whose first event is an error → the second target streams it', async () => {
  const s0 = await stats();
  const s = await stream(CHAT(), chat('fb-stream-first', { stream: true }));
  assertServedByBackup(s, 'fb-stream-first');
  assert.equal(s.readError, null);
  assert.ok(!s.events.some((e) => e.json?.error), `no error event may reach the client: ${s.raw}`);
  assert.equal(s.events.at(-1).data, '[DONE]');
  assert.ok(s.events.some((e) => e.json?.choices?.[0]?.delta?.content), 'content from the backup');
  const d = delta(s0, await stats(), 'chat_requests');
  assert.deepEqual(d, { a: 1, b: 1 });
});

test('fallback route: `fallbacks:` names another route whose target serves it', async () => {
  const s0 = await stats();
  const r = await post(CHAT(), chat('chain'));
  assertServedByBackup(r, 'chain');
  assert.equal(r.headers.get('x-sluice-model'), 'mock-chain-backup');
  assert.deepEqual(delta(s0, await stats(), 'chat_requests'), { a: 1, b: 1 });
});

test('no fallback: a non-retryable 400 is answered at once with the upstream error', async () => {
  const s0 = await stats();
  const r = await post(CHAT(), chat('fb-400'));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.type, 'invalid_request_error');
  assert.equal(r.headers.get('x-sluice-attempts'), '1');
  assert.equal(r.headers.get('x-sluice-provider'), 'a');
  assert.deepEqual(delta(s0, await stats(), 'chat_requests'), { a: 1, b: 0 });
  const log = await logOf('fb-400');
  assert.equal(log.attempts ?? 1, 1);
  assert.equal(log.status, 400);
  assert.equal(log.give_up, 'not_retryable');
});

test('no fallback after the first byte: a mid-stream error reaches the client, the backup gets nothing', async () => {
  const s0 = await stats();
  const s = await stream(CHAT(), chat('fb-midstream', { stream: true }));
  assert.equal(s.status, 200);
  assert.equal(s.headers.get('x-sluice-attempts'), '1');
  assert.equal(s.headers.get('x-sluice-provider'), 'a');
  assert.equal(s.readError, null, 'the chunked body ends cleanly');
  assert.ok(s.events.length >= 2, `the first chunks were forwarded: ${s.raw}`);
  assert.ok(s.events.at(-1).json?.error, `last event is the in-stream error: ${s.raw}`);
  assert.ok(!s.events.some((e) => e.data === '[DONE]'));
  const d = delta(s0, await stats(), 'chat_requests');
  assert.deepEqual(d, { a: 1, b: 0 });
});

test('Retry-After below max_retry_after: the same target is retried no sooner than asked', async () => {
  // First answer 429 with Retry-After: 1, then healthy. The gap is measured where the requests arrive.
  let n = 0;
  scripted.set(() => (++n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : {}));
  const first = scripted.requests.length;
  const r = await post(CHAT(), chat('ra-short'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('x-sluice-attempts'), '2');
  const reqs = scripted.requests.slice(first);
  assert.equal(reqs.length, 2);
  const gap = reqs[1].t - reqs[0].t;
  // ≥ 1000 ms (the gateway starts its wait after it read the 429, i.e. after reqs[0].t); 5 ms for timer
  // granularity. The upper bound only says it did not wait for something else (backoff cap is 100 ms).
  assert.ok(gap >= 995, `retried after ${gap.toFixed(1)} ms, before the 1 s Retry-After`);
  assert.ok(gap < 5000, `retried after ${gap.toFixed(1)} ms`);
  scripted.set(() => ({}));
});

test('Retry-After below max_retry_after (mock_llm): two 429s, the second ≥ 1 s after the first', async () => {
  const s0 = await stats();
  const t0 = performance.now();
  const r = await post(CHAT(), chat('ra-short-mock'));
  const elapsed = performance.now() - t0;
  assert.equal(r.status, 429, r.text);
  assert.equal(r.headers.get('retry-after'), '1');
  assert.equal(r.headers.get('x-sluice-attempts'), '2');
  assert.deepEqual(delta(s0, await stats(), 'chat_requests'), { a: 2, b: 0 });
  assert.ok(elapsed >= 995, `answered after ${elapsed.toFixed(0)} ms: the 1 s Retry-After was not honoured`);
});

test('Retry-After above max_retry_after: the client gets the 429 and its Retry-After at once', async () => {
  const s0 = await stats();
  const t0 = performance.now();
  const r = await post(CHAT(), chat('ra-long'));
  const elapsed = performance.now() - t0;
  assert.equal(r.status, 429, r.text);
  assert.equal(r.headers.get('retry-after'), '30');
  assert.equal(r.json.error.code, 'rate_limit_exceeded');
  assert.equal(r.headers.get('x-sluice-attempts'), '1');
  assert.deepEqual(delta(s0, await stats(), 'chat_requests'), { a: 1, b: 0 });
  // Not waited for: well under max_retry_after (2 s), let alone 30 s.
  assert.ok(elapsed < 1500, `answered after ${elapsed.toFixed(0)} ms`);
  const log = await logOf('ra-long');
  assert.equal(log.give_up, 'throttled');
  assert.equal(log.status, 429);
});

test('rules: header, team, metadata and prompt keyword each pick their target; no match → priority order', async () => {
  const cases = [
    [{}, chat('smart'), 'mock-default'],
    [{ 'x-tier': 'premium' }, chat('smart'), 'mock-premium'],
    [{ 'x-tier': 'basic' }, chat('smart'), 'mock-default'],
    [{ 'x-sluice-team': 'research-nlp' }, chat('smart'), 'mock-research'],
    [{ 'x-sluice-team': 'sales' }, chat('smart'), 'mock-default'],
    [{}, chat('smart', { metadata: { tier: 'gold' } }), 'mock-gold'],
    [{}, chat('smart', { messages: [{ role: 'user', content: 'Please TRANSLATE this into French' }] }), 'mock-translator'],
    [{}, chat('smart', { messages: [{ role: 'user', content: 'Peux-tu traduire ceci ?' }] }), 'mock-translator'],
    // The keyword only counts in the user's text.
    [{}, chat('smart', { messages: [{ role: 'system', content: 'translate' }, { role: 'user', content: 'hi' }] }), 'mock-default'],
    // First matching rule wins: premium is listed before translation.
    [{ 'x-tier': 'premium' }, chat('smart', { messages: [{ role: 'user', content: 'translate' }] }), 'mock-premium'],
  ];
  for (const [headers, body, want] of cases) {
    const r = await post(CHAT(), body, headers);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-sluice-model'), want, `${JSON.stringify(headers)} ${JSON.stringify(body)}`);
    const mock = want === 'mock-default' ? mockA : mockB;
    assert.equal((await mock.lastRequest()).body.model, want);
  }
});

test('allow list: other consumers get 403 in their own dialect and nothing goes upstream', async () => {
  const s0 = await stats();
  assert.equal((await post(CHAT(), chat('restricted'), { 'x-sluice-consumer': 'ci-bot' })).status, 200);
  assert.equal((await post(CHAT(), chat('restricted'), { 'x-sluice-consumer': 'x', 'x-sluice-team': 'research-nlp' })).status, 200);
  const denied = await post(CHAT(), chat('restricted'), { 'x-sluice-consumer': 'intruder' });
  assert.equal(denied.status, 403, denied.text);
  assert.equal(typeof denied.json.error.message, 'string');
  assert.deepEqual(Object.keys(denied.json.error).sort(), ['code', 'message', 'param', 'type']);
  const anonymous = await post(CHAT(), chat('restricted'));
  assert.equal(anonymous.status, 403);
  const res = await fetch(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-sluice-consumer': 'intruder' },
    body: JSON.stringify({ model: 'restricted', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = await res.json();
  assert.equal(res.status, 403);
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'permission_error');
  assert.deepEqual(delta(s0, await stats(), 'chat_requests'), { a: 0, b: 2 });
});

test('param policies: defaults fill, clamp bounds, override replaces (what the upstream received)', async () => {
  let r = await post(CHAT(), chat('tuned'));
  assert.equal(r.status, 200, r.text);
  let up = (await mockB.lastRequest()).body;
  assert.equal(up.temperature, 0.7, `default temperature: ${JSON.stringify(up)}`);
  assert.ok(up.max_tokens === 1024 || up.max_completion_tokens === 1024, `default max_tokens: ${JSON.stringify(up)}`);
  assert.equal(up.top_p, 1);
  r = await post(CHAT(), chat('tuned', { temperature: 1.9, top_p: 0.2, max_tokens: 50 }));
  assert.equal(r.status, 200, r.text);
  up = (await mockB.lastRequest()).body;
  assert.equal(up.temperature, 1.2, 'clamped to the policy maximum');
  assert.equal(up.top_p, 1, 'override wins over the client');
  assert.ok(up.max_tokens === 50 || up.max_completion_tokens === 50, 'a client value is kept when only defaulted');
  r = await post(CHAT(), chat('tuned', { temperature: 0.3 }));
  up = (await mockB.lastRequest()).body;
  assert.equal(up.temperature, 0.3, 'in-range values pass unchanged');
});
