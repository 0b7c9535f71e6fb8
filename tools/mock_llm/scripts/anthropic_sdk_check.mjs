// Wire-format check of mock_llm's Anthropic dialect against the official @anthropic-ai/sdk: the SDK talks
// to the mock directly, so anything the mock sends that the SDK does not accept fails here.
//   node tools/mock_llm/scripts/anthropic_sdk_check.mjs BUILD/tools/mock_llm/mock_llm
// Starts the mock on port 0, runs the checks, stops it with SIGTERM (expects exit 0). Exit 0 = all passed,
// 1 = a check failed, 77 = the SDK is not installed (npm ci in tests/conformance), which CTest reports as
// skipped. The SDK is resolved from tests/conformance/node_modules (or ANTHROPIC_SDK_FROM=<dir with
// node_modules>).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: anthropic_sdk_check.mjs MOCK_BINARY');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const from = process.env.ANTHROPIC_SDK_FROM ?? resolve(here, '../../../tests/conformance');
let Anthropic;
try {
  const sdkPath = createRequire(join(from, 'package.json')).resolve('@anthropic-ai/sdk');
  const mod = await import(pathToFileURL(sdkPath).href);
  Anthropic = mod.default?.default ?? mod.default ?? mod.Anthropic;
} catch (e) {
  console.error(`@anthropic-ai/sdk not found from ${from}: ${e.message}`);
  process.exit(77);
}

const watchdog = setTimeout(() => { console.error('timed out'); process.exit(1); }, 30000);
const mock = spawn(binary, ['--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = await new Promise((res, rej) => {
  readline.createInterface({ input: mock.stdout }).once('line', res);
  mock.once('exit', (code) => rej(new Error(`mock exited early (${code})`)));
});
const baseURL = `http://${JSON.parse(line).addr}`;

// Record every request body the SDK sends, to compare with the mock's /mock/last_request.body_raw.
let lastSentBody = null;
const recordingFetch = async (url, init) => {
  if (init?.body !== undefined) lastSentBody = String(init.body);
  return fetch(url, init);
};
const client = new Anthropic({ baseURL, apiKey: 'sk-ant-test', maxRetries: 0, fetch: recordingFetch });
const user = (text) => [{ role: 'user', content: text }];
const tools = [
  { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'get_time', input_schema: { type: 'object', properties: {} } },
];
const mockJson = async (path) => (await fetch(baseURL + path)).json();

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check('messages.create (non-stream) and body_raw', async () => {
  const msg = await client.messages.create({ model: 'claude-mock-1', max_tokens: 256, system: 'Be brief.',
    messages: user('Hello there world') });
  assert.match(msg.id, /^msg_/);
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');
  assert.equal(msg.model, 'claude-mock-1');
  assert.deepEqual(msg.content, [{ type: 'text', text: 'Hello there world' }]);
  assert.equal(msg.stop_reason, 'end_turn');
  assert.equal(msg.stop_sequence, null);
  assert.equal(msg.usage.output_tokens, 3);
  assert.equal(msg.usage.input_tokens, 3 + (3 + 3) + (3 + 5));  // reply + system + message
  const last = await mockJson('/mock/last_request');
  // SDK 1.x sends the key as "authorization: Bearer …"; older ones as x-api-key. The mock accepts both.
  assert.ok([last.headers['x-api-key'], last.headers.authorization].some((v) => v?.endsWith('sk-ant-test')));
  assert.match(last.headers['anthropic-version'], /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(last.body_raw, lastSentBody);  // byte-for-byte what the SDK sent
  assert.equal(last.body_bytes, Buffer.byteLength(lastSentBody));
});

check('messages.stream().finalMessage() with text events', async () => {
  const stream = client.messages.stream({ model: 'claude-mock-1', max_tokens: 256, messages: user('one two three') });
  const texts = [];
  stream.on('text', (t) => texts.push(t));
  const msg = await stream.finalMessage();
  assert.deepEqual(texts, ['one', ' two', ' three']);
  assert.equal(msg.content.length, 1);
  assert.equal(msg.content[0].type, 'text');
  assert.equal(msg.content[0].text, 'one two three');
  assert.equal(msg.stop_reason, 'end_turn');
  assert.equal(msg.usage.output_tokens, 3);
  assert.ok(msg.usage.input_tokens > 0);
});

check('raw stream event order', async () => {
  const stream = await client.messages.create({ model: 'mock-tools-1', max_tokens: 64, stream: true, tools,
    messages: user('Paris') });
  const types = [];
  for await (const ev of stream) types.push(ev.type === 'content_block_delta' ? ev.delta.type : ev.type);
  assert.deepEqual(types.filter((t, i) => t !== types[i - 1]), ['message_start', 'content_block_start',
    'input_json_delta', 'content_block_stop', 'message_delta', 'message_stop']);  // ping is consumed by the SDK
});

check('tool use: stream and non-stream', async () => {
  const streamed = await client.messages.stream({ model: 'mock-tools-2', max_tokens: 256, tools,
    messages: user('Weather in Paris?') }).finalMessage();
  assert.equal(streamed.stop_reason, 'tool_use');
  assert.equal(streamed.content.length, 2);
  streamed.content.forEach((block, k) => {
    assert.equal(block.type, 'tool_use');
    assert.equal(block.id, `toolu_mock_${k}`);
    assert.equal(block.name, tools[k].name);
    assert.deepEqual(block.input, { index: k, text: 'Weather in Paris?' });  // the partial_json fragments parsed
  });
  const plain = await client.messages.create({ model: 'mock-tools-2', max_tokens: 256, tools,
    messages: user('Weather in Paris?') });
  assert.deepEqual(plain.content, streamed.content);
  assert.equal(plain.usage.output_tokens, streamed.usage.output_tokens);
});

check('extended thinking block with signature', async () => {
  const msg = await client.messages.stream({ model: 'claude-mock-1', max_tokens: 4096,
    thinking: { type: 'enabled', budget_tokens: 1024 }, messages: user('think hard') }).finalMessage();
  assert.equal(msg.content[0].type, 'thinking');
  assert.equal(msg.content[0].thinking, 'thought0 thought1 thought2');
  assert.ok(msg.content[0].signature.length > 20);
  assert.equal(msg.content[1].type, 'text');
  assert.equal(msg.usage.output_tokens, 3 + 2);
});

check('max_tokens and stop_sequences', async () => {
  const cut = await client.messages.create({ model: 'm', max_tokens: 2, messages: user('a b c d') });
  assert.equal(cut.stop_reason, 'max_tokens');
  assert.equal(cut.content[0].text, 'a b');
  const stopped = await client.messages.stream({ model: 'm', max_tokens: 50, stop_sequences: ['c'],
    messages: user('a b c d') }).finalMessage();
  assert.equal(stopped.stop_reason, 'stop_sequence');
  assert.equal(stopped.stop_sequence, 'c');
  assert.equal(stopped.content[0].text, 'a b ');
});

check('error statuses map to SDK error classes', async () => {
  const cases = [[400, Anthropic.BadRequestError, 'invalid_request_error'],
    [401, Anthropic.AuthenticationError, 'authentication_error'], [403, Anthropic.PermissionDeniedError, 'permission_error'],
    [404, Anthropic.NotFoundError, 'not_found_error'], [429, Anthropic.RateLimitError, 'rate_limit_error'],
    [500, Anthropic.InternalServerError, 'api_error'], [529, Anthropic.InternalServerError, 'overloaded_error']];
  for (const [status, cls, type] of cases) {
    const err = await client.messages.create({ model: `mock-error-${status}-retry-after-1`, max_tokens: 8,
      messages: user('x') }).then(() => null, (e) => e);
    assert.ok(err instanceof cls, `${status}: ${err?.constructor?.name}`);
    assert.equal(err.status, status);
    assert.equal(err.error.type, 'error');
    assert.equal(err.error.error.type, type);
    assert.equal(err.headers.get('retry-after'), '1');
    assert.match(err.requestID, /^req_mock_/);
  }
  const invalid = await client.messages.create({ model: 'm', max_tokens: 8, messages: [] }).then(() => null, (e) => e);
  assert.ok(invalid instanceof Anthropic.BadRequestError);
  assert.equal(invalid.error.error.message, 'messages: at least one message is required');
});

check('in-stream error event and abort', async () => {
  const err = await client.messages.stream({ model: 'mock-error-after-4', max_tokens: 64, messages: user('a b c d') })
    .finalMessage().then(() => null, (e) => e);
  assert.ok(err instanceof Anthropic.APIError, String(err));
  assert.equal(err.error.error.type, 'overloaded_error');
  assert.equal(err.error.error.message, 'Overloaded');
  const aborted = await client.messages.stream({ model: 'mock-abort-after-4', max_tokens: 64, messages: user('a b c d') })
    .finalMessage().then(() => null, (e) => e);
  assert.ok(aborted instanceof Error, 'a cut connection must fail the stream');
});

check('header checks (x-api-key accepted, anthropic-version required)', async () => {
  const body = JSON.stringify({ model: 'm', max_tokens: 8, messages: user('hi') });
  const post = (headers) => fetch(`${baseURL}/v1/messages`, { method: 'POST', body,
    headers: { 'content-type': 'application/json', ...headers } });
  const ok = await post({ 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('request-id'), /^req_mock_/);
  const noVersion = await post({ 'x-api-key': 'k' });
  assert.equal(noVersion.status, 400);
  assert.equal((await noVersion.json()).error.message, 'anthropic-version: header is required');
  const noKey = await post({ 'anthropic-version': '2023-06-01' });
  assert.equal(noKey.status, 401);
  assert.equal((await noKey.json()).error.type, 'authentication_error');
});

check('count_tokens and models', async () => {
  const { input_tokens } = await client.messages.countTokens({ model: 'm', system: 'Be brief.', messages: user('Hello there world') });
  assert.equal(input_tokens, 3 + 6 + 8);
  const ids = [];
  for await (const model of client.models.list({ limit: 2 })) ids.push(model.id);  // pages via after_id
  assert.equal(ids.length, 5);
  assert.ok(ids.includes('mock-model'));
  const one = await client.models.retrieve('mock-model');
  assert.equal(one.type, 'model');
  assert.equal(one.display_name, 'Mock Model');
});

let passed = 0;
for (const { name, fn } of checks) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
  }
}
mock.kill('SIGTERM');
const exitCode = await new Promise((res) => mock.once('exit', (code) => res(code)));
clearTimeout(watchdog);
if (exitCode !== 0) console.log(`FAIL mock exit code ${exitCode} after SIGTERM`);
console.log(`${passed}/${checks.length} checks passed, mock exit code ${exitCode}`);
process.exit(passed === checks.length && exitCode === 0 ? 0 : 1);
