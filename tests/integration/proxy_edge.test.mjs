// Proxy edge cases on the wire: pipelining, chunked and 100-continue request bodies, oversized bodies,
// odd upstream behaviour (non-JSON errors, streams without [DONE], CRLF SSE split across TCP writes,
// JSON answers to stream requests), and client disconnects cancelling the upstream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { startMock, startGateway, gatewayConfig, metricValue, waitFor, sleep } from './lib/harness.mjs';
import { startCaptureUpstream, chatCompletionBody } from './lib/capture_upstream.mjs';
import { post, stream, rawExchange, isOpenAiError, seenBodies } from './lib/proxy_client.mjs';

const PROVIDER_KEY = 'sk-provider-secret-123';
let mock; let cap; let gw;

const chunk = (model, delta, finish = null) => JSON.stringify({
  id: 'chatcmpl-edge', object: 'chat.completion.chunk', created: 1700000000, model,
  choices: [{ index: 0, delta, finish_reason: finish }],
});

// Scripted upstream answers, chosen by the upstream model name the gateway sends.
function respond(record, res) {
  let model = '';
  try { model = JSON.parse(record.body.toString('utf8')).model; } catch { return false; }
  if (model === 'html-502') {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body>502 Bad Gateway</body></html>');
    return true;
  }
  if (model === 'no-done') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`data: ${chunk(model, { role: 'assistant', content: '' })}\n\n`);
    res.write(`data: ${chunk(model, { content: 'partial' })}\n\n`);
    res.end();  // a clean chunked end, but the stream never completed
    return true;
  }
  if (model === 'crlf-split') {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    const events = [
      ': keep-alive comment\r\n\r\n',
      `data: ${chunk(model, { role: 'assistant', content: '' })}\r\n\r\n`,
      `data: ${chunk(model, { content: 'Hé' })}\r\n\r\n`,
      `data: ${chunk(model, { content: ' wörld' })}\r\n\r\n`,
      `data: ${chunk(model, {}, 'stop')}\r\n\r\n`,
      'data: [DONE]\r\n\r\n',
    ];
    const bytes = Buffer.from(events.join(''));
    // Cut inside events, even inside a multi-byte character, and pause between the pieces.
    const cuts = [5, 40, 100, bytes.indexOf(Buffer.from('é')) + 1, bytes.length - 7, bytes.length];
    let from = 0;
    (async () => {
      for (const to of cuts) { res.write(bytes.subarray(from, to)); from = to; await sleep(15); }
      res.end();
    })();
    return true;
  }
  if (model === 'close-delimited' || model === 'close-delimited-cut') {
    // HTTP/1.0 style: no Content-Length, no chunking, the body ends with the connection. Written raw, with a
    // 6 KB event (more than a stream's 2 KiB read buffer and a request's 4 KiB) cut across pauses.
    const big = 'x'.repeat(6000);
    const events = [
      `data: ${chunk(model, { role: 'assistant', content: '' })}\n\n`,
      `data: ${chunk(model, { content: big })}\n\n`,
      `data: ${chunk(model, { content: 'end' })}\n\n`,
    ];
    if (model === 'close-delimited') events.push(`data: ${chunk(model, {}, 'stop')}\n\n`, 'data: [DONE]\n\n');
    const bytes = Buffer.from(events.join(''));
    const cuts = [10, 300, 2500, 4200, bytes.length - 3, bytes.length];
    const sock = res.socket;
    (async () => {
      sock.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n');
      let from = 0;
      for (const to of cuts) { sock.write(bytes.subarray(from, to)); from = to; await sleep(15); }
      sock.end();
    })();
    return true;
  }
  if (model === 'json-for-stream') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(chatCompletionBody(model));
    return true;
  }
  return false;
}

before(async () => {
  mock = await startMock();
  cap = await startCaptureUpstream({ respond });
  gw = await startGateway(gatewayConfig(mock.url, {
    server: { limits: { max_body_bytes: '64KiB' } },
    providers: { capture: { type: 'openai_compatible', base_url: cap.url, api_key: '${MOCK_PROVIDER_KEY:-sk-provider-secret-123}' } },
    models: {
      'html-502': { provider: 'capture' },
      'no-done': { provider: 'capture' },
      'crlf-split': { provider: 'capture' },
      'json-for-stream': { provider: 'capture' },
      'close-delimited': { provider: 'capture' },
      'close-delimited-cut': { provider: 'capture' },
      'long-stream': { provider: 'mock', model: 'mock-tps-20-chunks-100' },
      'slow-answer': { provider: 'mock', model: 'mock-delay-3000ms' },
      'short-delay': { provider: 'mock', model: 'mock-delay-400ms' },
      'passthrough-*': { provider: 'mock' },
    },
  }));
});

after(async () => {
  await gw?.stop();
  await mock?.stop();
  await cap?.stop();
});

const chat = (model, extra = {}) => ({ model, messages: [{ role: 'user', content: 'Hello there world' }], ...extra });
const CHAT = () => `${gw.url}/v1/chat/completions`;

test('pipelined requests on one connection are answered in order', async () => {
  const body = JSON.stringify(chat('gpt-test'));
  const wire = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' +
    `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` +
    'GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  const r = await rawExchange(gw.http, wire);
  assert.ok(r.closed);
  const statuses = [...r.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['200', '200', '200']);
  const i1 = r.text.indexOf('"status":"ok"');
  const i2 = r.text.indexOf('"chat.completion"');
  const i3 = r.text.indexOf('"object":"list"');
  assert.ok(i1 > 0 && i1 < i2 && i2 < i3, 'responses in request order');
});

// A raw connection that records what comes back and when it closes.
function rawConnection(hostPort) {
  const i = hostPort.lastIndexOf(':');
  const sock = connect(Number(hostPort.slice(i + 1)), hostPort.slice(0, i));
  const parts = [];
  let closed = false;
  sock.on('data', (d) => parts.push(d));
  sock.on('error', () => {});
  sock.on('close', () => { closed = true; });
  const opened = new Promise((resolve) => sock.on('connect', resolve));
  return { sock, opened, text: () => Buffer.concat(parts).toString('latin1'), closed: () => closed };
}
const rawChat = (model, extraHeaders = '') => {
  const body = JSON.stringify(chat(model));
  return `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extraHeaders}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

// The disconnect watch peeks at the client socket while the upstream answers: bytes of a next request that
// arrive meanwhile must stay in the socket for the session, not be taken for a disconnect or lost.
test('a request pipelined while the one before it is still being answered is answered next', async () => {
  const c = rawConnection(gw.http);
  await c.opened;
  c.sock.write(rawChat('short-delay'));
  await sleep(150);
  c.sock.write('GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await waitFor(() => c.closed(), { timeoutMs: 5000 });
  const statuses = [...c.text().matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['200', '200']);
  assert.ok(c.text().indexOf('"chat.completion"') < c.text().indexOf('"object":"list"'), 'answers in request order');
});

test('a client that half-closes after its request is taken as gone: upstream cancelled, connection closed', async () => {
  const before = await mock.stats();
  const c = rawConnection(gw.http);
  await c.opened;
  c.sock.write(rawChat('slow-answer'));
  await waitFor(async () => (await mock.stats()).chat_requests > before.chat_requests);
  c.sock.end();
  await waitFor(async () => (await mock.stats()).client_disconnects > before.client_disconnects, { timeoutMs: 2000 });
  await waitFor(() => c.closed(), { timeoutMs: 2000 });
  assert.equal(c.text(), '', 'nothing is answered to a client that left');
  await waitFor(async () => metricValue(await gw.metrics(), 'sluice_connections_open') === 0);
});

test('chunked request body and Expect: 100-continue', async () => {
  const u = new URL(CHAT());
  const send = (headers, write) => new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    write(req);
  });
  const body = JSON.stringify(chat('gpt-test'));
  const chunked = await send({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, (req) => {
    req.write(body.slice(0, 10));
    setTimeout(() => { req.write(body.slice(10, 30)); req.end(body.slice(30)); }, 20);
  });
  assert.equal(chunked.status, 200, chunked.text);
  assert.equal(JSON.parse(chunked.text).choices[0].message.content, 'Hello there world');
  let continued = false;
  const expect = await send({ 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' }, (req) => {
    req.flushHeaders();
    req.on('continue', () => { continued = true; req.end(body); });
  });
  assert.ok(continued, 'the server sent 100 Continue');
  assert.equal(expect.status, 200, expect.text);
});

test('a large oversized body gets a readable 413, chunked or not', async () => {
  const big = JSON.stringify(chat('gpt-test', { messages: [{ role: 'user', content: 'x'.repeat(1 << 20) }] }));
  const r = await post(CHAT(), big);
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.code, 'body_too_large');
  // Chunked: the limit triggers while reading the body.
  const u = new URL(CHAT());
  const res = await new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (resp) => {
      let text = '';
      resp.on('data', (d) => { text += d; });
      resp.on('end', () => resolve({ status: resp.statusCode, text }));
    });
    req.on('error', reject);
    req.end(big.slice(0, 100 * 1024));
  });
  assert.equal(res.status, 413, res.text);
  assert.ok(isOpenAiError(JSON.parse(res.text)));
});

test('a non-JSON upstream error becomes an OpenAI-shaped error with the same status', async () => {
  const r = await post(CHAT(), chat('html-502'));
  assert.equal(r.status, 502);
  assert.ok(isOpenAiError(r.json), r.text);
  assert.equal(r.json.error.type, 'server_error');
  assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('a wildcard route records the client-sent model as the upstream model, for answers and streams', async () => {
  // Longer than any short-string buffer: the name lives on the heap of the decoded request, which is gone
  // by the time the access-log line is written.
  const name = 'passthrough-model-name-longer-than-a-short-string-chunks-3';
  const plain = await post(CHAT(), chat(name));
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.headers.get('x-sluice-model'), name);
  const s = await stream(CHAT(), chat(name, { stream: true }));
  assert.equal(s.status, 200, s.raw);
  assert.equal(s.headers.get('x-sluice-model'), name);
  await waitFor(() => gw.accessLog().filter((l) => l.model === 'passthrough-*').length >= 2);
  const lines = gw.accessLog().filter((l) => l.model === 'passthrough-*');
  assert.deepEqual(lines.map((l) => [l.stream, l.upstream_model]), [[false, name], [true, name]]);
});

test('an upstream stream that ends without [DONE] ends with an in-stream error', async () => {
  const s = await stream(CHAT(), chat('no-done', { stream: true }));
  assert.equal(s.status, 200);
  assert.ok(s.events.some((e) => e.json?.choices?.[0]?.delta?.content === 'partial'));
  assert.ok(!s.events.some((e) => e.data === '[DONE]'));
  assert.equal(s.events.at(-1).json?.error?.code, 'upstream_protocol_error', s.raw);
});

test('CRLF events split across TCP writes arrive whole and unchanged', async () => {
  const s = await stream(CHAT(), chat('crlf-split', { stream: true }));
  assert.equal(s.status, 200);
  assert.equal(s.readError, null);
  assert.equal(s.rest, '', 'no partial event left over');
  const datas = s.events.map((e) => e.data);
  assert.equal(datas.at(-1), '[DONE]');
  const content = s.events.map((e) => e.json?.choices?.[0]?.delta?.content ?? '').join('');
  assert.equal(content, 'Hé wörld');
  assert.ok(s.raw.includes('\r\n\r\n'), 'event bytes are forwarded as the upstream wrote them');
});

test('a stream delimited by the upstream closing the connection arrives whole, a 6 KB event included', async () => {
  const s = await stream(CHAT(), chat('close-delimited', { stream: true }));
  assert.equal(s.status, 200);
  assert.equal(s.readError, null);
  assert.equal(s.rest, '', 'no partial event left over');
  const content = s.events.map((e) => e.json?.choices?.[0]?.delta?.content ?? '').join('');
  assert.equal(content, `${'x'.repeat(6000)}end`);
  assert.equal(s.events.at(-1).data, '[DONE]');
});

test('a close-delimited stream that closes before it completed ends with an in-stream error', async () => {
  const s = await stream(CHAT(), chat('close-delimited-cut', { stream: true }));
  assert.equal(s.status, 200);
  const content = s.events.map((e) => e.json?.choices?.[0]?.delta?.content ?? '').join('');
  assert.equal(content, `${'x'.repeat(6000)}end`);
  assert.ok(!s.events.some((e) => e.data === '[DONE]'));
  assert.equal(s.events.at(-1).json?.error?.code, 'upstream_protocol_error', s.raw);
});

test('an upstream that answers a stream request with JSON is passed through', async () => {
  const r = await post(CHAT(), chat('json-for-stream', { stream: true }));
  assert.equal(r.status, 200);
  assert.equal(r.json.object, 'chat.completion');
});

test('a client that disconnects mid-stream cancels the upstream stream', async () => {
  const before = await mock.stats();
  const ac = new AbortController();
  const res = await fetch(CHAT(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chat('long-stream', { stream: true })), signal: ac.signal });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  let got = '';
  while (!got.includes('"content":"Hello"')) got += new TextDecoder().decode((await reader.read()).value);
  ac.abort();
  await waitFor(async () => (await mock.stats()).streams_cancelled > before.streams_cancelled, { timeoutMs: 2000 });
  const s = await mock.stats();
  assert.equal(s.streams_completed, before.streams_completed, 'the 5 s stream did not run to the end');
  await waitFor(async () => metricValue(await gw.metrics(), 'sluice_streams_in_flight') === 0);
  await waitFor(() => gw.accessLog().some((l) => l.model === 'long-stream' && l.status === 499 && l.client_disconnected));
});

test('a client that disconnects while waiting for a non-stream answer cancels the upstream request', async () => {
  const before = await mock.stats();
  const ac = new AbortController();
  const p = fetch(CHAT(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(chat('slow-answer')), signal: ac.signal });
  await waitFor(async () => (await mock.stats()).chat_requests > before.chat_requests);
  ac.abort();
  await assert.rejects(p);
  await waitFor(async () => (await mock.stats()).client_disconnects > before.client_disconnects, { timeoutMs: 2000 });
  await waitFor(async () => metricValue(await gw.metrics(), 'sluice_requests_in_flight') === 0);
});

test('no provider key in gateway output or bodies', async () => {
  const all = [...gw.lines, ...gw.stderr, ...seenBodies].join('\n');
  assert.ok(!all.includes(PROVIDER_KEY));
});
