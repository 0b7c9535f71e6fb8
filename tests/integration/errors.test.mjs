// Error paths: every failure answers with the right status and an OpenAI-shaped error body (or, once a stream
// has started, an in-stream error event), and the process stays up. Upstream failures are selected by
// mapping gateway models to mock_llm behaviour model names or to providers with static x-mock-* headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startMock, startGateway, gatewayConfig, metricValue, waitFor } from './lib/harness.mjs';
import { post, get, stream, rawExchange, isOpenAiError, seenBodies } from './lib/proxy_client.mjs';

const PROVIDER_KEY = 'sk-provider-secret-123';
const KEY = '${MOCK_PROVIDER_KEY:-sk-provider-secret-123}';
let mock; let gw;

async function closedPort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

before(async () => {
  mock = await startMock();
  const dead = await closedPort();
  const p = (headers, extra = {}) => ({ type: 'openai_compatible', base_url: mock.url, api_key: KEY, headers, ...extra });
  gw = await startGateway(gatewayConfig(mock.url, {
    server: { limits: { max_body_bytes: '2KiB', max_header_bytes: '2KiB' } },
    streaming: { idle_timeout: '300ms' },
    providers: {
      e429: p({ 'x-mock-error-status': '429', 'x-mock-retry-after': '7' }),
      e500: p({ 'x-mock-error-status': '500' }),
      e503: p({ 'x-mock-error-status': '503' }),
      midstream: p({ 'x-mock-error-after-chunks': '2' }),
      firstevent: p({ 'x-mock-error-after-chunks': '0' }),
      abort: p({ 'x-mock-abort-after-chunks': '2' }),
      hang: p({}, { timeouts: { first_byte: '300ms' } }),
      refused: { type: 'openai_compatible', base_url: `http://127.0.0.1:${dead}`, api_key: KEY },
      nodns: { type: 'openai_compatible', base_url: 'http://nonexistent.invalid', api_key: KEY },
    },
    models: {
      'rate-limited': { provider: 'e429', model: 'gpt-4o' },
      'fails-500': { provider: 'e500', model: 'gpt-4o' },
      'fails-503': { provider: 'e503', model: 'gpt-4o' },
      'mid-error': { provider: 'midstream', model: 'gpt-4o' },
      'first-error': { provider: 'firstevent', model: 'gpt-4o' },
      'aborts': { provider: 'abort', model: 'gpt-4o' },
      'hangs': { provider: 'hang', model: 'mock-hang-headers' },
      'refused': { provider: 'refused', model: 'gpt-4o' },
      'no-dns': { provider: 'nodns', model: 'gpt-4o' },
      // Stalls: 200 headers and then nothing; or a role chunk at once and content 500 ms apart (> idle 300 ms).
      'stall-headers': { provider: 'mock', model: 'mock-hang-body' },
      'stall-chunks': { provider: 'mock', model: 'mock-tps-2-chunks-3' },
    },
  }));
});

after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const chat = (model, extra = {}) => ({ model, messages: [{ role: 'user', content: 'Hello there world' }], ...extra });
const CHAT = () => `${gw.url}/v1/chat/completions`;

async function assertAlive() {
  const h = await get(`${gw.url}/healthz`);
  assert.equal(h.status, 200);
  assert.equal(gw.proc.exitCode, null);
}

function assertError(r, status, { code, param, type } = {}) {
  assert.equal(r.status, status, r.text);
  assert.ok(isOpenAiError(r.json), `not an OpenAI error body: ${r.text}`);
  assert.deepEqual(Object.keys(r.json.error).sort(), ['code', 'message', 'param', 'type']);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  if (code !== undefined) assert.equal(r.json.error.code, code);
  if (param !== undefined) assert.equal(r.json.error.param, param);
  if (type !== undefined) assert.equal(r.json.error.type, type);
}

// The last `data:` event of an errored stream: an OpenAI error object, and no [DONE] anywhere.
function assertStreamError(s, code) {
  assert.equal(s.status, 200);
  assert.equal(s.readError, null, `the stream must end cleanly at the HTTP level: ${s.readError}`);
  assert.ok(!s.events.some((e) => e.data === '[DONE]'), 'an errored stream must not end with [DONE]');
  const last = s.events.at(-1);
  assert.ok(last?.json?.error, `last event is not an error: ${last?.data}`);
  assert.equal(typeof last.json.error.message, 'string');
  if (code !== undefined) assert.equal(last.json.error.code, code);
  return last.json.error;
}

test('malformed JSON → 400 invalid_request_error', async () => {
  const r = await post(CHAT(), '{"model": "gpt-test", "messages": [');
  assertError(r, 400, { type: 'invalid_request_error' });
  await assertAlive();
});

test('missing model / messages → 400 naming the param', async () => {
  assertError(await post(CHAT(), { messages: [{ role: 'user', content: 'x' }] }), 400, { param: 'model' });
  assertError(await post(CHAT(), { model: 'gpt-test' }), 400, { param: 'messages' });
  assertError(await post(CHAT(), { model: 'gpt-test', messages: [] }), 400, { param: 'messages' });
  assertError(await post(CHAT(), { model: 'gpt-test', messages: 'hi' }), 400, { param: 'messages' });
  assertError(await post(`${gw.url}/v1/embeddings`, { model: 'embed-test' }), 400, { param: 'input' });
  assertError(await post(CHAT(), '[1,2]'), 400);
  await assertAlive();
});

test('unknown model → 404 model_not_found; unknown path → 404; wrong method → 405', async () => {
  assertError(await post(CHAT(), chat('nope')), 404, { code: 'model_not_found', param: 'model' });
  const nf = await get(`${gw.url}/v2/whatever?x=1`);
  assertError(nf, 404, { type: 'invalid_request_error' });
  assert.match(nf.json.error.message, /\/v2\/whatever/);
  assertError(await get(CHAT()), 405);
  const del = await fetch(`${gw.url}/v1/models`, { method: 'DELETE' });
  const delText = await del.text();
  seenBodies.push(delText);
  assert.equal(del.status, 405);
  assert.ok(isOpenAiError(JSON.parse(delText)));
  await assertAlive();
});

test('body over max_body_bytes → 413; head over max_header_bytes → 431', async () => {
  const big = chat('gpt-test', { messages: [{ role: 'user', content: 'x'.repeat(4096) }] });
  assertError(await post(CHAT(), big), 413, { code: 'body_too_large' });
  await assertAlive();
  const r = await get(`${gw.url}/healthz`, { 'x-big': 'a'.repeat(3000) });
  assertError(r, 431, { code: 'headers_too_large' });
  await assertAlive();
});

test('garbage on the wire → 400 with an OpenAI error body, then the connection closes', async () => {
  const r = await rawExchange(gw.http, 'THIS IS NOT HTTP\r\n\r\n');
  assert.match(r.text, /^HTTP\/1\.1 400 /);
  const body = r.text.slice(r.text.indexOf('\r\n\r\n') + 4);
  assert.ok(isOpenAiError(JSON.parse(body)), body);
  assert.ok(r.closed, 'the server closes a connection it cannot parse');
  const r2 = await rawExchange(gw.http, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
  assert.match(r2.text, /^HTTP\/1\.1 400 /);
  await assertAlive();
});

test('upstream 429/500/503 pass through with status, body and Retry-After', async () => {
  const r = await post(CHAT(), chat('rate-limited'));
  assertError(r, 429, { type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  assert.equal(r.headers.get('retry-after'), '7');
  assert.equal(r.headers.get('x-sluice-provider'), 'e429');
  assert.match(r.headers.get('x-request-id') ?? '', /^req_mock_/);
  // The body is the upstream's own error, unchanged in content.
  const direct = await post(`${mock.url}/v1/chat/completions`, chat('gpt-4o'), { 'x-mock-error-status': '429', 'x-mock-retry-after': '7' });
  assert.equal(direct.status, 429);
  assert.deepEqual(r.json, direct.json);
  const r5 = await post(CHAT(), chat('fails-500'));
  assertError(r5, 500, { type: 'server_error' });
  const r3 = await post(CHAT(), chat('fails-503', { stream: true }));
  assertError(r3, 503, { type: 'server_error' });
  await assertAlive();
});

test('upstream connection refused → 502 upstream_connect_failed', async () => {
  assertError(await post(CHAT(), chat('refused')), 502, { code: 'upstream_connect_failed', type: 'server_error' });
  assertError(await post(CHAT(), chat('refused', { stream: true })), 502, { code: 'upstream_connect_failed' });
  await assertAlive();
});

test('DNS failure → 502 upstream_dns_failed', async () => {
  assertError(await post(CHAT(), chat('no-dns')), 502, { code: 'upstream_dns_failed' });
  await assertAlive();
});

test('upstream hangs before headers → 504 upstream_timeout after first_byte', async () => {
  const t0 = performance.now();
  const r = await post(CHAT(), chat('hangs'));
  const took = performance.now() - t0;
  assertError(r, 504, { code: 'upstream_timeout' });
  assert.ok(took >= 250 && took < 3000, `answered after ${took} ms with first_byte 300ms`);
  // The gateway hung up on the mock (it sees the cancellation while waiting).
  await waitFor(async () => (await mock.stats()).client_disconnects >= 1);
  await assertAlive();
});

test('stream stalls right after the headers → 504 stream_idle_timeout (nothing committed yet)', async () => {
  const s = await stream(CHAT(), chat('stall-headers', { stream: true }));
  assert.equal(s.status, 504, s.raw);
  const json = JSON.parse(s.raw);
  assert.ok(isOpenAiError(json));
  assert.equal(json.error.code, 'stream_idle_timeout');
  await assertAlive();
});

test('stream stalls after the first chunk → in-stream stream_idle_timeout error, no [DONE]', async () => {
  const s = await stream(CHAT(), chat('stall-chunks', { stream: true }));
  assert.ok(s.events.length >= 2, 'the role chunk was delivered before the stall');
  assert.equal(s.events[0].json.choices[0].delta.role, 'assistant');
  assertStreamError(s, 'stream_idle_timeout');
  await assertAlive();
});

test('upstream error event mid-stream → forwarded in-stream, no [DONE]', async () => {
  const s = await stream(CHAT(), chat('mid-error', { stream: true }));
  assert.equal(s.events.filter((e) => e.json?.choices).length, 2);
  assertStreamError(s);
  await assertAlive();
});

test('upstream aborts mid-stream → in-stream error event, not a clean end', async () => {
  const s = await stream(CHAT(), chat('aborts', { stream: true }));
  assert.equal(s.events.filter((e) => e.json?.choices).length, 2);
  const err = assertStreamError(s);
  assert.equal(err.code, 'upstream_protocol_error');
  await assertAlive();
});

test('an error as the first stream event → a non-200 error response', async () => {
  const s = await stream(CHAT(), chat('first-error', { stream: true }));
  assert.ok(s.status >= 500, `status ${s.status}`);
  const json = JSON.parse(s.raw);
  assert.ok(isOpenAiError(json), s.raw);
  assert.match(s.headers.get('content-type'), /^application\/json/);
  await assertAlive();
});

test('metrics count the failures; gauges return to 0', async () => {
  const t = await waitFor(async () => {
    const m = await gw.metrics();
    return metricValue(m, 'sluice_requests_in_flight') === 0 && metricValue(m, 'sluice_streams_in_flight') === 0 ? m : null;
  });
  assert.ok(metricValue(t, 'sluice_upstream_errors_total', { provider: 'e429', code: 'http_429' }) >= 1);
  assert.ok(metricValue(t, 'sluice_upstream_errors_total', { provider: 'refused', code: 'upstream_connect_failed' }) >= 1);
  assert.ok(metricValue(t, 'sluice_local_replies_total', { code: 'body_too_large' }) >= 1);
  assert.ok(metricValue(t, 'sluice_requests_total', { model: 'rate-limited', status_class: '4xx' }) >= 1);
  assert.ok(metricValue(t, 'sluice_requests_total', { model: 'refused', status_class: '5xx' }) >= 2);
  // One access-log line per request, with the stable error code.
  await waitFor(() => gw.accessLog().some((l) => l.code === 'stream_idle_timeout' && l.model === 'stall-chunks'), { timeoutMs: 3000 });
});

test('no provider key in any gateway output line or response body', async () => {
  const all = [...gw.lines, ...gw.stderr, ...seenBodies].join('\n');
  assert.ok(seenBodies.length > 20);
  assert.ok(!all.includes(PROVIDER_KEY), 'provider key leaked');
  await assertAlive();
});
