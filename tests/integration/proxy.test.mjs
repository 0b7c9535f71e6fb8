// Proxy behaviour of the OpenAI-compatible path: byte-faithful body rewrite, header hygiene (the client's key
// never reaches the upstream), /v1/models, keep-alive reuse, unbuffered SSE, health endpoints, metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startMock, startGateway, gatewayConfig, metricValue, waitFor } from './lib/harness.mjs';
import { startCaptureUpstream } from './lib/capture_upstream.mjs';
import { post, get, stream, seenBodies } from './lib/proxy_client.mjs';

const PROVIDER_KEY = 'sk-provider-secret-123';
const CLIENT_KEY = 'sk-client-key-should-not-leak';
let mock; let cap; let gw;

before(async () => {
  mock = await startMock();
  cap = await startCaptureUpstream();
  gw = await startGateway(gatewayConfig(mock.url, {
    providers: {
      capture: {
        type: 'openai_compatible', base_url: cap.url, api_key: '${MOCK_PROVIDER_KEY:-sk-provider-secret-123}',
        headers: { 'OpenAI-Organization': 'org-sluice-test', 'X-Provider-Extra': 'extra-value' },
      },
    },
    models: {
      'cap-test': { provider: 'capture', model: 'upstream-cap-model' },
      'metrics-test': { provider: 'mock', model: 'mock-upstream-model' },
      // Headers at once, first event after 100 ms, then 10 one-token chunks at 20 tokens/s (~50 ms apart).
      'slow-stream': { provider: 'mock', model: 'mock-ttft-100ms-tps-20-chunks-10' },
    },
  }));
});

after(async () => {
  await gw?.stop();
  await mock?.stop();
  await cap?.stop();
});

const chat = (model, extra = {}) => ({ model, messages: [{ role: 'user', content: 'Hello there world' }], ...extra });

test('non-stream: only the model changes; every other byte reaches the upstream unchanged', async () => {
  // Odd whitespace, unknown nested fields, number spellings JSON re-serialization would change, a unicode escape.
  const raw = '{ "model" :  "cap-test" ,\n\t"messages":[ {"role":"user","content":"hi  there \\u00e9"} ],\n' +
    '  "x_unknown_field": {"nested": [1, 2.50, 1e3, true, null], "s":"a\\/b"},  "temperature":0.70,   "stream":false }';
  const r = await post(`${gw.url}/v1/chat/completions`, raw, { authorization: `Bearer ${CLIENT_KEY}` });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.choices[0].message.content, 'captured');
  const up = cap.last();
  assert.equal(up.method, 'POST');
  assert.equal(up.target, '/v1/chat/completions');
  const expected = raw.replace('"cap-test"', '"upstream-cap-model"');
  assert.equal(up.body.toString('utf8'), expected);
  assert.equal(up.headers['content-length'], String(Buffer.byteLength(expected)));
  // Response headers: the upstream's request id is forwarded, arbitrary upstream headers are not.
  assert.equal(r.headers.get('x-request-id'), 'req_capture');
  assert.equal(r.headers.get('x-not-forwarded'), null);
  assert.equal(r.headers.get('x-sluice-provider'), 'capture');
});

test('escaped and duplicated model keys: the upstream only ever sees the configured upstream model', async () => {
  const raw = '{"model":"cap\\u002dtest","messages":[{"role":"user","content":"x"}]}';
  const r = await post(`${gw.url}/v1/chat/completions`, raw);
  assert.equal(r.status, 200, r.text);
  assert.equal(cap.last().body.toString('utf8'), '{"model":"upstream-cap-model","messages":[{"role":"user","content":"x"}]}');
  // Whichever duplicate a parser keeps, no client-chosen model name may reach the provider.
  for (const dup of ['{"model":"cap-test","messages":[{"role":"user","content":"x"}],"model":"gpt-4o-secret-tier"}',
    '{"model":"gpt-4o-secret-tier","messages":[{"role":"user","content":"x"}],"model":"cap-test"}']) {
    const n = cap.requests.length;
    const d = await post(`${gw.url}/v1/chat/completions`, dup);
    if (d.status === 200) {
      assert.equal(cap.requests.length, n + 1);
      assert.ok(!cap.last().body.toString('utf8').includes('gpt-4o-secret-tier'), cap.last().body.toString('utf8'));
    } else {
      assert.equal(cap.requests.length, n, 'a rejected request must not reach the upstream');
      assert.ok(d.status === 400 || d.status === 404, d.text);
    }
  }
});

test('stream: include_usage is injected; the rest of the body is unchanged', async () => {
  const raw = '{"messages": [ {"role":"user","content":"x"} ] , "model":"cap-test",  "stream" : true, "zz_unknown":[{}] }';
  const r = await stream(`${gw.url}/v1/chat/completions`, raw);
  assert.equal(r.status, 200);
  assert.equal(r.events.at(-1).data, '[DONE]');
  const body = cap.last().body.toString('utf8');
  const parsed = JSON.parse(body);
  assert.equal(parsed.model, 'upstream-cap-model');
  assert.deepEqual(parsed.stream_options, { include_usage: true });
  assert.deepEqual(parsed.zz_unknown, [{}]);
  // Original bytes around the model value survive verbatim.
  assert.ok(body.includes('"messages": [ {"role":"user","content":"x"} ] , "model":"upstream-cap-model",  "stream" : true, "zz_unknown":[{}] }'), body);
  assert.equal(cap.last().headers.accept, 'text/event-stream');

  // A client stream_options with other members keeps them; include_usage:false is forced on upstream.
  const raw2 = '{"model":"cap-test","messages":[{"role":"user","content":"x"}],"stream":true,' +
    '"stream_options":{"include_usage":false,"include_obfuscation":false}}';
  const r2 = await stream(`${gw.url}/v1/chat/completions`, raw2);
  assert.equal(r2.status, 200);
  assert.deepEqual(JSON.parse(cap.last().body).stream_options, { include_usage: true, include_obfuscation: false });
});

test('the client Authorization never reaches the upstream; the provider key and headers do', async () => {
  const r = await post(`${gw.url}/v1/chat/completions`, chat('cap-test'), {
    authorization: `Bearer ${CLIENT_KEY}`, 'x-client-private': 'do-not-forward', cookie: 'session=abc', 'openai-organization': 'org-client',
  });
  assert.equal(r.status, 200);
  const h = cap.last().headers;
  assert.equal(h.authorization, `Bearer ${PROVIDER_KEY}`);
  assert.equal(h['openai-organization'], 'org-sluice-test');
  assert.equal(h['x-provider-extra'], 'extra-value');
  assert.equal(h['content-type'], 'application/json');
  assert.equal(h['x-client-private'], undefined);
  assert.equal(h.cookie, undefined);
  assert.ok(!JSON.stringify(h).includes(CLIENT_KEY));

  // Same through mock_llm (a different upstream implementation).
  const r2 = await post(`${gw.url}/v1/chat/completions`, chat('gpt-test'), { authorization: `Bearer ${CLIENT_KEY}` });
  assert.equal(r2.status, 200);
  const last = await mock.lastRequest();
  assert.equal(last.headers.authorization, `Bearer ${PROVIDER_KEY}`);
  assert.equal(last.body.model, 'mock-upstream-model');
  assert.equal(r2.json.model, 'mock-upstream-model');
});

test('embeddings are proxied with the model rewritten', async () => {
  const raw = '{"input": ["a b", "c"],  "model": "embed-test", "encoding_format":"float", "user":"u1"}';
  const r = await post(`${gw.url}/v1/embeddings`, raw);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.object, 'list');
  assert.equal(r.json.data.length, 2);
  const last = await mock.lastRequest();
  assert.equal(last.target, '/v1/embeddings');
  assert.equal(last.body_bytes, Buffer.byteLength(raw.replace('"embed-test"', '"mock-embed"')));
  assert.deepEqual(last.body, { input: ['a b', 'c'], model: 'mock-embed', encoding_format: 'float', user: 'u1' });
});

test('GET /v1/models lists exactly the configured models; /v1/models/{id} answers known ids only', async () => {
  const r = await get(`${gw.url}/v1/models`);
  assert.equal(r.status, 200);
  assert.equal(r.json.object, 'list');
  const ids = r.json.data.map((m) => m.id).sort();
  assert.deepEqual(ids, ['cap-test', 'embed-test', 'gpt-test', 'metrics-test', 'slow-stream']);
  for (const m of r.json.data) assert.equal(m.object, 'model');
  const one = await get(`${gw.url}/v1/models/cap-test`);
  assert.equal(one.status, 200);
  assert.deepEqual({ id: one.json.id, object: one.json.object, owned_by: one.json.owned_by },
    { id: 'cap-test', object: 'model', owned_by: 'capture' });
  const missing = await get(`${gw.url}/v1/models/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'model_not_found');
});

test('keep-alive: several requests reuse one client connection', async () => {
  const before = metricValue(await gw.metrics(), 'sluice_connections_total');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = [];
  const one = (body, path = '/v1/chat/completions', method = 'POST') => new Promise((resolve, reject) => {
    const u = new URL(gw.url + path);
    const req = http.request({ host: u.hostname, port: u.port, path, method, agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('socket', (s) => sockets.push(s));
    req.on('error', reject);
    req.end(body);
  });
  try {
    const a = await one(JSON.stringify(chat('gpt-test')));
    const b = await one(JSON.stringify(chat('gpt-test', { stream: true })));
    const c = await one(null, '/v1/models', 'GET');
    const d = await one('{bad json');  // an error reply keeps the connection too
    const e = await one(JSON.stringify(chat('gpt-test')));
    assert.deepEqual([a, b, c, d, e].map((x) => x.status), [200, 200, 200, 400, 200]);
    assert.ok(b.text.trimEnd().endsWith('data: [DONE]'));
    assert.equal(sockets.length, 5);
    for (const s of sockets) assert.equal(s, sockets[0], 'every request used the same socket');
  } finally {
    agent.destroy();
  }
  const afterCount = metricValue(await gw.metrics(), 'sluice_connections_total');
  assert.equal(afterCount - before, 1);
});

test('SSE events are forwarded one by one as the upstream produces them', async () => {
  const r = await stream(`${gw.url}/v1/chat/completions`, chat('slow-stream', { stream: true }));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/event-stream/);
  const content = r.events.filter((e) => e.json?.choices?.[0]?.delta?.content);
  assert.equal(content.length, 10);
  assert.equal(r.events.at(-1).data, '[DONE]');
  const total = r.tEnd;
  assert.ok(total >= 450, `the paced stream took ${total} ms`);
  // The first content event arrives long before the stream ends...
  assert.ok(content[0].t < 0.5 * total, `first content at ${content[0].t} ms of ${total} ms`);
  // ...and the content events are spread out, not delivered in one burst at the end.
  assert.ok(content.at(-1).t - content[0].t >= 0.5 * (total - content[0].t) - 1,
    `content arrived between ${content[0].t} and ${content.at(-1).t} ms`);
  const distinct = new Set(content.map((e) => Math.round(e.t / 10))).size;
  assert.ok(distinct >= 5, `content events arrived in only ${distinct} bursts`);
});

test('/healthz and /readyz answer on both listeners', async () => {
  for (const base of [gw.url, gw.adminUrl]) {
    const h = await get(`${base}/healthz`);
    assert.equal(h.status, 200, `${base}/healthz`);
    assert.equal(h.json.status, 'ok');
    const r = await get(`${base}/readyz`);
    assert.equal(r.status, 200, `${base}/readyz`);
    assert.equal(r.json.status, 'ready');
  }
  const m = await fetch(`${gw.adminUrl}/metrics`);
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
});

test('/metrics: requests, tokens, TTFT, overhead and in-flight gauges', async () => {
  const labels = { model: 'metrics-test', provider: 'mock' };
  const m0 = await gw.metrics();
  const req0 = metricValue(m0, 'sluice_requests_total', { ...labels, status_class: '2xx' }) ?? 0;
  const ttft0 = metricValue(m0, 'sluice_time_to_first_token_seconds_count', labels) ?? 0;
  const over0 = metricValue(m0, 'sluice_gateway_overhead_seconds_count') ?? 0;
  const in0 = metricValue(m0, 'sluice_tokens_total', { ...labels, direction: 'input' }) ?? 0;
  const out0 = metricValue(m0, 'sluice_tokens_total', { ...labels, direction: 'output' }) ?? 0;

  const a = await post(`${gw.url}/v1/chat/completions`, chat('metrics-test'));
  assert.equal(a.status, 200);
  const u = a.json.usage;
  assert.ok(u.prompt_tokens > 0 && u.completion_tokens > 0);
  const s1 = await stream(`${gw.url}/v1/chat/completions`, chat('metrics-test', { stream: true, stream_options: { include_usage: true } }));
  const usageChunk = s1.events.find((e) => e.json?.usage);
  assert.deepEqual(usageChunk.json.usage, u, 'stream and body report the same usage');
  // With include_usage every other chunk carries "usage": null, as OpenAI documents.
  const others = s1.events.filter((e) => e.json && e !== usageChunk);
  assert.ok(others.length > 1 && others.every((e) => e.json.usage === null));
  // Without include_usage the client sees no usage at all (no usage chunk, no "usage": null on the chunks the
  // injected option made the upstream add it to), but the gateway still counts the tokens.
  const s2 = await stream(`${gw.url}/v1/chat/completions`, chat('metrics-test', { stream: true }));
  const chunks2 = s2.events.filter((e) => e.json);
  assert.equal(chunks2.length, others.length);
  assert.ok(chunks2.every((e) => !('usage' in e.json)), 'no usage member on any chunk');
  assert.deepEqual(chunks2.map((e) => e.json.choices), others.map((e) => e.json.choices));
  const missing = await post(`${gw.url}/v1/chat/completions`, chat('no-such-model'));
  assert.equal(missing.status, 404);

  const m1 = await waitFor(async () => {
    const t = await gw.metrics();
    const n = metricValue(t, 'sluice_requests_total', { ...labels, status_class: '2xx' });
    return n === req0 + 3 ? t : null;
  });
  assert.equal(metricValue(m1, 'sluice_tokens_total', { ...labels, direction: 'input' }) - in0, 3 * u.prompt_tokens);
  assert.equal(metricValue(m1, 'sluice_tokens_total', { ...labels, direction: 'output' }) - out0, 3 * u.completion_tokens);
  assert.equal(metricValue(m1, 'sluice_time_to_first_token_seconds_count', labels) - ttft0, 2);
  assert.ok(metricValue(m1, 'sluice_gateway_overhead_seconds_count') - over0 >= 4);
  assert.ok(metricValue(m1, 'sluice_request_duration_seconds_count', labels) >= 3);
  assert.ok(metricValue(m1, 'sluice_requests_total', { model: 'unknown', status_class: '4xx' }) >= 1);
  assert.ok(metricValue(m1, 'sluice_local_replies_total', { code: 'model_not_found' }) >= 1);
  // No client string becomes a label value.
  assert.ok(!m1.includes('no-such-model'));
  await waitFor(async () => {
    const t = await gw.metrics();
    return metricValue(t, 'sluice_requests_in_flight') === 0 && metricValue(t, 'sluice_streams_in_flight') === 0;
  });
});

test('no provider or client key in gateway output or any response body', async () => {
  const all = [...gw.lines, ...gw.stderr, ...seenBodies].join('\n');
  assert.ok(!all.includes(PROVIDER_KEY), 'provider key leaked');
  assert.ok(!all.includes(CLIENT_KEY), 'client key leaked');
});
