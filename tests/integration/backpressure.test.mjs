// Backpressure: a slow reader stalls the upstream instead of making the gateway buffer the stream, and a
// client that never reads is dropped after server.timeouts.client_write (cancelling the upstream).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startMock, startGateway, gatewayConfig, metricValue, waitFor, rssKiB, sleep } from './lib/harness.mjs';
import { chatBody, rawConnect, rawPost } from './lib/client.mjs';

const kStreamBytes = 64 * 1024 * 1024;  // the mock's maximum x-mock-response-bytes
const kChunks = 2048;                    // 32 KiB of content per event
const key = '${MOCK_PROVIDER_KEY:-sk-provider-secret-123}';

let mock;
before(async () => { mock = await startMock(); });
after(async () => { await mock?.stop(); });
beforeEach(async () => { await mock.reset(); });

function bigStreamConfig(serverOverrides = {}) {
  return gatewayConfig(mock.url, {
    server: { listen: '127.0.0.1:0', workers: 1, ...serverOverrides },
    providers: {
      big: {
        type: 'openai_compatible', base_url: mock.url, api_key: key,
        headers: { 'x-mock-response-bytes': String(kStreamBytes), 'x-mock-chunks': String(kChunks) },
      },
    },
    models: { 'big-stream': { provider: 'big', model: 'mock-model' } },
  });
}

// Incremental decoder for a chunked HTTP response carrying SSE: counts delta.content bytes and keeps the
// last data payload, without holding the whole 64 MiB body.
class ChunkedSseCounter {
  constructor() { this.buf = Buffer.alloc(0); this.head = null; this.need = -1; this.sse = ''; this.contentBytes = 0; this.last = null; this.ended = false; this.events = 0; this.hash = createHash('sha256'); }
  push(data) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    for (;;) {
      if (this.head === null) {
        const i = this.buf.indexOf('\r\n\r\n');
        if (i < 0) return;
        this.head = this.buf.subarray(0, i).toString('latin1');
        this.buf = this.buf.subarray(i + 4);
        continue;
      }
      if (this.ended) return;
      if (this.need < 0) {
        const i = this.buf.indexOf('\r\n');
        if (i < 0) return;
        this.need = parseInt(this.buf.subarray(0, i).toString('latin1'), 16);
        this.buf = this.buf.subarray(i + 2);
        if (this.need === 0) { this.ended = true; return; }
      }
      if (this.buf.length < this.need + 2) return;
      this.feedSse(this.buf.subarray(0, this.need).toString('utf8'));
      this.buf = this.buf.subarray(this.need + 2);
      this.need = -1;
    }
  }
  feedSse(text) {
    this.sse += text;
    let i;
    while ((i = this.sse.indexOf('\n\n')) >= 0) {
      const block = this.sse.slice(0, i);
      this.sse = this.sse.slice(i + 2);
      for (const line of block.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const d = line.slice(5).trim();
        this.last = d;
        this.events++;
        if (d === '[DONE]') continue;
        for (const c of JSON.parse(d).choices ?? []) {
          if (!c.delta?.content) continue;
          this.contentBytes += Buffer.byteLength(c.delta.content);
          this.hash.update(c.delta.content);
        }
      }
    }
  }
}

test('a paused reader stalls the upstream; gateway memory stays flat; resuming delivers every byte', { timeout: 30000 }, async (t) => {
  const gw = await startGateway(bigStreamConfig());
  try {
    const conn = await rawConnect(gw.http, { collect: false });
    const counter = new ChunkedSseCounter();
    conn.socket.on('data', (d) => counter.push(d));
    const baseline = rssKiB(gw.proc.pid);
    conn.write(rawPost('/v1/chat/completions', chatBody('big-stream', { stream: true })));
    await waitFor(() => counter.events >= 4);
    conn.socket.pause();
    assert.match(counter.head, /^HTTP\/1\.1 200 /);

    // Hold the reader still for 2 s: the mock could produce all 64 MiB in well under that.
    let peak = baseline;
    const pauseEnd = Date.now() + 2000;
    while (Date.now() < pauseEnd) {
      peak = Math.max(peak, rssKiB(gw.proc.pid));
      await sleep(50);
    }
    const stats = await mock.stats();
    assert.equal(stats.streams_completed, 0, 'the upstream must be stalled by the paused reader');
    assert.equal(stats.active_streams, 1);
    assert.equal(metricValue(await gw.metrics(), 'sluice_streams_in_flight'), 1);
    const growthMiB = (peak - baseline) / 1024;
    assert.ok(growthMiB < 32, `gateway RSS grew ${growthMiB.toFixed(1)} MiB while a 64 MiB stream was paused`);
    const readSoFar = counter.contentBytes;
    t.diagnostic(`paused 2 s: gateway RSS ${baseline} → peak ${peak} KiB; client held ${readSoFar} content bytes`);
    assert.ok(readSoFar < kStreamBytes / 2, `client had ${readSoFar} bytes before resuming`);

    conn.socket.resume();
    await waitFor(() => counter.ended, { timeoutMs: 20000 });
    assert.equal(counter.last, '[DONE]');
    assert.equal(counter.contentBytes, kStreamBytes);
    assert.equal((await waitFor(async () => (await mock.stats()).streams_completed === 1 && mock.stats())).streams_cancelled, 0);
    conn.socket.destroy();
    const line = await waitFor(() => gw.accessLog().find((l) => l.model === 'big-stream'));
    assert.equal(line.status, 200);
    assert.equal(line.client_disconnected, undefined);
  } finally { await gw.stop(); }
});

test('server.timeouts.client_write: a client that never reads is dropped and the upstream cancelled', { timeout: 30000 }, async () => {
  const gw = await startGateway(bigStreamConfig({ timeouts: { client_write: '500ms' } }));
  try {
    const conn = await rawConnect(gw.http, { collect: false });
    conn.socket.pause();  // never read: the kernel buffers fill and the gateway's write blocks
    conn.write(rawPost('/v1/chat/completions', chatBody('big-stream', { stream: true })));
    const t0 = Date.now();
    const line = await waitFor(() => gw.accessLog().find((l) => l.model === 'big-stream'), { timeoutMs: 10000 });
    assert.equal(line.status, 499);
    assert.equal(line.client_disconnected, true);
    await waitFor(async () => (await mock.stats()).streams_cancelled === 1, { timeoutMs: 2000 });
    const stats = await mock.stats();
    assert.equal(stats.streams_completed, 0);
    assert.equal(stats.active_streams, 0);
    await waitFor(async () => {
      const m = await gw.metrics();
      return metricValue(m, 'sluice_connections_open') === 0 && metricValue(m, 'sluice_streams_in_flight') === 0;
    });
    assert.ok(Date.now() - t0 < 10000);
    // The client finds a closed connection behind whatever was buffered, and no end of stream.
    const counter = new ChunkedSseCounter();
    conn.socket.on('data', (d) => counter.push(d));
    conn.socket.resume();
    await conn.closed;
    assert.equal(counter.ended, false);
    assert.notEqual(counter.last, '[DONE]');
    assert.ok(counter.contentBytes < kStreamBytes);
  } finally { await gw.stop(); }
});

// A non-streamed answer is written at once as far as the socket takes it and asynchronously after that: a
// reader that pauses must still get every byte, in order, and the connection must serve the next request.
test('a non-streamed answer larger than the socket buffers reaches a paused reader whole; keep-alive follows', { timeout: 30000 }, async () => {
  const kBodyBytes = 8 * 1024 * 1024;
  const gw = await startGateway(gatewayConfig(mock.url, {
    providers: {
      big: { type: 'openai_compatible', base_url: mock.url, api_key: key, headers: { 'x-mock-response-bytes': String(kBodyBytes) } },
      mock: { type: 'openai_compatible', base_url: mock.url, api_key: key },
    },
    models: { 'big-reply': { provider: 'big', model: 'mock-model' }, 'gpt-test': { provider: 'mock', model: 'mock-upstream-model' } },
  }));
  try {
    const conn = await rawConnect(gw.http);
    conn.socket.pause();
    conn.write(rawPost('/v1/chat/completions', chatBody('big-reply')));
    await sleep(1000);  // the gateway has the whole body by now and has written what the buffers hold
    assert.ok(conn.bytes() < kBodyBytes, 'the paused reader cannot have everything yet');
    conn.socket.resume();
    const headEnd = () => conn.received().indexOf('\r\n\r\n');
    await waitFor(() => headEnd() > 0 && conn.bytes() >= headEnd() + 4 + kBodyBytes, { timeoutMs: 15000 });
    const text = conn.received();
    const head = text.slice(0, headEnd());
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.equal(Number(/content-length: (\d+)/i.exec(head)[1]), kBodyBytes);
    const body = JSON.parse(Buffer.from(text.slice(headEnd() + 4), 'latin1').toString('utf8'));
    assert.equal(body.object, 'chat.completion');

    // The same connection answers again.
    const before = conn.bytes();
    conn.write(rawPost('/v1/chat/completions', chatBody('gpt-test')));
    await waitFor(() => conn.received().slice(text.length).includes('"chat.completion"'), { timeoutMs: 5000 });
    assert.ok(conn.bytes() > before);
    assert.match(conn.received().slice(text.length), /^HTTP\/1\.1 200 /);
    conn.socket.destroy();
  } finally { await gw.stop(); }
});

// Streams on one worker build their batches in one shared string; a stream whose client stops reading keeps
// what it could not send in a string of its own. Another stream served meanwhile on the same worker must not
// disturb it: both arrive byte for byte as the upstream sent them.
test('a stalled stream keeps its unsent bytes while other streams on the worker go on', { timeout: 60000 }, async () => {
  const streamBytes = 8 * 1024 * 1024;
  const headers = { 'x-mock-response-bytes': String(streamBytes), 'x-mock-chunks': '256' };
  const gw = await startGateway(gatewayConfig(mock.url, {
    server: { listen: '127.0.0.1:0', workers: 1 },
    providers: { big: { type: 'openai_compatible', base_url: mock.url, api_key: key, headers } },
    models: { 'big-stream': { provider: 'big', model: 'mock-model' } },
  }));
  // The same stream straight from the mock: what every client must see.
  const direct = async () => {
    const conn = await rawConnect(mock.url.replace(/^http:\/\//, ''), { collect: false });
    const counter = new ChunkedSseCounter();
    conn.socket.on('data', (d) => counter.push(d));
    const body = JSON.stringify(chatBody('mock-model', { stream: true }));
    conn.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      `Authorization: Bearer sk-provider-secret-123\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    await waitFor(() => counter.ended, { timeoutMs: 20000 });
    conn.socket.destroy();
    return counter;
  };
  const throughGateway = async () => {
    const conn = await rawConnect(gw.http, { collect: false });
    const counter = new ChunkedSseCounter();
    conn.socket.on('data', (d) => counter.push(d));
    conn.write(rawPost('/v1/chat/completions', chatBody('big-stream', { stream: true })));
    return { conn, counter };
  };
  try {
    const expected = (await direct()).hash.digest('hex');
    assert.equal((await direct()).hash.digest('hex'), expected, 'the mock streams the same content each time');

    const stalled = await throughGateway();
    await waitFor(() => stalled.counter.events >= 4);
    stalled.conn.socket.pause();
    await sleep(500);  // the socket buffers fill; the rest of a batch waits in the stream's own string

    for (let i = 0; i < 2; i++) {
      const other = await throughGateway();
      await waitFor(() => other.counter.ended, { timeoutMs: 20000 });
      other.conn.socket.destroy();
      assert.equal(other.counter.last, '[DONE]');
      assert.equal(other.counter.contentBytes, streamBytes);
      assert.equal(other.counter.hash.digest('hex'), expected, `stream ${i} served while another was stalled`);
    }
    assert.ok(stalled.counter.contentBytes < streamBytes, 'the stalled client cannot have it all yet');

    stalled.conn.socket.resume();
    await waitFor(() => stalled.counter.ended, { timeoutMs: 20000 });
    stalled.conn.socket.destroy();
    assert.equal(stalled.counter.last, '[DONE]');
    assert.equal(stalled.counter.contentBytes, streamBytes);
    assert.equal(stalled.counter.hash.digest('hex'), expected, 'the stalled stream, resumed');
  } finally { await gw.stop(); }
});
