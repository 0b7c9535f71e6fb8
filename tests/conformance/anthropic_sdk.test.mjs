// Anthropic SDK conformance, the happy paths: messages.create, messages.stream and raw streams, system
// prompts, history, tools and tool results, stop sequences, thinking and usage — each against (a) an
// Anthropic provider (spliced) and (b) an OpenAI-compatible provider (translated). Setup and the upstream
// checks: anthropic_sdk_fixture.mjs; errors, cancellation, count_tokens: anthropic_sdk_errors.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ctx, useGateways, checkUpstreamRequest, MODES, modelName, USER_TEXT, user, TOOLS, promptEstimate, words,
} from './anthropic_sdk_fixture.mjs';

useGateways();

for (const mode of MODES) {
  const M = (b) => modelName(mode, b);
  const T = (name, fn) => test(`${mode.label}: ${name}`, fn);

  T('messages.create, system string: text, stop reason and usage', async () => {
    const msg = await ctx.client.messages.create({ model: M('plain'), max_tokens: 256, system: 'be brief', temperature: 0.5,
      messages: user(USER_TEXT) });
    // Anthropic documents the id only as a unique string whose format may change; spliced, it is the provider's.
    if (mode.spliced) assert.match(msg.id, /^msg_mock_/);
    else assert.ok(typeof msg.id === 'string' && msg.id.length > 0);
    assert.equal(msg.type, 'message');
    assert.equal(msg.role, 'assistant');
    assert.equal(typeof msg.model, 'string');
    assert.deepEqual(msg.content, [{ type: 'text', text: USER_TEXT }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.stop_sequence, null);
    assert.equal(msg.usage.input_tokens, promptEstimate(['be brief', USER_TEXT]));
    assert.equal(msg.usage.output_tokens, words(USER_TEXT));
    assert.equal(msg.usage.cache_read_input_tokens ?? 0, 0);
    const up = await checkUpstreamRequest(mode, 'plain');
    if (!mode.spliced) {
      assert.deepEqual(up.body.messages, [{ role: 'system', content: 'be brief' }, { role: 'user', content: USER_TEXT }]);
      assert.equal(up.body.max_tokens, 256);
      assert.equal(up.body.temperature, 0.5);
    }
  });

  T('system as text blocks and a multi-turn history', async () => {
    const messages = [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: [{ type: 'text', text: 'first answer' }] },
      { role: 'user', content: [{ type: 'text', text: 'second question here' }] },
    ];
    const msg = await ctx.client.messages.create({ model: M('plain'), max_tokens: 128,
      system: [{ type: 'text', text: 'rule one.' }, { type: 'text', text: 'rule two.' }], messages });
    assert.deepEqual(msg.content, [{ type: 'text', text: 'second question here' }], 'the answer is to the last turn');
    assert.ok(msg.usage.input_tokens > promptEstimate(['second question here']));
    const up = await checkUpstreamRequest(mode, 'plain');
    if (!mode.spliced) {
      const sys = up.body.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
      assert.ok(sys.includes('rule one.') && sys.includes('rule two.'), `system blocks reach the provider: ${sys}`);
      const turns = up.body.messages.filter((m) => m.role !== 'system');
      assert.deepEqual(turns.map((m) => m.role), ['user', 'assistant', 'user']);
      assert.equal(turns[1].content, 'first answer');
      assert.equal(JSON.stringify(turns[2].content).includes('second question here'), true);
    }
  });

  T('messages.stream: text events, event order and finalMessage()', async () => {
    const stream = ctx.client.messages.stream({ model: M('plain'), max_tokens: 256, system: 'be brief', messages: user(USER_TEXT) });
    const texts = []; const events = [];
    stream.on('text', (t) => texts.push(t));
    stream.on('streamEvent', (ev) => events.push(ev.type));
    const msg = await stream.finalMessage();
    assert.deepEqual(texts, ['Hello', ' there', ' spliced', ' world']);
    assert.deepEqual(events.filter((t, i) => t !== events[i - 1]),
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    assert.deepEqual(msg.content, [{ type: 'text', text: USER_TEXT }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.output_tokens, words(USER_TEXT));
    assert.equal(msg.usage.input_tokens, promptEstimate(['be brief', USER_TEXT]), 'the accumulated usage has the input side');
    await checkUpstreamRequest(mode, 'plain', { stream: true });
  });

  T('raw stream:true iteration: message_start, deltas, message_delta usage, message_stop', async () => {
    const stream = await ctx.client.messages.create({ model: M('plain'), max_tokens: 256, stream: true, messages: user(USER_TEXT) });
    let text = ''; let start = null; let delta = null; let stops = 0;
    for await (const ev of stream) {
      if (ev.type === 'message_start') start = ev.message;
      if (ev.type === 'content_block_delta') {
        assert.equal(ev.delta.type, 'text_delta');
        assert.equal(ev.index, 0);
        text += ev.delta.text;
      }
      if (ev.type === 'message_delta') delta = ev;
      if (ev.type === 'message_stop') stops++;
    }
    assert.equal(text, USER_TEXT);
    assert.ok(start && start.role === 'assistant' && start.type === 'message' && start.id.length > 0);
    assert.deepEqual(start.content, []);
    assert.equal(delta.delta.stop_reason, 'end_turn');
    assert.equal(delta.usage.output_tokens, words(USER_TEXT));
    assert.equal(stops, 1);
    await checkUpstreamRequest(mode, 'plain', { stream: true });
  });

  T('tools with tool_choice auto: parallel tool_use blocks with ids, names and input', async () => {
    const msg = await ctx.client.messages.create({ model: M('tools'), max_tokens: 256, tools: TOOLS,
      tool_choice: { type: 'auto' }, messages: user('Weather and time in Paris?') });
    assert.equal(msg.stop_reason, 'tool_use');
    assert.equal(msg.content.length, 2);
    msg.content.forEach((block, k) => {
      assert.equal(block.type, 'tool_use');
      assert.match(block.id, /^[A-Za-z0-9_-]+$/);
      assert.equal(block.name, TOOLS[k].name);
      assert.deepEqual(block.input, { index: k, text: 'Weather and time in Paris?' });
    });
    assert.notEqual(msg.content[0].id, msg.content[1].id);
    if (mode.spliced) assert.deepEqual(msg.content.map((b) => b.id), ['toolu_mock_0', 'toolu_mock_1']);
    assert.ok(msg.usage.output_tokens > 0);
    const up = await checkUpstreamRequest(mode, 'tools');
    if (!mode.spliced) {
      assert.deepEqual(up.body.tools, TOOLS.map((t) => ({ type: 'function',
        function: { name: t.name, description: t.description, parameters: t.input_schema } })));
      assert.equal(up.body.tool_choice, 'auto');
    }
  });

  T('tool_choice any / tool and disable_parallel_tool_use reach the provider', async () => {
    const any = await ctx.client.messages.create({ model: M('tool1'), max_tokens: 64, tools: TOOLS,
      tool_choice: { type: 'any' }, messages: user('pick one') });
    assert.equal(any.content[0].type, 'tool_use');
    let up = await checkUpstreamRequest(mode, 'tool1');
    if (!mode.spliced) assert.equal(up.body.tool_choice, 'required');

    const forced = await ctx.client.messages.create({ model: M('tool1'), max_tokens: 64, tools: TOOLS,
      tool_choice: { type: 'tool', name: 'get_time', disable_parallel_tool_use: true }, messages: user('time?') });
    assert.equal(forced.stop_reason, 'tool_use');
    up = await checkUpstreamRequest(mode, 'tool1');
    if (!mode.spliced) {
      assert.deepEqual(up.body.tool_choice, { type: 'function', function: { name: 'get_time' } });
      assert.equal(up.body.parallel_tool_calls, false);
    }
  });

  T('streamed parallel tool use: input_json deltas accumulate into inputs', async () => {
    const stream = ctx.client.messages.stream({ model: M('tools'), max_tokens: 256, tools: TOOLS, messages: user('Weather in Paris?') });
    const jsonDeltas = [];
    stream.on('inputJson', (partial) => jsonDeltas.push(partial));
    const msg = await stream.finalMessage();
    assert.equal(msg.stop_reason, 'tool_use');
    assert.equal(msg.content.length, 2);
    msg.content.forEach((block, k) => {
      assert.equal(block.type, 'tool_use');
      assert.equal(block.name, TOOLS[k].name);
      assert.deepEqual(block.input, { index: k, text: 'Weather in Paris?' });
    });
    assert.notEqual(msg.content[0].id, msg.content[1].id);
    assert.ok(jsonDeltas.length >= 4, 'arguments arrive in fragments');
    await checkUpstreamRequest(mode, 'tools', { stream: true });
  });

  T('tool_result round trip: the answer\'s tool_use blocks go back with results', async () => {
    const question = 'Weather and time in Oslo?';
    const first = await ctx.client.messages.create({ model: M('tools'), max_tokens: 256, tools: TOOLS, messages: user(question) });
    const uses = first.content.filter((b) => b.type === 'tool_use');
    assert.equal(uses.length, 2);
    const history = [
      { role: 'user', content: question },
      { role: 'assistant', content: first.content },
      { role: 'user', content: uses.map((u, k) => ({ type: 'tool_result', tool_use_id: u.id, content: `result ${k}` })) },
    ];
    const second = await ctx.client.messages.create({ model: M('plain'), max_tokens: 256, tools: TOOLS, messages: history });
    assert.equal(second.stop_reason, 'end_turn');
    assert.deepEqual(second.content, [{ type: 'text', text: question }], 'the mock echoes the last user text');
    const up = await checkUpstreamRequest(mode, 'plain');
    if (!mode.spliced) {
      const msgs = up.body.messages;
      assert.deepEqual(msgs.map((m) => m.role), ['user', 'assistant', 'tool', 'tool']);
      const calls = msgs[1].tool_calls;
      assert.equal(calls.length, 2);
      calls.forEach((c, k) => {
        assert.equal(c.type, 'function');
        assert.equal(c.function.name, TOOLS[k].name);
        assert.deepEqual(JSON.parse(c.function.arguments), uses[k].input);
        assert.equal(msgs[2 + k].tool_call_id, c.id, 'each result answers its call');
        assert.equal(JSON.stringify(msgs[2 + k].content).includes(`result ${k}`), true);
      });
      assert.notEqual(calls[0].id, calls[1].id);
    }
  });

  T('stop_sequences and max_tokens', async () => {
    const stopped = await ctx.client.messages.create({ model: M('plain'), max_tokens: 50, stop_sequences: ['c'], messages: user('a b c d') });
    let up = await checkUpstreamRequest(mode, 'plain');
    const streamed = await ctx.client.messages.stream({ model: M('plain'), max_tokens: 50, stop_sequences: ['c'],
      messages: user('a b c d') }).finalMessage();
    const cut = await ctx.client.messages.create({ model: M('plain'), max_tokens: 2, messages: user('a b c d') });
    if (mode.spliced) {
      for (const m of [stopped, streamed]) {
        assert.deepEqual(m.content, [{ type: 'text', text: 'a b ' }]);
        assert.equal(m.stop_reason, 'stop_sequence');
        assert.equal(m.stop_sequence, 'c');
      }
      assert.deepEqual(cut.content, [{ type: 'text', text: 'a b' }]);
      assert.equal(cut.stop_reason, 'max_tokens');
    } else {
      // mock_llm's OpenAI dialect does not apply stop / max_tokens, so only the translation is checked.
      assert.deepEqual(up.body.stop, ['c']);
      assert.equal(up.body.max_tokens, 50);
      up = await ctx.mock.lastRequest();
      assert.equal(up.body.max_tokens, 2);
      assert.equal(up.body.max_completion_tokens, undefined);
      for (const m of [stopped, streamed, cut]) assert.equal(m.content[0].type, 'text');
    }
  });

  T('extended thinking', async () => {
    // (b): the OpenAI mock thinks only when the model name says so; the request's thinking still translates.
    const params = { model: M(mode.spliced ? 'plain' : 'thinking'), max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: user('think hard') };
    const msg = await ctx.client.messages.create(params);
    const streamed = await ctx.client.messages.stream(params).finalMessage();
    if (mode.spliced) {
      for (const m of [msg, streamed]) {
        assert.equal(m.content[0].type, 'thinking');
        assert.equal(m.content[0].thinking, 'thought0 thought1 thought2');
        assert.ok(m.content[0].signature.length > 20);
        assert.deepEqual(m.content[1], { type: 'text', text: 'think hard' });
        assert.equal(m.usage.output_tokens, 3 + 2);
      }
    } else {
      // OpenAI-compatible servers keep their reasoning hidden: the budget becomes reasoning_effort, the
      // reasoning tokens still count as output.
      for (const m of [msg, streamed]) {
        assert.deepEqual(m.content.filter((b) => b.type === 'text'), [{ type: 'text', text: 'think hard' }]);
        assert.equal(m.usage.output_tokens, 3 + 2);
      }
      const up = await ctx.mock.lastRequest();
      assert.equal(up.body.reasoning_effort, 'low');
      assert.equal(up.body.thinking, undefined, 'Anthropic\'s thinking member is not sent to an OpenAI server');
    }
  });

  T('usage with cache reads (and cache writes where the provider reports them)', async () => {
    const write = mode.spliced ? 4 : 0;
    const full = promptEstimate([USER_TEXT]);
    const msg = await ctx.client.messages.create({ model: M('cached'), max_tokens: 256, messages: user(USER_TEXT) });
    assert.equal(msg.usage.cache_read_input_tokens, 6);
    assert.equal(msg.usage.cache_creation_input_tokens ?? 0, write);
    assert.equal(msg.usage.input_tokens, full - 6 - write, 'input_tokens excludes cached tokens, as Anthropic counts');
    assert.equal(msg.usage.output_tokens, words(USER_TEXT));

    const streamed = await ctx.client.messages.stream({ model: M('cached'), max_tokens: 256, messages: user(USER_TEXT) }).finalMessage();
    assert.equal(streamed.usage.cache_read_input_tokens, 6);
    assert.equal(streamed.usage.cache_creation_input_tokens ?? 0, write);
    assert.equal(streamed.usage.input_tokens, full - 6 - write);
    assert.equal(streamed.usage.output_tokens, words(USER_TEXT));
  });
}
