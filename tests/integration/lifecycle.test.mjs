// Lifecycle: graceful drain on SIGTERM, health endpoints, connection limit, request-read and idle
// keep-alive deadlines. Every scenario starts its own gateway (some change process-wide settings).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startMock, startGateway, gatewayConfig, metricValue, waitFor } from './lib/harness.mjs';
import { request, chatBody, sseData, streamContent, rawConnect } from './lib/client.mjs';

let mock;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });

// Resolves with { code, signal, at } when the process exits.
function exited(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve({ code: proc.exitCode, signal: proc.signalCode, at: Date.now() });
    proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
}

// Starts a stream through the gateway; `first` resolves at the first body bytes, `done` with the whole body.
function openStream(gw, model) {
  let onFirst;
  const first = new Promise((r) => { onFirst = r; });
  const done = new Promise((resolve, reject) => {
    const req = http.request(`${gw.url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const parts = [];
      res.on('data', (d) => { parts.push(d); onFirst(Date.now()); });
      const finish = (error) => resolve({ status: res.statusCode, text: Buffer.concat(parts).toString(), at: Date.now(), error });
      res.on('end', () => finish(null));
      res.on('error', (e) => finish(e));
      res.on('aborted', () => finish(new Error('aborted')));
    });
    req.on('error', reject);
    req.end(JSON.stringify(chatBody(model, { stream: true })));
  });
  return { first, done };
}

function connectError(hostPort) {
  return new Promise((resolve) => {
    const [host, port] = hostPort.split(':');
    const s = net.connect({ host, port: Number(port) });
    s.once('connect', () => { s.destroy(); resolve(null); });
    s.once('error', (e) => resolve(e));
  });
}

const get = (url) => request(url, { method: 'GET' });

test('SIGTERM: readiness drops at once, the in-flight stream completes, then exit 0', { timeout: 30000 }, async () => {
  const gw = await startGateway(gatewayConfig(mock.url, {
    server: { listen: '127.0.0.1:0', workers: 1, timeouts: { drain: '10s' } },
    models: { slow: { provider: 'mock', model: 'mock-tps-10-chunks-20' } },  // 20 tokens at 10/s: ~2 s
  }));
  const exit = exited(gw.proc);
  assert.equal((await get(`${gw.adminUrl}/readyz`)).status, 200);
  const s = openStream(gw, 'slow');
  await s.first;
  const signalledAt = Date.now();
  gw.proc.kill('SIGTERM');
  // Readiness turns 503 on the admin listener, and the client listener stops accepting, long before the
  // stream ends.
  await waitFor(async () => (await get(`${gw.adminUrl}/readyz`)).status === 503, { timeoutMs: 1000 });
  const refused = await waitFor(() => connectError(gw.http), { timeoutMs: 1000 });
  assert.equal(refused.code, 'ECONNREFUSED');
  assert.equal((await get(`${gw.adminUrl}/healthz`)).status, 200, 'liveness stays up while draining');
  const stillStreaming = Date.now();
  const body = await s.done;
  assert.ok(body.at - stillStreaming > 300, 'the stream outlived the readiness flip');
  assert.equal(body.error, null);
  assert.equal(body.status, 200);
  const datas = sseData(body.text);
  assert.equal(datas.at(-1), '[DONE]');
  assert.equal(streamContent(datas).split(' ').length, 20);
  const ex = await exit;
  assert.equal(ex.code, 0, gw.stderr.join(''));
  assert.ok(ex.at >= body.at, 'the process exits after the stream completed');
  assert.ok(ex.at - signalledAt < 5000);
  const log = gw.accessLog();
  assert.ok(log.some((l) => l.model === 'slow' && l.status === 200 && l.stream === true), 'access log flushed at exit');
});

test('SIGTERM with only an idle keep-alive connection open exits promptly', { timeout: 30000 }, async () => {
  const gw = await startGateway(gatewayConfig(mock.url, {
    server: { listen: '127.0.0.1:0', workers: 1, timeouts: { drain: '30s', idle_keepalive: '60s' } },
  }));
  const exit = exited(gw.proc);
  const conn = await rawConnect(gw.http);
  conn.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await waitFor(() => conn.received().includes('{"status":"ok"}'));
  const t0 = Date.now();
  gw.proc.kill('SIGTERM');
  const ex = await exit;
  assert.equal(ex.code, 0);
  assert.ok(ex.at - t0 < 2000, `exit took ${ex.at - t0} ms with a 30 s drain`);
  await conn.closed;
});

test('a stream longer than server.timeouts.drain is cut at the deadline; exit is still 0', { timeout: 30000 }, async () => {
  const gw = await startGateway(gatewayConfig(mock.url, {
    server: { listen: '127.0.0.1:0', workers: 1, timeouts: { drain: '500ms' } },
    models: { slow: { provider: 'mock', model: 'mock-tps-4-chunks-40' } },  // ~10 s
  }));
  await mock.reset();
  const exit = exited(gw.proc);
  const s = openStream(gw, 'slow');
  await s.first;
  const t0 = Date.now();
  gw.proc.kill('SIGTERM');
  const ex = await exit;
  assert.equal(ex.code, 0, gw.stderr.join(''));
  const took = ex.at - t0;
  assert.ok(took >= 400 && took < 3000, `exit ${took} ms after SIGTERM with a 500 ms drain`);
  const body = await s.done;
  assert.notEqual(sseData(body.text).at(-1), '[DONE]', 'the stream was cut, not completed');
  assert.ok(gw.lines.some((l) => /"stopped"/.test(l) && /drain deadline/.test(l)), gw.lines.join('\n'));
  // The cut request still completed its bookkeeping, and the upstream was told.
  const line = gw.accessLog().find((l) => l.model === 'slow');
  assert.ok(line, `no access-log line for the cut stream:\n${gw.lines.join('\n')}`);
  assert.equal(line.stream, true);
  await waitFor(async () => (await mock.stats()).streams_cancelled === 1, { timeoutMs: 2000 });
  assert.equal((await mock.stats()).streams_completed, 0);
});

test('/healthz and /readyz answer on both the client and the admin listener', { timeout: 30000 }, async () => {
  const gw = await startGateway(gatewayConfig(mock.url));
  try {
    for (const base of [gw.url, gw.adminUrl]) {
      const h = await get(`${base}/healthz`);
      assert.equal(h.status, 200);
      assert.deepEqual(h.json(), { status: 'ok' });
      const r = await get(`${base}/readyz`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.json(), { status: 'ready' });
    }
  } finally { await gw.stop(); }
});

test('server.limits.max_connections: the N+1-th connection gets 503 overloaded, the first N keep working', { timeout: 30000 }, async () => {
  const gw = await startGateway(gatewayConfig(mock.url, {
    server: { listen: '127.0.0.1:0', workers: 1, limits: { max_connections: 2 } },
  }));
  try {
    const ping = async (c, n) => {
      c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => c.received().split('{"status":"ok"}').length - 1 >= n);
    };
    const a = await rawConnect(gw.http);
    const b = await rawConnect(gw.http);
    await ping(a, 1);
    await ping(b, 1);
    const c = await rawConnect(gw.http);
    await c.closed;
    assert.match(c.received(), /^HTTP\/1\.1 503 /);
    assert.match(c.received(), /"code":"overloaded"/);
    await ping(a, 2);
    await ping(b, 2);
    assert.equal(metricValue(await gw.metrics(), 'sluice_local_replies_total', { code: 'overloaded' }), 1);
    // A slot freed by a closing client is reusable.
    a.socket.end();
    await a.closed;
    await waitFor(async () => {
      const d = await rawConnect(gw.http);
      d.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await d.closed;
      return d.received().includes('{"status":"ok"}');
    });
    b.socket.destroy();
  } finally { await gw.stop(); }
});

test('server.timeouts.request_read: a stalled half request gets 408 and the connection is closed', { timeout: 30000 }, async () => {
  const gw = await startGateway(gatewayConfig(mock.url, {
    server: { listen: '127.0.0.1:0', workers: 1, timeouts: { request_read: '300ms', idle_keepalive: '10s' } },
  }));
  try {
    // Half a head.
    const a = await rawConnect(gw.http);
    const t0 = Date.now();
    a.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Ty');
    const ca = await a.closed;
    assert.match(a.received(), /^HTTP\/1\.1 408 /);
    assert.match(a.received(), /Connection: close/i);
    assert.ok(ca.at - t0 >= 250 && ca.at - t0 < 5000, `closed after ${ca.at - t0} ms`);
    // A full head but half the body.
    const b = await rawConnect(gw.http);
    b.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"model":');
    await b.closed;
    assert.match(b.received(), /^HTTP\/1\.1 408 /);
    // Expect: 100-continue — the interim 100 does not extend the deadline for the body.
    const c = await rawConnect(gw.http);
    c.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\nExpect: 100-continue\r\n\r\n');
    await waitFor(() => c.received().startsWith('HTTP/1.1 100 Continue\r\n\r\n'));
    await c.closed;
    assert.match(c.received(), /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 408 /);
    assert.equal(metricValue(await gw.metrics(), 'sluice_local_replies_total', { code: 'request_timeout' }), 3);
    // A request that arrives in pieces, each within the deadline, is served.
    const d = await rawConnect(gw.http);
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'split request' }] });
    d.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n`);
    d.write(`Connection: close\r\n\r\n${body.slice(0, 10)}`);
    d.write(body.slice(10));
    await d.closed;
    assert.match(d.received(), /^HTTP\/1\.1 200 /);
    assert.match(d.received(), /"content":"split request"/);
  } finally { await gw.stop(); }
});

test('server.timeouts.idle_keepalive closes an idle keep-alive connection', { timeout: 30000 }, async () => {
  const gw = await startGateway(gatewayConfig(mock.url, {
    server: { listen: '127.0.0.1:0', workers: 1, timeouts: { idle_keepalive: '300ms' } },
  }));
  try {
    const c = await rawConnect(gw.http);
    c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => c.received().includes('{"status":"ok"}'));
    const t0 = Date.now();
    const closed = await c.closed;
    assert.ok(closed.at - t0 >= 250, `closed too early (${closed.at - t0} ms)`);
    assert.ok(closed.at - t0 < 3000, `closed too late (${closed.at - t0} ms)`);
    // A connection that keeps talking stays open across several idle periods shorter than the limit.
    const d = await rawConnect(gw.http);
    for (let i = 1; i <= 3; ++i) {
      d.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => d.received().split('{"status":"ok"}').length - 1 === i);
    }
    assert.equal(d.socket.destroyed, false);
    d.socket.destroy();
  } finally { await gw.stop(); }
});
