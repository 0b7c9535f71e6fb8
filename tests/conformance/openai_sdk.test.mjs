// Conformance: the official `openai` npm SDK, unmodified, talks to sluice in front of mock_llm. Whatever the
// SDK parses, accumulates or raises here is what real applications will see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startMock, startGateway, gatewayConfig } from '../integration/lib/harness.mjs';

const PROVIDER_KEY = 'sk-provider-secret-123';
const CLIENT_KEY = 'client-key-abc';
const KEY = '${MOCK_PROVIDER_KEY:-sk-provider-secret-123}';
let mock; let gw; let client;

before(async () => {
  mock = await startMock();
  const p = (headers) => ({ type: 'openai_compatible', base_url: mock.url, api_key: KEY, headers });
  gw = await startGateway(gatewayConfig(mock.url, {
    providers: {
      e429: p({ 'x-mock-error-status': '429', 'x-mock-retry-after': '7' }),
      e500: p({ 'x-mock-error-status': '500' }),
      e503: p({ 'x-mock-error-status': '503' }),
      midstream: p({ 'x-mock-error-after-chunks': '2' }),
      abort: p({ 'x-mock-abort-after-chunks': '2' }),
    },
    models: {
      'tools-test': { provider: 'mock', model: 'mock-tools-3' },
      'embed-test': { provider: 'mock', model: 'text-embedding-3-small' },
      'rate-limited': { provider: 'e429', model: 'gpt-4o' },
      'fails-500': { provider: 'e500', model: 'gpt-4o' },
      'fails-503': { provider: 'e503', model: 'gpt-4o' },
      'mid-error': { provider: 'midstream', model: 'gpt-4o' },
      'aborts': { provider: 'abort', model: 'gpt-4o' },
    },
  }));
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10000 });
});

after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const USER_TEXT = 'Hello there conformance world';
const messages = [{ role: 'user', content: USER_TEXT }];
const TOOLS = ['get_weather', 'get_time'].map((name) => ({
  type: 'function',
  function: { name, description: `${name} tool`, parameters: { type: 'object', properties: { text: { type: 'string' } } } },
}));

test('non-streaming chat completion', async () => {
  const c = await client.chat.completions.create({ model: 'gpt-test', messages, temperature: 0.2 });
  assert.match(c.id, /^chatcmpl-/);
  assert.equal(c.object, 'chat.completion');
  assert.equal(c.choices.length, 1);
  assert.equal(c.choices[0].message.role, 'assistant');
  assert.equal(c.choices[0].message.content, USER_TEXT);
  assert.equal(c.choices[0].finish_reason, 'stop');
  assert.equal(c.usage.completion_tokens, 4);
  assert.ok(c.usage.prompt_tokens > 0);
  assert.equal(c.usage.total_tokens, c.usage.prompt_tokens + c.usage.completion_tokens);
  const last = await mock.lastRequest();
  assert.equal(last.body.model, 'mock-upstream-model');
  assert.equal(last.body.temperature, 0.2);
  assert.equal(last.headers.authorization, `Bearer ${PROVIDER_KEY}`, 'the client key is replaced by the provider key');
  // withResponse exposes the HTTP layer: request id forwarded from the upstream.
  const { response } = await client.chat.completions.create({ model: 'gpt-test', messages }).withResponse();
  assert.match(response.headers.get('x-request-id'), /^req_mock_/);
});

test('streaming with include_usage: chunks, content, final usage chunk', async () => {
  const s = await client.chat.completions.create({ model: 'gpt-test', messages, stream: true, stream_options: { include_usage: true } });
  const chunks = [];
  for await (const chunk of s) chunks.push(chunk);
  assert.ok(chunks.length >= 6, `got ${chunks.length} chunks`);
  const ids = new Set(chunks.map((c) => c.id));
  assert.equal(ids.size, 1);
  for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
  const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  assert.equal(content, USER_TEXT);
  const finish = chunks.find((c) => c.choices[0]?.finish_reason);
  assert.equal(finish.choices[0].finish_reason, 'stop');
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage.completion_tokens, 4);
  assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + 4);
  assert.equal(chunks.filter((c) => c.usage).length, 1, 'exactly one chunk carries usage');
});

test('streaming without include_usage: no usage chunk reaches the client, upstream was asked for it', async () => {
  const s = await client.chat.completions.create({ model: 'gpt-test', messages, stream: true });
  const chunks = [];
  for await (const chunk of s) chunks.push(chunk);
  assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), USER_TEXT);
  assert.ok(chunks.every((c) => c.choices.length === 1), 'no choices:[] usage-only chunk');
  assert.ok(chunks.every((c) => !c.usage), 'no chunk carries usage');
  const last = await mock.lastRequest();
  assert.equal(last.body.stream, true);
  assert.deepEqual(last.body.stream_options, { include_usage: true });
});

test('chat.completions.stream helper: events and finalChatCompletion()', async () => {
  const runner = client.chat.completions.stream({ model: 'gpt-test', messages, stream_options: { include_usage: true } });
  const deltas = [];
  runner.on('content', (delta) => deltas.push(delta));
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].message.content, USER_TEXT);
  assert.equal(final.choices[0].finish_reason, 'stop');
  assert.equal(deltas.join(''), USER_TEXT);
  assert.ok(deltas.length >= 4);
  assert.equal(final.usage?.completion_tokens, 4);
  assert.equal(await runner.finalContent(), USER_TEXT);
});

function checkToolCalls(toolCalls) {
  assert.equal(toolCalls.length, 3);
  toolCalls.forEach((tc, k) => {
    assert.equal(tc.id, `call_mock_${k}`);
    assert.equal(tc.type, 'function');
    assert.equal(tc.function.name, TOOLS[k % TOOLS.length].function.name);
    const args = JSON.parse(tc.function.arguments);
    assert.deepEqual(args, { index: k, text: USER_TEXT.slice(0, 32) });
  });
}

test('tool calls, non-streaming', async () => {
  const c = await client.chat.completions.create({ model: 'tools-test', messages, tools: TOOLS });
  assert.equal(c.choices[0].finish_reason, 'tool_calls');
  assert.equal(c.choices[0].message.content, null);
  checkToolCalls(c.choices[0].message.tool_calls);
  assert.equal((await mock.lastRequest()).body.tools.length, 2);
});

test('tool calls, streaming: fragments accumulated by the SDK', async () => {
  const runner = client.chat.completions.stream({ model: 'tools-test', messages, tools: TOOLS });
  const doneArgs = [];
  runner.on('tool_calls.function.arguments.done', (e) => doneArgs.push(e));
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  checkToolCalls(final.choices[0].message.tool_calls);
  assert.equal(doneArgs.length, 3);
  // And by hand from the raw chunks: arguments arrive in several fragments per call.
  const s = await client.chat.completions.create({ model: 'tools-test', messages, tools: TOOLS, stream: true });
  const acc = [];
  let fragments = 0;
  for await (const chunk of s) {
    for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) {
      acc[tc.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } };
      if (tc.id) acc[tc.index].id = tc.id;
      if (tc.function?.name) acc[tc.index].function.name += tc.function.name;
      if (tc.function?.arguments) { acc[tc.index].function.arguments += tc.function.arguments; fragments++; }
    }
  }
  checkToolCalls(acc);
  assert.ok(fragments > 3, `arguments came in ${fragments} fragments`);
});

test('embeddings: float and base64 (decoded by the SDK)', async () => {
  const f = await client.embeddings.create({ model: 'embed-test', input: ['alpha', 'beta'], encoding_format: 'float' });
  assert.equal(f.object, 'list');
  assert.equal(f.data.length, 2);
  assert.equal(f.data[0].embedding.length, 1536);
  const norm = Math.sqrt(f.data[0].embedding.reduce((s, x) => s + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
  assert.ok(f.usage.prompt_tokens > 0);
  // Default: the SDK asks for base64 and decodes it to numbers.
  const b = await client.embeddings.create({ model: 'embed-test', input: ['alpha', 'beta'] });
  assert.equal((await mock.lastRequest()).body.encoding_format, 'base64');
  assert.equal(b.data[1].embedding.length, 1536);
  for (let i = 0; i < 1536; i += 97) assert.ok(Math.abs(b.data[1].embedding[i] - f.data[1].embedding[i]) < 1e-6);
  const d = await client.embeddings.create({ model: 'embed-test', input: 'alpha', dimensions: 256, encoding_format: 'float' });
  assert.equal(d.data[0].embedding.length, 256);
});

test('models.list()', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.deepEqual(ids.sort(), ['aborts', 'embed-test', 'fails-500', 'fails-503', 'gpt-test', 'mid-error', 'rate-limited', 'tools-test']);
  const one = await client.models.retrieve('gpt-test');
  assert.equal(one.id, 'gpt-test');
});

test('upstream errors surface as the SDK error classes', async () => {
  await assert.rejects(client.chat.completions.create({ model: 'rate-limited', messages }), (e) => {
    assert.ok(e instanceof OpenAI.RateLimitError, e.constructor.name);
    assert.equal(e.status, 429);
    assert.equal(e.headers.get('retry-after'), '7');
    assert.equal(e.code, 'rate_limit_exceeded');
    assert.equal(e.type, 'rate_limit_error');
    return true;
  });
  for (const [model, status] of [['fails-500', 500], ['fails-503', 503]]) {
    await assert.rejects(client.chat.completions.create({ model, messages }), (e) => {
      assert.ok(e instanceof OpenAI.InternalServerError, `${model}: ${e.constructor.name}`);
      assert.equal(e.status, status);
      return true;
    });
  }
  // A streamed request that fails before the first byte is an HTTP error too, not a broken stream.
  await assert.rejects(client.chat.completions.create({ model: 'fails-503', messages, stream: true }), (e) => {
    assert.ok(e instanceof OpenAI.InternalServerError);
    assert.equal(e.status, 503);
    return true;
  });
  await assert.rejects(client.chat.completions.create({ model: 'no-such-model', messages }), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError, e.constructor.name);
    assert.equal(e.status, 404);
    assert.equal(e.code, 'model_not_found');
    assert.equal(e.param, 'model');
    return true;
  });
  await assert.rejects(client.chat.completions.create({ model: 'gpt-test', messages: [] }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError);
    assert.equal(e.param, 'messages');
    return true;
  });
});

test('an upstream error mid-stream makes stream iteration throw', async () => {
  const s = await client.chat.completions.create({ model: 'mid-error', messages, stream: true });
  const seen = [];
  await assert.rejects(async () => { for await (const c of s) seen.push(c); }, (e) => {
    assert.ok(e instanceof OpenAI.APIError, e.constructor.name);
    return true;
  });
  assert.equal(seen.length, 2, 'the chunks before the error were delivered');
  // The helper rejects too.
  const runner = client.chat.completions.stream({ model: 'mid-error', messages });
  await assert.rejects(runner.finalChatCompletion(), OpenAI.APIError);
});

test('an upstream that aborts mid-stream is an error for the SDK, never a silent success', async () => {
  const s = await client.chat.completions.create({ model: 'aborts', messages, stream: true });
  const seen = [];
  await assert.rejects(async () => { for await (const c of s) seen.push(c); }, (e) => {
    assert.ok(e instanceof OpenAI.APIError, e.constructor.name);
    assert.equal(e.code, 'upstream_protocol_error');
    return true;
  });
  assert.equal(seen.length, 2);
  const runner = client.chat.completions.stream({ model: 'aborts', messages });
  await assert.rejects(runner.finalChatCompletion());
});

test('no provider key in gateway output', async () => {
  const all = [...gw.lines, ...gw.stderr].join('\n');
  assert.ok(!all.includes(PROVIDER_KEY));
  assert.ok(!all.includes(CLIENT_KEY));
});
