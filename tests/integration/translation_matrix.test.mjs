// The translation matrix: every client dialect the gateway serves (OpenAI chat, Anthropic messages, OpenAI
// Responses; OpenAI embeddings where the provider has embeddings) × every provider type (OpenAI-compatible,
// Azure classic, Azure v1, Anthropic, Gemini, Vertex, Bedrock), streamed and not, plain text and tool calls.
// The clients are the official SDKs (tests/conformance/node_modules): an SDK accepting the answer is the proof
// that it is valid in its dialect. mock_llm records what the upstream received (path, auth, body in its
// dialect) and checks Bedrock's SigV4 signature for real (--aws-secret). Also the error mapping: a 429 stays a
// 429, Anthropic's 529 is 503 for OpenAI clients and 529 for Anthropic ones, and a mid-stream failure reaches
// each client as its dialect's in-stream error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { startGateway, MOCK_LLM_BIN } from './lib/harness.mjs';

const conformance = new URL('../conformance/', import.meta.url);
const haveSdks = existsSync(new URL('node_modules/openai/package.json', conformance)) &&
  existsSync(new URL('node_modules/@anthropic-ai/sdk/package.json', conformance));
const require = createRequire(new URL('package.json', conformance));
const { OpenAI } = haveSdks ? require('openai') : {};
const { Anthropic } = haveSdks ? require('@anthropic-ai/sdk') : {};

const CLIENT_KEY = 'client-key-must-not-travel-9f3';
const AWS_ID = 'AKIDMATRIXTEST';
const AWS_SECRET = 'matrix-secret-key/abc+123';
const KEYS = {
  compat: 'sk-compat-key-1', azure: 'azure-key-2', azurev1: 'entra-token-3', anthropic: 'sk-ant-key-4',
  gemini: 'gemini-key-5', vertex: 'vertex-token-6', bedrock: AWS_ID,
};

let mock; let gw; let oai; let ant;

// mock_llm with SigV4 verification on; the harness's startMock takes no arguments.
function startSigningMock() {
  return new Promise((resolve, reject) => {
    const proc = spawn(MOCK_LLM_BIN, ['--listen', '127.0.0.1:0', '--aws-secret', AWS_SECRET, '--aws-access-key-id', AWS_ID],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    process.on('exit', () => proc.kill('SIGKILL'));
    proc.on('exit', (code) => reject(new Error(`mock_llm exited ${code}`)));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const ev = JSON.parse(line);
      if (ev.event !== 'listening') return;
      const url = `http://${ev.addr}`;
      resolve({
        url,
        async lastRequest() { return (await fetch(`${url}/mock/last_request`)).json(); },
        async reset() { await fetch(`${url}/mock/reset`, { method: 'POST' }); },
        stop() { proc.removeAllListeners('exit'); proc.kill('SIGTERM'); },
      });
    });
  });
}

// Provider → how its upstream model is spelled for a mock behaviour (`suffix`, e.g. "tools-2").
const PROVIDERS = {
  compat: (s) => `mock-${s}`,
  azure: (s) => `dep-${s}`,
  azurev1: (s) => `dep-${s}`,
  anthropic: (s) => `claude-mock-${s}`,
  gemini: (s) => `gemini-mock-${s}`,
  vertex: (s) => `gemini-mock-${s}`,
  bedrock: (s) => `anthropic.claude-mock-${s}-v1:0`,
};
const BEHAVIOURS = { plain: 'plain', tools: 'tools-2', cached: 'cached-6', e429: 'error-429', midfail: 'error-after-3' };

before(async () => {
  if (!haveSdks) return;
  mock = await startSigningMock();
  const u = mock.url;
  const models = {};
  for (const [p, name] of Object.entries(PROVIDERS))
    for (const [b, suffix] of Object.entries(BEHAVIOURS)) models[`${p}-${b}`] = { provider: p, model: name(suffix) };
  // One model per client: the router's breaker would otherwise take the target out after the first 529s.
  // (breaker state is per provider + upstream model, so each gets its own upstream name; mock_llm ignores
  // the unknown segment).
  for (const d of ['openai', 'anthropic', 'responses']) models[`e529-${d}`] = { provider: 'anthropic', model: `claude-${d}-mock-error-529` };
  Object.assign(models, {
    'emb-compat': { provider: 'compat', model: 'text-embedding-3-small' },
    'emb-azure': { provider: 'azure', model: 'text-embedding-3-small' },
    'emb-azurev1': { provider: 'azurev1', model: 'text-embedding-3-small' },
    'emb-gemini': { provider: 'gemini', model: 'gemini-embedding-001' },
    'emb-vertex': { provider: 'vertex', model: 'text-embedding-005' },
    'emb-titan': { provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0' },
    'emb-cohere': { provider: 'bedrock', model: 'cohere.embed-english-v3' },
  });
  gw = await startGateway({
    server: { listen: '127.0.0.1:0', workers: 1, timeouts: { drain: '5s' } },
    admin: { listen: '127.0.0.1:0' },
    providers: {
      compat: { type: 'openai_compatible', base_url: `${u}/v1`, api_key: '${K_COMPAT}' },
      azure: { type: 'azure', base_url: u, api_key: '${K_AZURE}' },
      azurev1: { type: 'azure', base_url: `${u}/openai/v1`, api_key: '${K_AZUREV1}', auth: 'entra' },
      anthropic: { type: 'anthropic', base_url: u, api_key: '${K_ANT}' },
      gemini: { type: 'gemini', base_url: u, api_key: '${K_GEMINI}' },
      vertex: { type: 'vertex', base_url: u, project: 'proj-1', location: 'us-central1', api_key: '${K_VERTEX}' },
      bedrock: {
        type: 'bedrock', base_url: u, region: 'us-east-1',
        access_key_id: '${AWS_ID}', secret_access_key: '${AWS_SECRET}',
      },
    },
    models,
  }, {
    env: {
      K_COMPAT: KEYS.compat, K_AZURE: KEYS.azure, K_AZUREV1: KEYS.azurev1, K_ANT: KEYS.anthropic,
      K_GEMINI: KEYS.gemini, K_VERTEX: KEYS.vertex, AWS_ID, AWS_SECRET,
    },
  });
  oai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 15000 });
  ant = new Anthropic({ baseURL: gw.url, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 15000 });
});

after(async () => {
  await gw?.stop();
  mock?.stop();
});

const USER_TEXT = 'Hello there matrix world';
const TOOL_NAMES = ['get_weather', 'get_time'];
const SCHEMA = { type: 'object', properties: { city: { type: 'string' } } };
const EXPECTED_ARGS = (k) => ({ index: k, text: USER_TEXT.slice(0, 32) });
const ID_PREFIX = { compat: 'call_mock_', azure: 'call_mock_', azurev1: 'call_mock_', anthropic: 'toolu_mock_', bedrock: 'tooluse_mock_' };

// What the upstream received: the right path, auth, a body of its dialect, and never the client's key.
async function checkUpstream(provider, { stream, upstreamModel, tools }) {
  const up = await mock.lastRequest();
  const h = up.headers;
  assert.ok(!JSON.stringify(h).includes(CLIENT_KEY), `client key forwarded to ${provider}: ${JSON.stringify(h)}`);
  assert.ok(!up.body_raw.includes(CLIENT_KEY));
  const b = up.body;
  switch (provider) {
    case 'compat':
      assert.equal(up.target, '/v1/chat/completions');
      assert.equal(h.authorization, `Bearer ${KEYS.compat}`);
      assert.equal(b.model, upstreamModel);
      assert.ok(Array.isArray(b.messages));
      if (tools) assert.deepEqual(b.tools.map((t) => t.function.name), TOOL_NAMES);
      break;
    case 'azure':
      assert.equal(up.target, `/openai/deployments/${upstreamModel}/chat/completions?api-version=2024-10-21`);
      assert.equal(h['api-key'], KEYS.azure);
      assert.equal(h.authorization, undefined);
      assert.ok(Array.isArray(b.messages));
      break;
    case 'azurev1':
      assert.equal(up.target, '/openai/v1/chat/completions');
      assert.equal(h.authorization, `Bearer ${KEYS.azurev1}`);
      assert.equal(b.model, upstreamModel);
      break;
    case 'anthropic':
      assert.equal(up.target, '/v1/messages');
      assert.equal(h['x-api-key'], KEYS.anthropic);
      assert.ok(h['anthropic-version']);
      assert.equal(b.model, upstreamModel);
      assert.ok(Number.isInteger(b.max_tokens));
      if (tools) assert.deepEqual(b.tools.map((t) => t.name), TOOL_NAMES);
      break;
    case 'gemini':
      assert.equal(up.target, `/v1beta/models/${upstreamModel}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`);
      assert.equal(h['x-goog-api-key'], KEYS.gemini);
      assert.ok(Array.isArray(b.contents));
      if (tools) assert.deepEqual(b.tools[0].functionDeclarations.map((f) => f.name), TOOL_NAMES);
      break;
    case 'vertex':
      assert.equal(up.target, `/v1/projects/proj-1/locations/us-central1/publishers/google/models/${upstreamModel}:` +
        (stream ? 'streamGenerateContent?alt=sse' : 'generateContent'));
      assert.equal(h.authorization, `Bearer ${KEYS.vertex}`);
      assert.ok(Array.isArray(b.contents));
      break;
    case 'bedrock':
      assert.equal(up.target, `/model/${encodeURIComponent(upstreamModel)}/${stream ? 'converse-stream' : 'converse'}`);
      assert.match(h.authorization, new RegExp(`^AWS4-HMAC-SHA256 Credential=${AWS_ID}/\\d{8}/us-east-1/bedrock/aws4_request`));
      assert.equal(h.host, new URL(mock.url).host);  // sent once, the signed value
      assert.ok(Array.isArray(b.messages));
      if (tools) assert.deepEqual(b.toolConfig.tools.map((t) => t.toolSpec.name), TOOL_NAMES);
      break;
    default: assert.fail(provider);
  }
}

function checkToolCalls(provider, calls) {
  assert.equal(calls.length, 2, JSON.stringify(calls));
  calls.forEach((c, k) => {
    assert.equal(c.name, TOOL_NAMES[k]);
    assert.deepEqual(JSON.parse(c.arguments), EXPECTED_ARGS(k));
    assert.ok(typeof c.id === 'string' && c.id.length > 0);
    if (ID_PREFIX[provider]) assert.equal(c.id, `${ID_PREFIX[provider]}${k}`);
  });
  assert.notEqual(calls[0].id, calls[1].id);
}

const oaiTools = TOOL_NAMES.map((name) => ({ type: 'function', function: { name, description: name, parameters: SCHEMA } }));
const antTools = TOOL_NAMES.map((name) => ({ name, description: name, input_schema: SCHEMA }));
const respTools = TOOL_NAMES.map((name) => ({ type: 'function', name, description: name, parameters: SCHEMA, strict: false }));

// ---- The three chat-like client dialects, each returning a normalised view of what the SDK accepted.

const CLIENTS = {
  async openai(model, { stream, tools }) {
    const params = {
      model, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: USER_TEXT }],
      ...(tools ? { tools: oaiTools } : {}),
    };
    if (!stream) {
      const c = await oai.chat.completions.create(params);
      assert.equal(c.object, 'chat.completion');
      const m = c.choices[0].message;
      return {
        text: m.content ?? '', finish: c.choices[0].finish_reason,
        calls: (m.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments })),
        input: c.usage.prompt_tokens, output: c.usage.completion_tokens, cached: c.usage.prompt_tokens_details?.cached_tokens ?? 0,
      };
    }
    const s = await oai.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    let text = ''; let finish; let usage; const calls = [];
    for await (const chunk of s) {
      // Azure opens with {"choices":[],"object":"","prompt_filter_results":[…]} (forwarded as Azure sends it).
      if (chunk.prompt_filter_results) { assert.deepEqual(chunk.choices, []); continue; }
      assert.equal(chunk.object, 'chat.completion.chunk');
      if (chunk.usage) usage = chunk.usage;
      const ch = chunk.choices[0];
      if (!ch) continue;
      text += ch.delta.content ?? '';
      for (const t of ch.delta.tool_calls ?? []) {
        calls[t.index] ??= { id: '', name: '', arguments: '' };
        if (t.id) calls[t.index].id = t.id;
        if (t.function?.name) calls[t.index].name += t.function.name;
        calls[t.index].arguments += t.function?.arguments ?? '';
      }
      if (ch.finish_reason) finish = ch.finish_reason;
    }
    assert.ok(usage, 'usage chunk');
    return { text, finish, calls, input: usage.prompt_tokens, output: usage.completion_tokens, cached: usage.prompt_tokens_details?.cached_tokens ?? 0 };
  },

  async anthropic(model, { stream, tools }) {
    const params = { model, max_tokens: 256, system: 'be brief', messages: [{ role: 'user', content: USER_TEXT }], ...(tools ? { tools: antTools } : {}) };
    const msg = stream ? await ant.messages.stream(params).finalMessage() : await ant.messages.create(params);
    assert.equal(msg.type, 'message');
    assert.equal(msg.role, 'assistant');
    assert.ok(typeof msg.id === 'string' && msg.id.length > 0);  // the provider's id (Bedrock: a fresh msg_ id)
    const text = msg.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
    const calls = msg.content.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, arguments: JSON.stringify(b.input) }));
    const finish = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length' }[msg.stop_reason] ?? msg.stop_reason;
    const u = msg.usage;
    return {
      text, finish, calls, cached: u.cache_read_input_tokens ?? 0, output: u.output_tokens,
      input: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
    };
  },

  async responses(model, { stream, tools }) {
    const params = { model, instructions: 'be brief', input: USER_TEXT, ...(tools ? { tools: respTools } : {}) };
    let r;
    if (!stream) {
      r = await oai.responses.create(params);
    } else {
      const s = await oai.responses.create({ ...params, stream: true });
      let deltas = ''; const types = [];
      for await (const ev of s) {
        types.push(ev.type);
        if (ev.type === 'response.output_text.delta') deltas += ev.delta;
        if (ev.type === 'response.completed') r = ev.response;
      }
      assert.equal(types[0], 'response.created');
      assert.equal(types.at(-1), 'response.completed');
      const text = r.output.filter((o) => o.type === 'message').flatMap((o) => o.content).map((c) => c.text).join('');
      assert.equal(deltas, text);
    }
    assert.equal(r.object, 'response');
    assert.match(r.id, /^resp_/);
    assert.equal(r.status, 'completed');
    assert.equal(r.instructions, 'be brief');
    const text = r.output.filter((o) => o.type === 'message').flatMap((o) => o.content).map((c) => c.text).join('');
    if (!stream) assert.equal(r.output_text, text);  // computed by the SDK from the output items
    const calls = r.output.filter((o) => o.type === 'function_call').map((o) => ({ id: o.call_id, name: o.name, arguments: o.arguments }));
    const u = r.usage;
    assert.equal(u.total_tokens, u.input_tokens + u.output_tokens);
    return { text, finish: calls.length ? 'tool_calls' : 'stop', calls, input: u.input_tokens, output: u.output_tokens, cached: u.input_tokens_details?.cached_tokens ?? 0 };
  },
};

for (const provider of Object.keys(PROVIDERS)) {
  for (const [dialect, call] of Object.entries(CLIENTS)) {
    for (const stream of [false, true]) {
      const mode = stream ? 'stream' : 'non-stream';
      test(`${dialect} → ${provider} (${mode}): text, usage, upstream request`, { skip: !haveSdks }, async () => {
        const got = await call(`${provider}-plain`, { stream, tools: false });
        assert.equal(got.text, USER_TEXT);
        assert.equal(got.finish, 'stop');
        assert.deepEqual(got.calls, []);
        assert.ok(got.input > 0 && got.output > 0, JSON.stringify(got));
        await checkUpstream(provider, { stream, upstreamModel: PROVIDERS[provider]('plain'), tools: false });
      });
      test(`${dialect} → ${provider} (${mode}): tool calls`, { skip: !haveSdks }, async () => {
        const got = await call(`${provider}-tools`, { stream, tools: true });
        assert.equal(got.finish, 'tool_calls');
        checkToolCalls(provider, got.calls);
        await checkUpstream(provider, { stream, upstreamModel: PROVIDERS[provider]('tools-2'), tools: true });
      });
      test(`${dialect} → ${provider} (${mode}): cached prompt tokens`, { skip: !haveSdks }, async () => {
        const got = await call(`${provider}-cached`, { stream, tools: false });
        assert.equal(got.cached, 6, JSON.stringify(got));
        assert.ok(got.input >= 6);
      });
    }
  }
}

// ---- Embeddings: OpenAI clients, every provider with an embeddings API. openai-node asks for base64 by
// default and decodes it; `float` is asked for explicitly.
const EMBEDDINGS = {
  compat: ['emb-compat', '/v1/embeddings'],
  azure: ['emb-azure', '/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21'],
  azurev1: ['emb-azurev1', '/openai/v1/embeddings'],
  gemini: ['emb-gemini', '/v1beta/models/gemini-embedding-001:batchEmbedContents'],
  // Vertex embeddings use :predict, which mock_llm does not emulate (its Vertex routes are the Gemini methods).
  titan: ['emb-titan', `/model/${encodeURIComponent('amazon.titan-embed-text-v2:0')}/invoke`],
  cohere: ['emb-cohere', `/model/${encodeURIComponent('cohere.embed-english-v3')}/invoke`],
};
for (const [name, [model, path]] of Object.entries(EMBEDDINGS)) {
  test(`embeddings → ${name}: float and base64 decode to the same unit vectors`, { skip: !haveSdks }, async () => {
    // Titan embeds one text per call (the adapter refuses more with a 400, checked below).
    const input = name === 'titan' ? ['first text'] : ['first text', 'second text'];
    const asFloat = await oai.embeddings.create({ model, input, encoding_format: 'float' });
    const up = await mock.lastRequest();
    assert.equal(up.target, path);
    assert.ok(!JSON.stringify(up.headers).includes(CLIENT_KEY));
    if (name === 'titan' || name === 'cohere') assert.match(up.headers.authorization, /^AWS4-HMAC-SHA256 /);
    const asB64 = await oai.embeddings.create({ model, input });  // SDK default: base64, decoded by the SDK
    assert.equal(asFloat.object, 'list');
    assert.equal(asFloat.data.length, input.length);
    asFloat.data.forEach((d, i) => {
      assert.equal(d.object, 'embedding');
      assert.equal(d.index, i);
      const norm = Math.sqrt(d.embedding.reduce((s, x) => s + x * x, 0));
      assert.ok(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
      const b = asB64.data[i].embedding;
      assert.equal(b.length, d.embedding.length);
      for (let j = 0; j < b.length; j += 97) assert.ok(Math.abs(b[j] - d.embedding[j]) < 1e-6);
    });
    if (input.length > 1) assert.notDeepEqual(asFloat.data[0].embedding.slice(0, 8), asFloat.data[1].embedding.slice(0, 8));
    assert.ok(asFloat.usage.prompt_tokens >= 0);
  });
}

test('embeddings → titan with two inputs: a 400 naming the limit, nothing sent upstream', { skip: !haveSdks }, async () => {
  await mock.reset();
  await assert.rejects(oai.embeddings.create({ model: 'emb-titan', input: ['a', 'b'] }), (e) => e.status === 400 && /one/.test(e.message));
  assert.deepEqual(await mock.lastRequest(), {});
});

test('embeddings → anthropic: a clear 400, nothing sent upstream', { skip: !haveSdks }, async () => {
  await mock.reset();
  await assert.rejects(oai.embeddings.create({ model: 'anthropic-plain', input: 'x' }), (e) => e.status === 400);
  assert.deepEqual(await mock.lastRequest(), {});
});

// ---- Error mapping.

const ERROR_CALLS = {
  openai: (model) => oai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }),
  anthropic: (model) => ant.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
  responses: (model) => oai.responses.create({ model, input: 'hi' }),
};

for (const provider of ['compat', 'azure', 'anthropic', 'gemini', 'vertex', 'bedrock']) {
  for (const [dialect, call] of Object.entries(ERROR_CALLS)) {
    test(`429 from ${provider} stays 429 for ${dialect} clients`, { skip: !haveSdks }, async () => {
      await assert.rejects(call(`${provider}-e429`), (e) => {
        assert.equal(e.status, 429, String(e));
        if (dialect === 'anthropic') assert.equal(e.error?.error?.type, 'rate_limit_error');
        else assert.equal(e.error?.type ?? e.type, 'rate_limit_error');
        return true;
      });
    });
  }
}

test('Anthropic 529: 503 for OpenAI and Responses clients, 529 for Anthropic clients', { skip: !haveSdks }, async () => {
  await assert.rejects(ERROR_CALLS.openai('e529-openai'), (e) => e.status === 503 && e.type === 'server_error' || e.status === 503);
  await assert.rejects(ERROR_CALLS.responses('e529-responses'), (e) => e.status === 503);
  await assert.rejects(ERROR_CALLS.anthropic('e529-anthropic'), (e) => {
    assert.equal(e.status, 529, String(e));
    assert.equal(e.error?.error?.type, 'overloaded_error');
    return true;
  });
});

for (const provider of ['compat', 'anthropic', 'gemini', 'bedrock']) {
  test(`mid-stream failure from ${provider} → each client's in-stream error`, { skip: !haveSdks }, async () => {
    const model = `${provider}-midfail`;
    // OpenAI chat: the SDK raises on the `data: {"error":…}` event, after some text arrived.
    await assert.rejects((async () => {
      const s = await oai.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'one two three four five six' }] });
      for await (const _ of s);
    })(), (e) => e instanceof OpenAI.APIError);
    // Anthropic: `event: error` makes the SDK's stream throw.
    await assert.rejects(ant.messages.stream({ model, max_tokens: 64, messages: [{ role: 'user', content: 'one two three four five six' }] }).finalMessage(),
      (e) => e instanceof Anthropic.APIError || /error/i.test(String(e)));
    // Responses: response.failed then `error`, which the SDK raises on.
    const seen = [];
    await assert.rejects((async () => {
      const s = await oai.responses.create({ model, stream: true, input: 'one two three four five six' });
      for await (const ev of s) seen.push(ev.type);
    })(), (e) => e instanceof OpenAI.APIError || e instanceof Error);
    assert.ok(seen.includes('response.created'), seen.join(','));
    assert.ok(!seen.includes('response.completed'));
  });
}

// ---- GET /v1/models in the client's dialect.

test('models list: Anthropic SDK gets Anthropic shape, OpenAI SDK gets OpenAI shape', { skip: !haveSdks }, async () => {
  const a = await ant.models.list();
  const ids = a.data.map((m) => m.id);
  assert.ok(ids.includes('bedrock-plain') && ids.includes('emb-cohere'));
  for (const m of a.data) {
    assert.equal(m.type, 'model');
    assert.equal(m.display_name, m.id);
    assert.ok(!Number.isNaN(Date.parse(m.created_at)));
  }
  const raw = await (await fetch(`${gw.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } })).json();
  assert.equal(raw.has_more, false);
  assert.equal(raw.first_id, raw.data[0].id);
  assert.equal(raw.last_id, raw.data.at(-1).id);
  const one = await ant.models.retrieve('gemini-plain');
  assert.equal(one.id, 'gemini-plain');
  assert.equal(one.type, 'model');
  const o = [];
  for await (const m of oai.models.list()) o.push(m);
  assert.ok(o.every((m) => m.object === 'model'));
  assert.deepEqual(o.map((m) => m.id).sort(), ids.slice().sort());
});

// Tool-call round trips: the client sends its tool result back (SDK streaming helpers accumulate the answer);
// every provider must receive the call and its result linked in its own form. The mock enforces each dialect's
// turn rules (Gemini functionResponse after functionCall, Bedrock toolResult after toolUse, Anthropic
// tool_result after tool_use) and answers 400 otherwise.
const RESULT = 'sunny-and-21C';
const ROUND_TRIP = {
  async openai(model) {
    const s = oai.chat.completions.stream({
      model, tools: oaiTools, messages: [
        { role: 'user', content: USER_TEXT },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_rt_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_rt_1', content: RESULT },
      ],
    });
    return (await s.finalChatCompletion()).choices[0].message.content;
  },
  async anthropic(model) {
    const m = await ant.messages.stream({
      model, max_tokens: 256, tools: antTools, messages: [
        { role: 'user', content: USER_TEXT },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_rt_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_rt_1', content: RESULT }] },
      ],
    }).finalMessage();
    return m.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
  },
  async responses(model) {
    const r = await oai.responses.stream({
      model, tools: respTools, input: [
        { role: 'user', content: USER_TEXT },
        { type: 'function_call', call_id: 'call_rt_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_rt_1', output: RESULT },
      ],
    }).finalResponse();
    return r.output_text;
  },
};

function checkRoundTrip(provider, b) {
  const text = JSON.stringify(b);
  assert.ok(text.includes(RESULT), `${provider}: the tool result did not reach the upstream`);
  switch (provider) {
    case 'compat': case 'azure': case 'azurev1': {
      const call = b.messages.find((m) => m.role === 'assistant')?.tool_calls?.[0];
      const result = b.messages.find((m) => m.role === 'tool');
      assert.equal(call.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
      assert.equal(result.tool_call_id, call.id);
      assert.ok(JSON.stringify(result.content).includes(RESULT));
      break;
    }
    case 'anthropic': {
      const use = b.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).find((c) => c.type === 'tool_use');
      const res = b.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).find((c) => c.type === 'tool_result');
      assert.equal(use.name, 'get_weather');
      assert.deepEqual(use.input, { city: 'Paris' });
      assert.equal(res.tool_use_id, use.id);
      break;
    }
    case 'gemini': case 'vertex': {
      const parts = b.contents.flatMap((c) => c.parts.map((p) => ({ role: c.role, ...p })));
      const fc = parts.find((p) => p.functionCall);
      const fr = parts.find((p) => p.functionResponse);
      assert.equal(fc.role, 'model');
      assert.equal(fc.functionCall.name, 'get_weather');
      assert.deepEqual(fc.functionCall.args, { city: 'Paris' });
      assert.equal(fr.role, 'user');
      assert.equal(fr.functionResponse.name, 'get_weather');
      break;
    }
    case 'bedrock': {
      const blocks = b.messages.flatMap((m) => m.content);
      const use = blocks.find((c) => c.toolUse)?.toolUse;
      const res = blocks.find((c) => c.toolResult)?.toolResult;
      assert.equal(use.name, 'get_weather');
      assert.deepEqual(use.input, { city: 'Paris' });
      assert.equal(res.toolUseId, use.toolUseId);
      break;
    }
    default:
      assert.fail(`no round-trip check for ${provider}`);
  }
}

for (const provider of Object.keys(PROVIDERS)) {
  for (const [dialect, send] of Object.entries(ROUND_TRIP)) {
    test(`${dialect} → ${provider}: tool result round trip (streamed, SDK helper)`, { skip: !haveSdks }, async () => {
      const answer = await send(`${provider}-plain`);
      assert.equal(typeof answer, 'string');
      assert.ok(answer.length > 0, 'an answer after the tool result');
      const up = await mock.lastRequest();
      assert.ok(!up.body_raw.includes(CLIENT_KEY));
      checkRoundTrip(provider, up.body);
    });
  }
}
