// Config reload on SIGHUP: new routes serve at once, a stream in flight finishes on the snapshot it started
// with, an invalid file keeps the running config, and removed routes stop serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { startMock, startGateway, gatewayConfig, waitFor, metricValue } from './lib/harness.mjs';
import { rawExchange } from './lib/proxy_client.mjs';

let mock;
let gw;
const messages = [{ role: 'user', content: 'hello' }];

function chat(model, extra = {}, headers = {}) {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages, ...extra }),
  });
}

// The mock picks behaviour from the upstream model name: gpt-slow streams 10 chunks at 5 tokens/s (~2 s).
function config() {
  const c = gatewayConfig(mock.url);
  c.models['gpt-slow'] = { provider: 'mock', model: 'chunks-10-tps-5' };
  return c;
}

function logged(event) {
  const all = [...gw.lines, ...gw.stderr.join('').split('\n')];
  return all.some((l) => { try { return JSON.parse(l).event === event; } catch { return false; } });
}

before(async () => {
  mock = await startMock();
  gw = await startGateway(config());
});
after(async () => { await gw?.stop(); await mock?.stop(); });

test('SIGHUP adds a route while a stream started before the reload completes on the old snapshot', async () => {
  assert.equal((await chat('gpt-new')).status, 404);
  // ~2 s stream: 10 chunks at 5 tokens/s.
  const slow = await chat('gpt-slow', { stream: true });
  assert.equal(slow.status, 200);
  let streamEndedAt = 0;
  const bodyDone = slow.text().then((t) => { streamEndedAt = Date.now(); return t; });

  const next = config();
  next.models['gpt-new'] = { provider: 'mock', model: 'mock-new-upstream' };
  writeFileSync(gw.configPath, JSON.stringify(next, null, 2));
  gw.proc.kill('SIGHUP');
  await waitFor(async () => (await chat('gpt-new')).status === 200);
  const reloadedAt = Date.now();
  assert.equal((await mock.lastRequest()).body.model ?? JSON.parse((await mock.lastRequest()).body).model, 'mock-new-upstream');
  assert.ok(logged('reloaded'));

  const text = await bodyDone;
  assert.ok(reloadedAt < streamEndedAt, 'the reload happened while the stream was still open');
  assert.ok(text.includes('data: [DONE]'), 'the stream begun before the reload ended normally');
  assert.equal((await chat('gpt-test')).status, 200, 'unchanged routes keep serving');
});

test('an invalid file is refused and the running config stays', async () => {
  writeFileSync(gw.configPath, 'server: { listn: "oops" }\n');
  gw.proc.kill('SIGHUP');
  await waitFor(() => logged('reload_failed'));
  assert.equal((await chat('gpt-new')).status, 200);
  assert.equal((await chat('gpt-test')).status, 200);
});

test('a route removed by a reload stops serving; metrics keep rendering', async () => {
  const next = config();
  delete next.models['gpt-test'];
  next.models['gpt-new'] = { provider: 'mock', model: 'mock-new-upstream' };
  writeFileSync(gw.configPath, JSON.stringify(next, null, 2));
  gw.proc.kill('SIGHUP');
  await waitFor(async () => (await chat('gpt-test')).status === 404);
  assert.equal((await chat('gpt-new')).status, 200);
  const metrics = await gw.metrics();
  assert.match(metrics, /sluice_requests_total\{model="gpt-new"/);
  assert.ok(!gw.stderr.join('').includes('sk-provider-secret-123'), 'no key in the logs');
});

// Each request on its own connection, closed after the answer: the connection gauge can be checked exactly.
function oneShot(model, extra = {}) {
  const body = JSON.stringify({ model, messages, ...extra });
  return rawExchange(gw.http, `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
    `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, { timeoutMs: 10000 });
}

// Writes `next` as the config, sends SIGHUP and returns once the reload is logged and the workers have had
// time to adopt it on their own threads.
async function reloadTo(next) {
  writeFileSync(gw.configPath, JSON.stringify(next, null, 2));
  const reloads = gw.lines.filter((l) => l.includes('"reloaded"')).length;
  gw.proc.kill('SIGHUP');
  await waitFor(() => gw.lines.filter((l) => l.includes('"reloaded"')).length > reloads);
  await new Promise((r) => setTimeout(r, 100));
}

// A raw keep-alive connection: `received()` is what came back since the last `clear()`, and `answered()`
// waits for a whole response with a JSON body and returns its status.
async function rawConnection() {
  const i = gw.http.lastIndexOf(':');
  const sock = connect(Number(gw.http.slice(i + 1)), gw.http.slice(0, i));
  await new Promise((resolve) => sock.on('connect', resolve));
  let got = '';
  sock.on('data', (d) => { got += d.toString('latin1'); });
  return {
    sock,
    received: () => got,
    clear: () => { got = ''; },
    answered: async () => {
      await waitFor(() => /\r\n\r\n\{[\s\S]*\}\s*$/.test(got));
      return Number(got.slice(9, 12));
    },
  };
}
const chatHead = (body) => 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;

test('metrics go on across a reload: counters keep counting, what was open ends balanced', async () => {
  const gauge = async (name, labels) => metricValue(await gw.metrics(), name, labels);
  const open0 = await gauge('sluice_connections_open');
  const total0 = await gauge('sluice_connections_total');
  const slow0 = await gauge('sluice_requests_total', { model: 'gpt-slow' });
  assert.ok(slow0 >= 1, 'the first test streamed gpt-slow once');
  const slowTarget = { target: 'mock/chunks-10-tps-5', outcome: 'success' };
  const attempts0 = await gauge('sluice_router_attempts_total', slowTarget);
  assert.ok(attempts0 >= 1);
  const stream = oneShot('gpt-slow', { stream: true });  // ~2 s, started on the snapshot before the reload
  await waitFor(async () => (await gauge('sluice_streams_in_flight')) === 1);
  assert.equal(await gauge('sluice_connections_open'), open0 + 1);

  const next = config();
  next.models['gpt-gauges'] = { provider: 'mock', model: 'mock-gauges' };
  writeFileSync(gw.configPath, JSON.stringify(next, null, 2));
  gw.proc.kill('SIGHUP');
  await waitFor(async () => /HTTP\/1\.1 200 /.test((await oneShot('gpt-gauges')).text));
  assert.equal(await gauge('sluice_streams_in_flight'), 1, 'the stream from before the reload is still counted');

  const { text } = await stream;
  assert.ok(text.includes('data: [DONE]'));
  await waitFor(async () => (await gauge('sluice_streams_in_flight')) === 0);
  assert.equal(await gauge('sluice_requests_in_flight'), 0);
  await waitFor(async () => (await gauge('sluice_connections_open')) === open0);
  assert.ok((await gauge('sluice_connections_total')) >= total0 + 2, 'the counter did not restart from zero');
  // The stream started on the old snapshot's registry and ended after the reload: counted on top of the
  // requests from before the reload, under the new snapshot's series.
  assert.equal(await gauge('sluice_requests_total', { model: 'gpt-slow' }), slow0 + 1);
  // So do the routing metrics: the attempt counted by the old snapshot's router metrics, under the same target.
  assert.equal(await gauge('sluice_router_attempts_total', slowTarget), attempts0 + 1);
  assert.equal(await gauge('sluice_router_target_in_flight', { target: 'mock/chunks-10-tps-5' }), 0);
});

// A keep-alive connection outlives config snapshots: each request on it must read the server settings of the
// config current when it arrives (the session once kept a reference to the config it started under, which a
// second reload freed: a heap use-after-free under ASan).
test('a keep-alive connection opened before reloads serves each request under the config current then', async () => {
  const c = await rawConnection();
  const send = async (content) => {
    c.clear();
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content }] });
    c.sock.write(chatHead(body) + body);
    return c.answered();
  };
  const big = 'x'.repeat(3000);
  assert.equal(await send(big), 200);
  for (const limit of ['2KiB', '1KiB']) {  // two reloads: the first snapshot the connection saw is freed
    const next = config();
    next.server = { ...next.server, limits: { ...(next.server?.limits ?? {}), max_body_bytes: limit } };
    await reloadTo(next);
  }
  assert.equal(await send(big), 413, 'the new body limit applies on the old connection');
  c.sock.destroy();
  assert.equal((await chat('gpt-test')).status, 200, 'the gateway still serves');
});

test('log.access_log follows a reload, off and on again', async () => {
  const lines = () => gw.accessLog().filter((l) => l.model === 'gpt-test').length;
  const reload = async (accessLog) => {
    const next = config();
    next.log = { ...(next.log ?? {}), access_log: accessLog };
    await reloadTo(next);
  };
  await reload(false);
  await new Promise((r) => setTimeout(r, 600));  // earlier tests' lines reach the log (250 ms flush)
  const before = lines();
  assert.equal((await chat('gpt-test')).status, 200);
  await new Promise((r) => setTimeout(r, 600));  // longer than the log's 250 ms flush
  assert.equal(lines(), before, 'no access line while it is off');
  await reload(true);
  assert.equal((await chat('gpt-test')).status, 200);
  await waitFor(() => lines() === before + 1);
});

// A request keeps the snapshot it was read under; a reload while its body is still arriving must not make it
// index the next snapshot's routing states with its own target slots (an out-of-bounds write under ASan when
// the next config has fewer targets).
test('a request whose body arrives across a reload to a smaller config is served on its own snapshot', async () => {
  const wide = config();
  for (let i = 0; i < 8; ++i) wide.models[`wide-${i}`] = { provider: 'mock', model: `mock-wide-${i}` };
  await reloadTo(wide);

  const c = await rawConnection();
  const body = JSON.stringify({ model: 'wide-7', messages: [{ role: 'user', content: 'across a reload' }] });
  c.sock.write(chatHead(body) + body.slice(0, 10));
  await new Promise((r) => setTimeout(r, 100));
  const narrow = gatewayConfig(mock.url);
  delete narrow.models['embed-test'];
  await reloadTo(narrow);
  c.sock.write(body.slice(10));
  assert.equal(await c.answered(), 200, c.received());
  c.sock.destroy();
  assert.equal((await chat('gpt-test')).status, 200, 'the gateway still serves');
  assert.equal((await chat('wide-7')).status, 404, 'new requests use the new config');
});
