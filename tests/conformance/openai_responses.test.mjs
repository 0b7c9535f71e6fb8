// Conformance of POST /v1/responses: the official `openai` SDK's client.responses.create (plain and streamed,
// with function tools and a tool-result round trip) through sluice to an OpenAI-compatible upstream (which
// gets Chat Completions) and to an Anthropic upstream (which gets Messages). What the SDK parses, accumulates
// or raises is the proof; the mock's record shows what each upstream received.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startMock, startGateway, gatewayConfig } from '../integration/lib/harness.mjs';

const CLIENT_KEY = 'client-key-responses-77';
const OAI_KEY = 'sk-oai-provider-1';
const ANT_KEY = 'sk-ant-provider-2';
let mock; let gw; let client;

before(async () => {
  mock = await startMock();
  gw = await startGateway(gatewayConfig(mock.url, {
    providers: {
      oai: { type: 'openai_compatible', base_url: mock.url, api_key: OAI_KEY },
      claude: { type: 'anthropic', base_url: mock.url, api_key: ANT_KEY },
    },
    models: {
      'oai-plain': { provider: 'oai', model: 'mock-plain' },
      'oai-tools': { provider: 'oai', model: 'mock-tools-2' },
      'oai-cut': { provider: 'oai', model: 'mock-error-after-3' },
      'oai-bad': { provider: 'oai', model: 'mock-error-400' },
      'claude-plain': { provider: 'claude', model: 'claude-mock' },
      'claude-tools': { provider: 'claude', model: 'claude-mock-tools-2' },
      'claude-thinking': { provider: 'claude', model: 'claude-mock-thinking' },
      'claude-cut': { provider: 'claude', model: 'claude-mock-error-after-3' },
    },
  }));
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10000 });
});

after(async () => {
  await gw?.stop();
  await mock?.stop();
});

const TEXT = 'Responses through the gateway';
const TOOLS = ['get_weather', 'get_time'].map((name) => ({
  type: 'function', name, description: `${name} tool`, strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
}));

const UPSTREAMS = {
  oai: { target: '/v1/chat/completions', auth: (h) => h.authorization === `Bearer ${OAI_KEY}`, callId: 'call_mock_' },
  claude: { target: '/v1/messages', auth: (h) => h['x-api-key'] === ANT_KEY, callId: 'toolu_mock_' },
};

for (const [up, spec] of Object.entries(UPSTREAMS)) {
  test(`${up}: responses.create returns a completed response the SDK reads`, async () => {
    const r = await client.responses.create({
      model: `${up}-plain`, instructions: 'Answer briefly.', input: TEXT, temperature: 0.5,
      metadata: { trace: 't-1' },
    });
    assert.equal(r.object, 'response');
    assert.match(r.id, /^resp_/);
    assert.equal(r.status, 'completed');
    assert.equal(r.output_text, TEXT);
    assert.equal(r.instructions, 'Answer briefly.');
    assert.equal(r.temperature, 0.5);
    assert.deepEqual(r.metadata, { trace: 't-1' });
    assert.ok(r.usage.input_tokens > 0 && r.usage.output_tokens > 0);
    const last = await mock.lastRequest();
    assert.equal(last.target, spec.target);
    assert.ok(spec.auth(last.headers));
    assert.ok(!JSON.stringify(last.headers).includes(CLIENT_KEY));
    if (up === 'oai') {
      assert.deepEqual(last.body.messages, [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: TEXT }]);
    } else {
      assert.equal(JSON.stringify(last.body.system).includes('Answer briefly.'), true);
      assert.equal(last.body.messages[0].role, 'user');
    }
  });

  test(`${up}: streamed responses, event order and final response`, async () => {
    const stream = await client.responses.create({ model: `${up}-plain`, input: TEXT, stream: true });
    const types = []; let text = ''; let final; let seq = -1;
    for await (const ev of stream) {
      types.push(ev.type);
      assert.ok(ev.sequence_number > seq, 'sequence numbers increase');
      seq = ev.sequence_number;
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') final = ev.response;
    }
    assert.deepEqual(types.slice(0, 2), ['response.created', 'response.in_progress']);
    assert.equal(types.at(-1), 'response.completed');
    for (const t of ['response.output_item.added', 'response.content_part.added', 'response.output_text.done', 'response.output_item.done'])
      assert.ok(types.includes(t), t);
    assert.equal(text, TEXT);
    assert.equal(final.status, 'completed');
    assert.ok(final.usage.output_tokens > 0);
    assert.equal((await mock.lastRequest()).body.stream, true);
  });

  test(`${up}: tools, then the tool results sent back`, async () => {
    const r = await client.responses.create({ model: `${up}-tools`, input: TEXT, tools: TOOLS });
    const calls = r.output.filter((o) => o.type === 'function_call');
    assert.equal(calls.length, 2);
    calls.forEach((c, k) => {
      assert.equal(c.name, TOOLS[k].name);
      assert.equal(c.call_id, `${spec.callId}${k}`);
      assert.deepEqual(JSON.parse(c.arguments), { index: k, text: TEXT.slice(0, 32) });
      assert.equal(c.status, 'completed');
    });
    const upTools = (await mock.lastRequest()).body.tools;
    assert.deepEqual(upTools.map((t) => t.name ?? t.function.name), ['get_weather', 'get_time']);

    // Stateless follow-up: the client replays its items plus the outputs.
    const follow = await client.responses.create({
      model: `${up}-plain`, tools: TOOLS,
      input: [
        { role: 'user', content: TEXT },
        ...calls,
        ...calls.map((c) => ({ type: 'function_call_output', call_id: c.call_id, output: `result for ${c.name}` })),
      ],
    });
    assert.equal(follow.status, 'completed');
    assert.equal(follow.output_text, TEXT);  // the mock echoes the last user text
    const body = (await mock.lastRequest()).body;
    if (up === 'oai') {
      const toolMsgs = body.messages.filter((m) => m.role === 'tool');
      assert.deepEqual(toolMsgs.map((m) => m.tool_call_id), calls.map((c) => c.call_id));
      assert.deepEqual(body.messages.find((m) => m.role === 'assistant').tool_calls.map((t) => t.id), calls.map((c) => c.call_id));
    } else {
      const results = body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((b) => b.type === 'tool_result');
      assert.deepEqual(results.map((b) => b.tool_use_id), calls.map((c) => c.call_id));
    }
  });

  test(`${up}: streamed tool calls`, async () => {
    const stream = await client.responses.create({ model: `${up}-tools`, input: TEXT, tools: TOOLS, stream: true });
    const args = {}; let final;
    for await (const ev of stream) {
      if (ev.type === 'response.function_call_arguments.delta') args[ev.item_id] = (args[ev.item_id] ?? '') + ev.delta;
      if (ev.type === 'response.completed') final = ev.response;
    }
    const calls = final.output.filter((o) => o.type === 'function_call');
    assert.equal(calls.length, 2);
    for (const c of calls) assert.equal(args[c.id], c.arguments);
    assert.deepEqual(calls.map((c) => c.name), ['get_weather', 'get_time']);
  });

  test(`${up}: a mid-stream failure is raised by the SDK after response.failed`, async () => {
    const seen = [];
    await assert.rejects((async () => {
      const s = await client.responses.create({ model: `${up}-cut`, input: 'one two three four five six seven', stream: true });
      for await (const ev of s) seen.push(ev.type);
    })(), (e) => e instanceof Error);
    assert.ok(seen.includes('response.failed'), seen.join(','));
    assert.ok(!seen.includes('response.completed'));
  });
}

test('claude thinking arrives as a reasoning item with its signature kept', async () => {
  const r = await client.responses.create({ model: 'claude-thinking', input: TEXT, reasoning: { effort: 'low' } });
  const reasoning = r.output.find((o) => o.type === 'reasoning');
  assert.ok(reasoning, JSON.stringify(r.output));
  assert.ok(reasoning.summary[0].text.startsWith('thought0'));
  assert.ok(reasoning.encrypted_content);
  assert.equal(r.output_text, TEXT);
});

test('errors: invalid requests and upstream errors come back in OpenAI shape', async () => {
  await assert.rejects(client.responses.create({ model: 'oai-plain', input: 'x', previous_response_id: 'resp_1' }),
    (e) => e.status === 400 && /previous_response_id/.test(e.message));
  await assert.rejects(client.responses.create({ model: 'nope', input: 'x' }), (e) => e.status === 404);
  await assert.rejects(client.responses.create({ model: 'oai-bad', input: 'x' }), (e) => e.status === 400 && e.type === 'invalid_request_error');
  const res = await fetch(`${gw.url}/v1/responses`, { method: 'GET' });
  assert.equal(res.status, 405);
});
