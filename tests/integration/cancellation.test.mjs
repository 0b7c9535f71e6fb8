// Cancellation: a client that goes away mid-request makes the gateway cancel the upstream at once (the
// provider stops generating), settle its gauges, and log the request as 499 / client_disconnected.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startMock, startGateway, gatewayConfig, metricValue, waitFor } from './lib/harness.mjs';
import { request, chatBody, sseData } from './lib/client.mjs';

let mock, gw;
before(async () => {
  mock = await startMock();
  gw = await startGateway(gatewayConfig(mock.url, {
    models: {
      'long-stream': { provider: 'mock', model: 'mock-tps-5-chunks-50' },  // ~10 s of tokens
      'late-stream': { provider: 'mock', model: 'mock-ttft-3000ms' },      // headers at once, first event at 3 s
      'slow-reply': { provider: 'mock', model: 'mock-delay-3000ms' },      // non-stream, 3 s before headers
    },
  }));
});
after(async () => { await gw?.stop(); await mock?.stop(); });
beforeEach(async () => { await mock.reset(); });

// Sends a chat request and destroys the client socket when `abortWhen` says so ('first-data' or a delay
// in ms). Resolves with the abort time.
function abortingRequest(model, { stream, abortWhen }) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${gw.url}/v1/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.on('data', () => {
        if (abortWhen === 'first-data') { req.destroy(); resolve(Date.now()); }
      });
      res.on('error', () => {});
    });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET' && !/socket hang up|aborted/.test(e.message)) reject(e); });
    req.end(JSON.stringify(chatBody(model, { stream })));
    if (typeof abortWhen === 'number') setTimeout(() => { req.destroy(); resolve(Date.now()); }, abortWhen);
  });
}

async function settled(model) {
  await waitFor(async () => {
    const m = await gw.metrics();
    return metricValue(m, 'sluice_streams_in_flight') === 0 && metricValue(m, 'sluice_requests_in_flight') === 0;
  }, { timeoutMs: 2000 });
  const line = await waitFor(() => gw.accessLog().find((l) => l.model === model && l.status === 499), { timeoutMs: 2000 });
  assert.equal(line.client_disconnected, true);
  return line;
}

test('a client that disconnects mid-stream cancels the upstream stream at once', { timeout: 30000 }, async () => {
  const abortedAt = await abortingRequest('long-stream', { stream: true, abortWhen: 'first-data' });
  const seenAt = await waitFor(async () => ((await mock.stats()).streams_cancelled >= 1) && Date.now(), { timeoutMs: 1000, intervalMs: 10 });
  assert.ok(seenAt - abortedAt < 1000, `mock saw the cancellation ${seenAt - abortedAt} ms after the client left`);
  const stats = await mock.stats();
  assert.equal(stats.streams_completed, 0, 'the stream must not have run to its end');
  assert.equal(stats.active_streams, 0);
  const line = await settled('long-stream');
  assert.equal(line.stream, true);
  assert.ok(line.duration_us < 3_000_000, `the request ended ${line.duration_us} us after it began, not at the stream's end`);
});

test('a client that disconnects while the first stream event is held cancels the upstream', { timeout: 30000 }, async () => {
  const abortedAt = await abortingRequest('late-stream', { stream: true, abortWhen: 200 });
  const seenAt = await waitFor(async () => ((await mock.stats()).streams_cancelled >= 1) && Date.now(), { timeoutMs: 1000, intervalMs: 10 });
  assert.ok(seenAt - abortedAt < 1000);
  assert.equal((await mock.stats()).streams_completed, 0);
  await settled('late-stream');
});

test('a client that aborts a non-streaming request to a slow upstream cancels it', { timeout: 30000 }, async () => {
  const abortedAt = await abortingRequest('slow-reply', { stream: false, abortWhen: 200 });
  const seenAt = await waitFor(async () => ((await mock.stats()).client_disconnects >= 1) && Date.now(), { timeoutMs: 1000, intervalMs: 10 });
  assert.ok(seenAt - abortedAt < 1000, `mock saw the hang-up ${seenAt - abortedAt} ms after the client left`);
  const line = await settled('slow-reply');
  assert.equal(line.stream, false);
  assert.ok(line.duration_us < 2_000_000, `ended after ${line.duration_us} us, before the 3 s upstream delay`);
});

test('after cancellations the gateway still serves, streams and non-streams', { timeout: 30000 }, async () => {
  const a = await request(`${gw.url}/v1/chat/completions`, { body: chatBody('gpt-test') });
  assert.equal(a.status, 200, a.text);
  const b = await request(`${gw.url}/v1/chat/completions`, { body: chatBody('gpt-test', { stream: true }) });
  assert.equal(b.status, 200);
  assert.equal(sseData(b.text).at(-1), '[DONE]');
});
