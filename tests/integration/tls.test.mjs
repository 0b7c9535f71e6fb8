// TLS: termination on the client listener, and upstream HTTPS with verification, hostname checks and SNI.
// A throw-away CA and certificates are made with the openssl CLI; "back" sluices terminate TLS in front of
// the mock, "front" sluices reach them over https://.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { startMock, startGateway, gatewayConfig, waitFor } from './lib/harness.mjs';
import { makeTestPki } from './lib/certs.mjs';
import { request, chatBody, sseData, streamContent } from './lib/client.mjs';

let pki, good, wrong, mock, back, backWrong, front, frontNoCa, sniServer, backSlow;
const sniSeen = [];
const portOf = (hostPort) => Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));
const key = '${MOCK_PROVIDER_KEY:-sk-provider-secret-123}';

before(async () => {
  pki = makeTestPki();
  good = pki.issue('localhost', ['DNS:localhost', 'IP:127.0.0.1']);
  wrong = pki.issue('wrong.example', ['DNS:wrong.example']);
  mock = await startMock();
  const tlsServer = (cert) => ({ listen: '127.0.0.1:0', workers: 1, tls: { cert_file: cert.cert, key_file: cert.key } });
  back = await startGateway(gatewayConfig(mock.url, { server: tlsServer(good) }));
  backWrong = await startGateway(gatewayConfig(mock.url, { server: tlsServer(wrong) }));
  backSlow = await startGateway(gatewayConfig(mock.url, {
    server: tlsServer(good),
    models: {
      'gpt-test': { provider: 'mock', model: 'mock-upstream-model' },
      'long-stream': { provider: 'mock', model: 'mock-tps-5-chunks-50' },  // ~10 s of tokens
    },
  }));

  // A node HTTPS upstream that records the SNI name of every TLS connection and answers a chat completion.
  sniServer = https.createServer({ cert: good.certPem, key: good.keyPem }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({
        id: 'chatcmpl-sni', object: 'chat.completion', created: 1, model: 'sni-model',
        choices: [{ index: 0, message: { role: 'assistant', content: 'sni ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  sniServer.on('secureConnection', (s) => sniSeen.push(s.servername));
  await new Promise((r) => sniServer.listen(0, '127.0.0.1', r));
  const sniPort = sniServer.address().port;

  const backPort = portOf(back.http);
  const wrongPort = portOf(backWrong.http);
  front = await startGateway(gatewayConfig(mock.url, {
    upstream: { ca_file: pki.caCert },
    providers: {
      back: { type: 'openai_compatible', base_url: `https://localhost:${backPort}`, api_key: key },
      wrong: { type: 'openai_compatible', base_url: `https://localhost:${wrongPort}`, api_key: key },
      wrong_noverify: { type: 'openai_compatible', base_url: `https://localhost:${wrongPort}`, api_key: key, tls_verify: false },
      sni: { type: 'openai_compatible', base_url: `https://localhost:${sniPort}`, api_key: key },
      sni_ip: { type: 'openai_compatible', base_url: `https://127.0.0.1:${sniPort}`, api_key: key },
    },
    models: {
      'via-back': { provider: 'back', model: 'gpt-test' },
      'via-wrong': { provider: 'wrong', model: 'gpt-test' },
      'via-wrong-noverify': { provider: 'wrong_noverify', model: 'gpt-test' },
      'via-sni': { provider: 'sni', model: 'sni-model' },
      'via-sni-ip': { provider: 'sni_ip', model: 'sni-model' },
    },
  }));
  frontNoCa = await startGateway(gatewayConfig(mock.url, {
    providers: { back: { type: 'openai_compatible', base_url: `https://localhost:${backPort}`, api_key: key } },
    models: { 'via-back': { provider: 'back', model: 'gpt-test' } },
  }));
});

after(async () => {
  await Promise.all([front, frontNoCa, back, backWrong, backSlow, mock].filter(Boolean).map((p) => p.stop()));
  if (sniServer) await new Promise((r) => sniServer.close(r));
});

test('TLS termination: an https client trusting the test CA gets a chat completion', { timeout: 30000 }, async () => {
  const url = `https://localhost:${portOf(back.http)}/v1/chat/completions`;
  const res = await request(url, { body: chatBody('gpt-test'), ca: pki.ca });
  assert.equal(res.status, 200, res.text);
  const j = res.json();
  assert.equal(j.object, 'chat.completion');
  assert.equal(j.choices[0].message.content, 'Hello there world');
  // The same listener refuses a client that does not trust the CA (the handshake, not the gateway, fails).
  await assert.rejects(request(url, { body: chatBody('gpt-test') }), (e) => /self[- ]signed|unable to verify|certificate/i.test(e.message));
});

test('TLS termination: plain HTTP on the TLS listener does not get an answer', { timeout: 30000 }, async () => {
  const res = await request(`http://${back.http}/healthz`, { method: 'GET', timeoutMs: 3000 }).then((r) => r, (e) => e);
  assert.ok(res instanceof Error || res.status >= 400, `plain HTTP must not be served: ${res.status}`);
});

test('upstream HTTPS with the CA file: front → TLS → back → mock, non-streaming', { timeout: 30000 }, async () => {
  const res = await request(`${front.url}/v1/chat/completions`, { body: chatBody('via-back') });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().choices[0].message.content, 'Hello there world');
  assert.equal(res.headers['x-sluice-provider'], 'back');
});

test('upstream HTTPS with the CA file: streaming passes through both gateways', { timeout: 30000 }, async () => {
  const res = await request(`${front.url}/v1/chat/completions`, { body: chatBody('via-back', { stream: true }) });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^text\/event-stream/);
  const datas = sseData(res.text);
  assert.equal(datas.at(-1), '[DONE]');
  assert.equal(streamContent(datas), 'Hello there world');
});

test('upstream HTTPS without the test CA (system store only) → 502 upstream_tls_failed', { timeout: 30000 }, async () => {
  const res = await request(`${frontNoCa.url}/v1/chat/completions`, { body: chatBody('via-back') });
  assert.equal(res.status, 502, res.text);
  assert.equal(res.json().error.code, 'upstream_tls_failed');
  assert.match(res.json().error.message, /certificate verify failed|unable to get local issuer/);
  // Streaming requests fail the same way, before any 200 is committed.
  const s = await request(`${frontNoCa.url}/v1/chat/completions`, { body: chatBody('via-back', { stream: true }) });
  assert.equal(s.status, 502, s.text);
  assert.equal(s.json().error.code, 'upstream_tls_failed');
});

test('upstream certificate for another name (signed by the trusted CA) → 502 upstream_tls_failed', { timeout: 30000 }, async () => {
  const res = await request(`${front.url}/v1/chat/completions`, { body: chatBody('via-wrong') });
  assert.equal(res.status, 502, res.text);
  assert.equal(res.json().error.code, 'upstream_tls_failed');
  // The message names the upstream, and never leaks the provider key.
  assert.match(res.json().error.message, /localhost.*(certificate verify failed|hostname)/);
  assert.doesNotMatch(res.text, /sk-provider-secret/);
});

test('provider tls_verify: false accepts the mismatched certificate', { timeout: 30000 }, async () => {
  const res = await request(`${front.url}/v1/chat/completions`, { body: chatBody('via-wrong-noverify', { stream: true }) });
  assert.equal(res.status, 200, res.text);
  assert.equal(sseData(res.text).at(-1), '[DONE]');
});

test('SNI: the upstream host name is sent; an IP-literal origin sends none and verifies the IP SAN', { timeout: 30000 }, async () => {
  sniSeen.length = 0;
  const res = await request(`${front.url}/v1/chat/completions`, { body: chatBody('via-sni') });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json().choices[0].message.content, 'sni ok');
  assert.deepEqual(sniSeen, ['localhost']);

  sniSeen.length = 0;
  const res2 = await request(`${front.url}/v1/chat/completions`, { body: chatBody('via-sni-ip') });
  assert.equal(res2.status, 200, res2.text);
  assert.equal(sniSeen.length, 1);
  assert.ok(!sniSeen[0], `no SNI for an IP literal (RFC 6066), got ${sniSeen[0]}`);
});

// The disconnect watch on a TLS connection reads records (a close_notify is bytes), unlike plain TCP's
// readiness wait: a client leaving mid-stream must still cancel the upstream, and a watch ended by a
// normal answer must leave the connection readable for the next request.
test('TLS termination: a client leaving mid-stream cancels the upstream; kept-alive TLS requests follow', { timeout: 30000 }, async () => {
  await mock.reset();
  const url = `https://localhost:${portOf(backSlow.http)}/v1/chat/completions`;
  const abortedAt = await new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca: pki.ca, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => { req.destroy(); resolve(Date.now()); });
      res.on('error', () => {});
    });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET' && !/socket hang up|aborted/.test(e.message)) reject(e); });
    req.end(JSON.stringify(chatBody('long-stream', { stream: true })));
  });
  const seenAt = await waitFor(async () => ((await mock.stats()).streams_cancelled >= 1) && Date.now(), { timeoutMs: 2000, intervalMs: 10 });
  assert.ok(seenAt - abortedAt < 1000, `mock saw the cancellation ${seenAt - abortedAt} ms after the client left`);
  assert.equal((await mock.stats()).streams_completed, 0);

  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: pki.ca });
  const reused = [];
  for (let i = 0; i < 3; i++) {
    const stream = i === 1;
    const { status, text, reusedSocket } = await new Promise((resolve, reject) => {
      const req = https.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, text, reusedSocket: req.reusedSocket }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(chatBody('gpt-test', { stream })));
    });
    assert.equal(status, 200, text);
    if (stream) assert.equal(streamContent(sseData(text)), 'Hello there world');
    else assert.equal(JSON.parse(text).choices[0].message.content, 'Hello there world');
    reused.push(reusedSocket);
  }
  agent.destroy();
  assert.deepEqual(reused, [false, true, true], 'all three requests on one TLS connection');
});
