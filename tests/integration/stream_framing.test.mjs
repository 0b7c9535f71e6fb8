// Streams whose upstream bytes arrive in awkward pieces: a raw TCP upstream writes its response a few bytes
// at a time (chunk-size lines, the CRLF after a chunk and SSE events all split across writes), in one burst,
// in a flood larger than one read, or without chunked framing (Content-Length, or a body ended by closing the
// connection). The gateway reads plain-TCP streams through per-worker buffers once the socket is readable
// (Exchange::WaitReadable / ReadAvailable) and gives its read buffers back between reads: every event must
// still arrive whole, in order, with the usage it carried, and a pooled connection must serve the next
// request. The upstream's
// rate-limit and request-id headers reach the client; its other headers do not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startGateway, gatewayConfig, sleep } from './lib/harness.mjs';

const kEvents = 40;
// A flood: one write of ~90 KB, more than a read takes, so reads end inside chunk headers and chunk bodies.
const kFloodEvents = 600;
const eventCount = (model) => (model.endsWith('-flood') ? kFloodEvents : kEvents);

function sseEvents(model) {
  const kEvents = eventCount(model);
  const out = [];
  out.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  for (let i = 0; i < kEvents; ++i)
    out.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content: `tok${i} ` }, finish_reason: null }] });
  out.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  out.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: 7, completion_tokens: kEvents, total_tokens: 7 + kEvents } });
  return out.map((e) => `data: ${JSON.stringify(e)}\n\n`).concat(['data: [DONE]\n\n']);
}

// How the upstream frames and paces its answer, by the requested upstream model name.
function responseBytes(mode, model) {
  const events = sseEvents(model);
  // Rate-limit and request-id headers travel to the client; others (Server, X-Internal-Trace) do not.
  const forwardable = 'X-RateLimit-Remaining-Requests: 99\r\nanthropic-ratelimit-tokens-limit: 5000\r\n' +
    'openai-processing-ms: 12\r\nrequest-id: req_raw\r\nRetry-After-Ms: 7\r\n';
  const head = (extra) => `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nServer: raw\r\n` +
    `X-Internal-Trace: secret\r\n${forwardable}${extra}\r\n`;
  if (mode === 'length') {
    const body = events.join('');
    return { head: head(`Content-Length: ${Buffer.byteLength(body)}\r\n`), body: [body], close: false };
  }
  if (mode === 'close') return { head: head('Connection: close\r\n'), body: [events.join('')], close: true };
  // Chunked: one HTTP chunk per event, as servers flush them. "chunkext": upper-case hex sizes with leading
  // zeros and chunk extensions, and a trailer section after the last chunk (RFC 9112 §7.1).
  if (mode === 'chunkext') {
    const chunks = events.map((e, i) => `00${Buffer.byteLength(e).toString(16).toUpperCase()} ;n=${i};q="a;b"\r\n${e}\r\n`)
      .concat(['0;last\r\nX-Checksum: 42\r\nX-Other: a b\r\n\r\n']);
    return { head: head('Transfer-Encoding: chunked\r\n'), body: chunks, close: false };
  }
  // "badchunk": the fourth chunk's size line is not hex; the events before it must still reach the client.
  const chunks = events.map((e, i) => `${mode === 'badchunk' && i === 3 ? 'zz' : Buffer.byteLength(e).toString(16)}\r\n${e}\r\n`)
    .concat(['0\r\n\r\n']);
  return { head: head('Transfer-Encoding: chunked\r\n'), body: chunks, close: false };
}

const kModels = ['chunked-bytes', 'chunked-burst', 'chunked-flood', 'chunkext-bytes', 'chunkext-burst',
  'length-bytes', 'length-flood', 'close-bytes', 'close-burst'];
let upstream; let gw; const seen = [];
before(async () => {
  upstream = createServer((sock) => {
    let buf = '';
    sock.on('data', async (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const len = Number(/content-length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + len) return;
      const body = JSON.parse(buf.slice(end + 4, end + 4 + len));
      buf = buf.slice(end + 4 + len);
      seen.push(body.model);
      const [mode, pace] = body.model.split('-');  // e.g. "chunked-bytes", "chunked-burst", "length-bytes"
      const { head, body: pieces, close } = responseBytes(mode, body.model);
      const all = Buffer.from(head + pieces.join(''), 'latin1');
      if (pace === 'burst' || pace === 'flood') {
        sock.write(all);
      } else {
        // 1 to 7 bytes per write with a pause after each: every boundary lands mid-token somewhere.
        for (let at = 0, n = 1; at < all.length; at += n, n = (n % 7) + 1) {
          if (sock.destroyed) return;
          sock.write(all.subarray(at, at + n));
          if (at % 5 === 0) await sleep(1);
          else await new Promise((r) => setImmediate(r));
        }
      }
      if (close) sock.end();
    });
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${upstream.address().port}`;
  const models = {};
  for (const m of [...kModels, 'badchunk-burst'])
    models[m] = { provider: 'raw', model: m };
  gw = await startGateway(gatewayConfig(url, {
    providers: { raw: { type: 'openai_compatible', base_url: url, api_key: 'sk-raw' } },
    models,
  }));
});
after(async () => { await gw?.stop(); await new Promise((r) => upstream?.close(r)); });

// The client's view: every data payload in order.
async function streamThrough(model) {
  const r = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
    body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-ratelimit-remaining-requests'), '99');
  assert.equal(r.headers.get('anthropic-ratelimit-tokens-limit'), '5000');
  assert.equal(r.headers.get('openai-processing-ms'), '12');
  assert.equal(r.headers.get('request-id'), 'req_raw');
  assert.equal(r.headers.get('retry-after-ms'), '7');
  assert.equal(r.headers.get('x-internal-trace'), null);
  assert.equal(r.headers.get('x-sluice-provider'), 'raw');
  const text = await r.text();
  const datas = text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
  return datas;
}

for (const model of kModels) {
  test(`${model}: every event arrives whole and in order`, async () => {
    const kEvents = eventCount(model);
    for (let round = 0; round < 2; ++round) {  // the second round reuses the pooled connection where there is one
      const datas = await streamThrough(model);
      assert.equal(datas.at(-1), '[DONE]');
      const chunks = datas.slice(0, -1).map((d) => JSON.parse(d));
      const content = chunks.flatMap((c) => c.choices.map((ch) => ch.delta?.content ?? '')).join('');
      assert.equal(content, Array.from({ length: kEvents }, (_, i) => `tok${i} `).join(''));
      assert.equal(chunks.at(-1).usage.completion_tokens, kEvents);
      assert.ok(chunks.every((c) => c.model === model));
    }
  });
}

test('the access log records the usage of a stream read in pieces', async () => {
  await streamThrough('chunked-bytes');
  const line = gw.accessLog().filter((l) => l.model === 'chunked-bytes').at(-1);
  assert.ok(line, 'an access-log line for the stream');
  assert.equal(line.status, 200);
  assert.equal(line.output_tokens, kEvents);
  assert.equal(line.input_tokens, 7);
});

test('a chunked body with a malformed chunk-size line ends in an in-stream error after the events before it',
  async () => {
    const r = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify({ model: 'badchunk-burst', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(r.status, 200);
    const text = await r.text();
    const datas = text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => JSON.parse(e.slice(6)));
    const content = datas.flatMap((c) => (c.choices ?? []).map((ch) => ch.delta?.content ?? '')).join('');
    assert.equal(content, 'tok0 tok1 ', 'the events of the chunks before the bad one');
    assert.equal(datas.at(-1).error?.code, 'upstream_protocol_error', text);
    assert.match(datas.at(-1).error.message, /invalid response body: invalid chunk size/);
    // The connection that carried the bad body is not pooled: the next stream gets a fresh one and completes.
    const datasAfter = await streamThrough('chunked-burst');
    assert.equal(datasAfter.at(-1), '[DONE]');
  });
