// End-to-end check of mock_llm's Gemini, Bedrock, Azure and vLLM-metrics routes over real HTTP, with no
// dependency beyond Node 20: Bedrock requests are signed by a SigV4 signer written here (node:crypto) —
// independent of the C++ verifier — and ConverseStream bodies are parsed with CRC checks (zlib.crc32).
//   node tools/mock_llm/scripts/providers_check.mjs BUILD/tools/mock_llm/mock_llm
// Starts the mock on port 0 with --aws-secret, runs the checks, stops it with SIGTERM (expects exit 0).
// Exit 0 = all passed, 1 = a check failed. The official clients are driven too when they can be resolved
// from SDKS_FROM (a dir with node_modules; default tests/conformance): @aws-sdk/client-bedrock-runtime
// (+ @smithy/node-http-handler), @google/genai, openai (AzureOpenAI); absent ones are reported as skipped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: providers_check.mjs MOCK_BINARY');
  process.exit(2);
}
const AKID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const watchdog = setTimeout(() => { console.error('timed out'); process.exit(1); }, 60000);
const mock = spawn(binary, ['--listen', '127.0.0.1:0', '--aws-secret', SECRET, '--aws-access-key-id', AKID,
  '--metrics-model', 'llama-mock'], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = await new Promise((res, rej) => {
  readline.createInterface({ input: mock.stdout }).once('line', res);
  mock.once('exit', (code) => rej(new Error(`mock exited early (${code})`)));
});
const addr = JSON.parse(line).addr;
const base = `http://${addr}`;
const mockJson = async (path) => (await fetch(base + path)).json();

// --- SigV4 (reference §5.6), written from the AWS docs, not from the mock's C++ -------------------------
const sha = (s) => createHash('sha256').update(s).digest('hex');
const hmac = (k, s) => createHmac('sha256', k).update(s).digest();
const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
function sign(path, body, { secret = SECRET, akid = AKID, service = 'bedrock', date = '20250101T120000Z' } = {}) {
  const headers = { 'content-type': 'application/json', host: addr, 'x-amz-date': date };
  const names = Object.keys(headers).sort();
  const canonicalUri = path.split('/').map(enc).join('/');  // encode the wire path again (non-S3)
  const canonical = ['POST', canonicalUri, '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'),
    sha(body)].join('\n');
  const scope = `${date.slice(0, 8)}/us-east-1/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha(canonical)].join('\n');
  let key = hmac('AWS4' + secret, date.slice(0, 8));
  for (const part of ['us-east-1', service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${akid}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
}
const bedrock = (path, body, opts) => fetch(base + path, { method: 'POST', headers: sign(path, body, opts), body });

// --- event stream (reference §5.5) ------------------------------------------------------------------------
function frames(buf) {
  const out = [];
  for (let i = 0; i < buf.length;) {
    const total = buf.readUInt32BE(i), hlen = buf.readUInt32BE(i + 4);
    assert.equal(zlib.crc32(buf.subarray(i, i + 8)), buf.readUInt32BE(i + 8), 'prelude CRC');
    assert.equal(zlib.crc32(buf.subarray(i, i + total - 4)), buf.readUInt32BE(i + total - 4), 'message CRC');
    const headers = {};
    for (let j = i + 12; j < i + 12 + hlen;) {
      const n = buf[j]; const name = buf.toString('utf8', j + 1, j + 1 + n); j += 1 + n;
      assert.equal(buf[j], 7, 'string header'); const len = buf.readUInt16BE(j + 1);
      headers[name] = buf.toString('utf8', j + 3, j + 3 + len); j += 3 + len;
    }
    out.push({ headers, payload: JSON.parse(buf.toString('utf8', i + 12 + hlen, i + total - 4)) });
    i += total;
  }
  return out;
}
const sse = (text, sep) => text.split(sep).filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));

const checks = [];
const check = (name, fn) => checks.push({ name, fn });
const converse = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hello there world' }] }] });
const modelPath = (id, op) => `/model/${encodeURIComponent(id)}/${op}`;

check('bedrock converse, signed by an independent SigV4 signer', async () => {
  const path = modelPath('anthropic.claude-3-5-sonnet-20240620-v1:0', 'converse');
  assert.match(path, /%3A0/);
  const r = await bedrock(path, converse);
  assert.equal(r.status, 200, await r.clone().text());
  assert.ok(r.headers.get('x-amzn-requestid'));
  const body = await r.json();
  assert.deepEqual(body.output.message.content, [{ text: 'Hello there world' }]);
  assert.equal(body.stopReason, 'end_turn');
  const last = await mockJson('/mock/last_request');
  assert.equal(last.target, path);
  assert.equal(last.body_raw, converse);
});

check('bedrock refuses wrong secrets, key ids, services and missing auth', async () => {
  const path = modelPath('anthropic.claude-v2', 'converse');
  for (const [opts, status, type] of [[{ secret: 'nope' }, 403, 'InvalidSignatureException'],
    [{ akid: 'AKIDOTHER' }, 403, 'UnrecognizedClientException'],
    [{ service: 'bedrock-runtime' }, 403, 'InvalidSignatureException']]) {
    const r = await bedrock(path, converse, opts);
    assert.equal(r.status, status);
    assert.equal(r.headers.get('x-amzn-errortype').split(':')[0], type);
    assert.ok((await r.json()).message);
  }
  const r = await fetch(base + path, { method: 'POST', body: converse });
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('x-amzn-errortype').split(':')[0], 'MissingAuthenticationTokenException');
  const bearer = await fetch(base + path, { method: 'POST', headers: { authorization: 'Bearer api-key' }, body: converse });
  assert.equal(bearer.status, 200);
});

check('bedrock converse-stream frames, tool use, metadata after messageStop', async () => {
  const r = await bedrock(modelPath('mock-tools-1', 'converse-stream'), JSON.stringify({
    messages: [{ role: 'user', content: [{ text: 'Weather?' }] }],
    toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] } }));
  assert.equal(r.headers.get('content-type'), 'application/vnd.amazon.eventstream');
  const f = frames(Buffer.from(await r.arrayBuffer()));
  const types = f.map((x) => x.headers[':event-type']);
  assert.deepEqual([types[0], types[1], types.at(-3), types.at(-2), types.at(-1)],
    ['messageStart', 'contentBlockStart', 'contentBlockStop', 'messageStop', 'metadata']);
  const input = f.filter((x) => x.payload.delta?.toolUse).map((x) => x.payload.delta.toolUse.input).join('');
  assert.deepEqual(JSON.parse(input), { index: 0, text: 'Weather?' });
  assert.equal(f.at(-2).payload.stopReason, 'tool_use');
  assert.ok(f.at(-1).payload.usage.totalTokens > 0);
});

check('bedrock mid-stream throttlingException frame (error-after-2-429)', async () => {
  const r = await bedrock(modelPath('mock-error-after-2-429', 'converse-stream'), converse);
  const f = frames(Buffer.from(await r.arrayBuffer()));
  assert.equal(f.length, 3);
  assert.equal(f[2].headers[':message-type'], 'exception');
  assert.equal(f[2].headers[':exception-type'], 'throttlingException');
  const stats = await mockJson('/mock/stats');
  assert.ok(stats.streams_error_injected >= 1);
});

check('bedrock injected status and embeddings via invoke', async () => {
  const r = await bedrock(modelPath('mock-error-429', 'converse'), converse);
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('x-amzn-errortype').split(':')[0], 'ThrottlingException');
  const t = await bedrock(modelPath('amazon.titan-embed-text-v2:0', 'invoke'), JSON.stringify({ inputText: 'hi', dimensions: 256 }));
  assert.equal(t.status, 200);
  assert.equal((await t.json()).embedding.length, 256);
  assert.ok(t.headers.get('x-amzn-bedrock-input-token-count'));
  const c = await bedrock(modelPath('cohere.embed-english-v3', 'invoke'), JSON.stringify({ texts: ['a', 'b'], input_type: 'search_document' }));
  assert.equal((await c.json()).embeddings.length, 2);
});

check('gemini generateContent, stream (alt=sse), auth and validation', async () => {
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hello there world' }] }] });
  const url = `${base}/v1beta/models/gemini-2.5-flash:generateContent`;
  const ok = await fetch(url, { method: 'POST', headers: { 'x-goog-api-key': 'k' }, body });
  assert.equal((await ok.json()).candidates[0].content.parts[0].text, 'Hello there world');
  const denied = await fetch(url, { method: 'POST', body });
  assert.equal(denied.status, 403);
  assert.equal((await denied.json()).error.status, 'PERMISSION_DENIED');
  const bad = await fetch(url + '?key=k', { method: 'POST', body: JSON.stringify({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }) });
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { error: { code: 400, message: 'Please use a valid role: user, model.', status: 'INVALID_ARGUMENT' } });
  const s = await fetch(`${base}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, { method: 'POST', headers: { 'x-goog-api-key': 'k' }, body });
  const events = sse(await s.text(), '\r\n\r\n').map((e) => JSON.parse(e));
  assert.equal(events.map((e) => e.candidates[0].content.parts[0].text).join(''), 'Hello there world');
  assert.equal(events.at(-1).candidates[0].finishReason, 'STOP');
  const vertex = await fetch(`${base}/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent`,
    { method: 'POST', headers: { authorization: 'Bearer ya29.token' }, body });
  assert.equal(vertex.status, 200);
  assert.equal((await mockJson('/mock/last_request')).headers.authorization, 'Bearer ya29.token');
});

check('azure deployment route, stream opening chunk, api-version and auth', async () => {
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'Hi there' }], stream: true });
  const url = `${base}/openai/deployments/mock-model/chat/completions`;
  const missing = await fetch(url, { method: 'POST', headers: { 'api-key': 'k' }, body });
  assert.equal(missing.status, 404);
  const noKey = await fetch(url + '?api-version=2024-10-21', { method: 'POST', body });
  assert.equal(noKey.status, 401);
  const r = await fetch(url + '?api-version=2024-10-21', { method: 'POST', headers: { 'api-key': 'k' }, body });
  const chunks = sse(await r.text(), '\n\n');
  assert.equal(chunks.at(-1), '[DONE]');
  const first = JSON.parse(chunks[0]);
  assert.deepEqual(first.choices, []);
  assert.ok(first.prompt_filter_results);
  assert.equal(JSON.parse(chunks[2]).choices[0].delta.content, 'Hi');
});

check('vLLM /metrics counts in-flight requests and /mock/load', async () => {
  const metric = (text, name) => Number(text.match(new RegExp(`^${name}\\{[^}]*model_name="llama-mock"[^}]*\\} (\\S+)$`, 'm'))[1]);
  const controller = new AbortController();
  const hanging = fetch(`${base}/v1/chat/completions`, { method: 'POST', signal: controller.signal,
    body: JSON.stringify({ model: 'mock-hang-body', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
  const res = await hanging;  // headers arrive, the body never does
  assert.equal(res.status, 200);
  let text = await (await fetch(`${base}/metrics`)).text();
  assert.equal(metric(text, 'vllm:num_requests_running'), 1);
  const load = await fetch(`${base}/mock/load`, { method: 'POST', body: JSON.stringify({ waiting: 5, kv_cache_usage: 0.9, running_offset: 2 }) });
  assert.deepEqual(await load.json(), { waiting: 5, kv_cache_usage: 0.9, running_offset: 2 });
  text = await (await fetch(`${base}/metrics`)).text();
  assert.equal(metric(text, 'vllm:num_requests_running'), 3);
  assert.equal(metric(text, 'vllm:num_requests_waiting'), 5);
  assert.equal(metric(text, 'vllm:kv_cache_usage_perc'), 0.9);
  assert.equal(metric(text, 'vllm:gpu_cache_usage_perc'), 0.9);
  controller.abort();
  await fetch(`${base}/mock/reset`, { method: 'POST' });
});

// --- the official SDKs, when SDKS_FROM provides them -----------------------------------------------------
const sdksFrom = process.env.SDKS_FROM ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../tests/conformance');
async function load(name) {
  try {
    return await import(pathToFileURL(createRequire(join(sdksFrom, 'package.json')).resolve(name)).href);
  } catch {
    console.log(`skip ${name} (not installed under ${sdksFrom})`);
    return null;
  }
}
const aws = await load('@aws-sdk/client-bedrock-runtime');
// The SDK streams over HTTP/2 by default; the mock speaks HTTP/1.1 (Bedrock accepts both).
const smithyHttp = await load('@smithy/node-http-handler');
const genai = await load('@google/genai');
const openai = await load('openai');
if (aws && smithyHttp) {
  check('@aws-sdk/client-bedrock-runtime Converse + ConverseStream (SDK signs, mock verifies)', async () => {
    const requestHandler = new smithyHttp.NodeHttpHandler();
    const client = new aws.BedrockRuntimeClient({ region: 'us-east-1', endpoint: base, maxAttempts: 1, requestHandler,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET } });
    const out = await client.send(new aws.ConverseCommand({ modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0-thinking-2',
      messages: [{ role: 'user', content: [{ text: 'Hello there' }] }] }));
    assert.equal(out.output.message.content.at(-1).text, 'Hello there');
    assert.equal(out.output.message.content[0].reasoningContent.reasoningText.text, 'thought0 thought1');
    const stream = await client.send(new aws.ConverseStreamCommand({ modelId: 'mock-tools-2',
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      toolConfig: { tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object' } } } }] } }));
    const seen = [];
    for await (const ev of stream.stream) seen.push(Object.keys(ev)[0]);
    assert.deepEqual([seen[0], seen.at(-2), seen.at(-1)], ['messageStart', 'messageStop', 'metadata']);
    assert.equal(seen.filter((k) => k === 'contentBlockStart').length, 2);
    const failing = await client.send(new aws.ConverseStreamCommand({ modelId: 'mock-error-after-2-429',
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    await assert.rejects(async () => { for await (const _ of failing.stream) {} }, (e) => e.name === 'ThrottlingException');
    const bad = new aws.BedrockRuntimeClient({ region: 'us-east-1', endpoint: base, maxAttempts: 1, requestHandler,
      credentials: { accessKeyId: AKID, secretAccessKey: 'wrong' } });
    await assert.rejects(bad.send(new aws.ConverseCommand({ modelId: 'm', messages: [{ role: 'user', content: [{ text: 'x' }] }] })),
      (e) => e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 403);
  });
}
if (genai) {
  check('@google/genai generateContent + generateContentStream + countTokens + embedContent', async () => {
    const ai = new genai.GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: base } });
    const r = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hello there world' });
    assert.equal(r.text, 'Hello there world');
    let text = '';
    for await (const c of await ai.models.generateContentStream({ model: 'gemini-2.5-flash-tools-1', contents: 'Hi',
      config: { tools: [{ functionDeclarations: [{ name: 'get_weather' }] }] } })) {
      if (c.functionCalls) text += c.functionCalls.map((f) => f.name).join();
    }
    assert.equal(text, 'get_weather');
    assert.equal((await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'hello world' })).totalTokens, 9);
    const e = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['a', 'b'], config: { outputDimensionality: 4 } });
    assert.equal(e.embeddings.length, 2);
    assert.equal(e.embeddings[0].values.length, 4);
  });
}
if (openai?.AzureOpenAI) {
  check('openai AzureOpenAI client (deployment route)', async () => {
    const client = new openai.AzureOpenAI({ endpoint: base, apiKey: 'k', apiVersion: '2024-10-21', deployment: 'mock-model', maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: 'Hi there' }] });
    assert.equal(r.choices[0].message.content, 'Hi there');
    let text = '';
    for await (const c of await client.chat.completions.create({ model: 'ignored', stream: true, messages: [{ role: 'user', content: 'Hi there' }] })) {
      text += c.choices[0]?.delta?.content ?? '';
    }
    assert.equal(text, 'Hi there');
    const last = await mockJson('/mock/last_request');
    assert.match(last.target, /^\/openai\/deployments\/mock-model\/chat\/completions\?api-version=2024-10-21$/);
  });
}

let failed = 0;
for (const { name, fn } of checks) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${e.stack?.split('\n').slice(0, 4).join('\n     ')}`);
  }
}
mock.kill('SIGTERM');
const code = await new Promise((res) => mock.once('exit', res));
clearTimeout(watchdog);
if (code !== 0) { console.log(`mock exited with ${code}`); failed++; }
console.log(`${checks.length - failed}/${checks.length} checks passed`);
process.exit(failed ? 1 : 0);
