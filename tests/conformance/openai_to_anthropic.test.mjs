// Conformance across dialects: the official `openai` SDK talks to sluice, which translates to an Anthropic
// upstream (tools/mock_llm speaking the Messages API). What the SDK parses, accumulates or raises is what an
// application moving from OpenAI to Claude behind the gateway sees; the mock's record shows what Anthropic
// received.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startMock, startGateway, gatewayConfig } from '../integration/lib/harness.mjs';

const PROVIDER_KEY = 'sk-ant-provider-secret-456';
const CLIENT_KEY = 'client-key-xyz';
let mock; let gw; let client;

before(async () => {
  mock = await startMock();
  gw = await startGateway(gatewayConfig(mock.url, {
    providers: {
      claude: { type: 'anthropic', base_url: mock.url, api_key: '${ANT_KEY:-' + PROVIDER_KEY + '}' },
    },
    models: {
      'claude-test': { provider: 'claude', model: 'claude-mock' },
      'claude-tools': { provider: 'claude', model: 'claude-mock-tools-2' },
      'claude-cached': { provider: 'claude', model: 'claude-mock-cached-6' },
      'claude-thinking': { provider: 'claude', model: 'claude-mock-thinking' },
      'claude-overloaded': { provider: 'claude', model: 'claude-mock-error-529' },
      'claude-limited': { provider: 'claude', model: 'claude-mock-error-429-retry-after-3' },
      'claude-mid-error': { provider: 'claude', model: 'claude-mock-error-after-3' },
      'claude-cut': { provider: 'claude', model: 'claude-mock-abort-after-3' },
    },
  }));
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10000 });
});

after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const USER_TEXT = 'Hello there translated world';
const TOOLS = ['get_weather', 'get_time'].map((name) => ({
  type: 'function',
  function: { name, description: `${name} tool`, parameters: { type: 'object', properties: { city: { type: 'string' } } } },
}));

test('non-streaming: Anthropic answer arrives as a chat.completion; upstream got a valid Messages request', async () => {
  const c = await client.chat.completions.create({
    model: 'claude-test', temperature: 0.3, stop: ['NEVER'],
    messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: USER_TEXT }],
  });
  assert.equal(c.object, 'chat.completion');
  assert.equal(c.choices[0].message.role, 'assistant');
  assert.equal(c.choices[0].message.content, USER_TEXT);
  assert.equal(c.choices[0].finish_reason, 'stop');
  assert.ok(c.usage.prompt_tokens > 0);
  assert.equal(c.usage.total_tokens, c.usage.prompt_tokens + c.usage.completion_tokens);

  const up = await mock.lastRequest();
  assert.equal(up.target, '/v1/messages');
  assert.equal(up.headers['x-api-key'], PROVIDER_KEY);
  assert.ok(up.headers['anthropic-version']);
  assert.equal(up.headers.authorization, undefined, 'the client key must never reach the provider');
  assert.ok(!JSON.stringify(up).includes(CLIENT_KEY));
  assert.equal(up.body.model, 'claude-mock');
  assert.equal(typeof up.body.max_tokens, 'number');
  assert.equal(up.body.temperature, 0.3);
  assert.deepEqual(up.body.stop_sequences, ['NEVER']);
  assert.ok(JSON.stringify(up.body.system).includes('be brief'), 'system prompt moves to the top level');
  assert.deepEqual(up.body.messages.map((m) => m.role), ['user']);
});

test('streaming with usage: content deltas, finish reason and a final usage chunk', async () => {
  const stream = await client.chat.completions.create({
    model: 'claude-test', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: USER_TEXT }],
  });
  let text = ''; let finish = null; let usage = null; let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    for (const ch of chunk.choices) {
      text += ch.delta?.content ?? '';
      if (ch.finish_reason) finish = ch.finish_reason;
    }
  }
  assert.equal(text, USER_TEXT);
  assert.equal(finish, 'stop');
  assert.ok(chunks >= 3);
  assert.ok(usage && usage.completion_tokens > 0 && usage.prompt_tokens > 0);
  assert.equal((await mock.lastRequest()).body.stream, true);
});

test('stream helper accumulates the final completion', async () => {
  const runner = client.chat.completions.stream({ model: 'claude-test', messages: [{ role: 'user', content: USER_TEXT }] });
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].message.content, USER_TEXT);
});

test('tool calls, non-streaming: ids, names and JSON arguments; tools reach Anthropic as input_schema', async () => {
  const c = await client.chat.completions.create({
    model: 'claude-tools', tools: TOOLS, tool_choice: 'auto', messages: [{ role: 'user', content: 'weather and time?' }],
  });
  const calls = c.choices[0].message.tool_calls;
  assert.equal(c.choices[0].finish_reason, 'tool_calls');
  assert.equal(calls.length, 2);
  for (const call of calls) {
    assert.equal(call.type, 'function');
    assert.ok(call.id);
    assert.ok(['get_weather', 'get_time'].includes(call.function.name));
    assert.equal(typeof JSON.parse(call.function.arguments), 'object');
  }
  const up = await mock.lastRequest();
  assert.deepEqual(up.body.tools.map((t) => t.name), ['get_weather', 'get_time']);
  assert.equal(up.body.tools[0].input_schema.type, 'object');
});

test('tool calls, streaming: the SDK accumulates parallel calls from translated deltas', async () => {
  const runner = client.chat.completions.stream({ model: 'claude-tools', tools: TOOLS, messages: [{ role: 'user', content: 'go' }] });
  const final = await runner.finalChatCompletion();
  const calls = final.choices[0].message.tool_calls;
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  assert.equal(calls.length, 2);
  assert.notEqual(calls[0].id, calls[1].id);
  for (const call of calls) assert.equal(typeof JSON.parse(call.function.arguments), 'object');
});

test('tool round trip: assistant tool_calls and tool results translate to tool_use / tool_result blocks', async () => {
  const c = await client.chat.completions.create({
    model: 'claude-test', tools: TOOLS,
    messages: [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ],
  });
  assert.equal(c.choices[0].message.role, 'assistant');
  const body = (await mock.lastRequest()).body;
  const assistant = body.messages.find((m) => m.role === 'assistant');
  const toolUse = assistant.content.find((b) => b.type === 'tool_use');
  assert.equal(toolUse.id, 'call_1');
  assert.deepEqual(toolUse.input, { city: 'Paris' });
  const result = body.messages.at(-1).content.find((b) => b.type === 'tool_result');
  assert.equal(result.tool_use_id, 'call_1');
});

test('cached tokens: prompt_tokens includes cache reads, reported as cached_tokens', async () => {
  const c = await client.chat.completions.create({ model: 'claude-cached', messages: [{ role: 'user', content: USER_TEXT }] });
  assert.equal(c.usage.prompt_tokens_details.cached_tokens, 6);
  assert.ok(c.usage.prompt_tokens >= 6);
});

test('Anthropic 529 overloaded reaches an OpenAI client as 503', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'claude-overloaded', messages: [{ role: 'user', content: 'x' }] }),
    (err) => err instanceof OpenAI.InternalServerError && err.status === 503);
});

test('Anthropic 429 stays 429 (RateLimitError)', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'claude-limited', messages: [{ role: 'user', content: 'x' }] }),
    (err) => err instanceof OpenAI.RateLimitError && err.status === 429);
});

test('an Anthropic error event mid-stream makes the SDK raise, never a silent success', async () => {
  const stream = await client.chat.completions.create({ model: 'claude-mid-error', stream: true, messages: [{ role: 'user', content: USER_TEXT }] });
  await assert.rejects(async () => { for await (const _ of stream) { /* drain */ } }, (err) => err instanceof OpenAI.APIError);
});

test('an Anthropic stream cut mid-way makes the SDK raise', async () => {
  const stream = await client.chat.completions.create({ model: 'claude-cut', stream: true, messages: [{ role: 'user', content: USER_TEXT }] });
  await assert.rejects(async () => { for await (const _ of stream) { /* drain */ } });
});

test('a parameter Anthropic cannot honour is a clear 400', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'claude-test', n: 2, messages: [{ role: 'user', content: 'x' }] }),
    (err) => err instanceof OpenAI.BadRequestError && err.status === 400);
});

test('no provider key in gateway output', async () => {
  const all = gw.lines.join('\n') + gw.stderr.join('');
  assert.ok(!all.includes(PROVIDER_KEY));
});
