// Feeds the Responses stream encoder's fixture streams to the official `openai` SDK (not wired into
// CTest; run by hand after changing the encoder). The SDK parses them over its real SSE path —
// a fetch that answers with the bytes — both as a raw event iterator and through its strict
// ResponseStream accumulator (responses.stream), which rejects misnumbered output indexes, unknown
// item ids, unfinished items at response.completed, and so on.
//   SLUICE_RESPONSES_SSE_DIR=/tmp/sse build/tests/unit/unit_dialect --gtest_filter='OpenAiResponsesStream.*'
//   node tests/unit/dialect/openai_responses_sdk_check.mjs /tmp/sse
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(new URL('../../conformance/package.json', import.meta.url));
const { default: OpenAI } = await import(require.resolve('openai'));

const dir = process.argv[2];
if (!dir) throw new Error('usage: openai_responses_sdk_check.mjs <dir of .sse files>');

function clientFor(bytes) {
  return new OpenAI({
    apiKey: 'k', baseURL: 'http://sluice.invalid/v1', maxRetries: 0,
    fetch: async () => new Response(bytes, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
}

// What each fixture must produce: the final status, output item types, and whether the SDK raises.
const expectations = {
  TextTurn: { status: 'completed', types: ['message'], text: 'Hello' },
  ParallelFunctionCallsWithInterleavedArguments: {
    status: 'completed', types: ['function_call', 'function_call'],
    args: ['{"city":"Paris"}', '{"city":"Rome"}'],
  },
  ReasoningThenText: { status: 'completed', types: ['reasoning', 'message'], text: 'Yes.' },
  LengthLimitEndsIncompleteAndClosesOpenItems: { status: 'incomplete', types: ['message'], text: 'cut' },
  ToolCallWithoutArgumentsAndRedactedReasoning: { status: 'completed', types: ['reasoning', 'function_call'] },
  MidStreamErrorFailsTheResponseAndRaises: { raises: /Overloaded/ },
  ErrorBeforeAnyEventIsOnlyTheErrorEvent: { raises: /Slow down/ },
};

let failures = 0;
for (const [name, want] of Object.entries(expectations)) {
  const file = path.join(dir, `${name}.sse`);
  const bytes = fs.readFileSync(file);
  try {
    // 1. The raw iterator (client.responses.create({stream:true})).
    let raw = [];
    let rawError = null;
    try {
      const stream = await clientFor(bytes).responses.create({ model: 'm', input: 'x', stream: true });
      for await (const ev of stream) raw.push(ev.type);
    } catch (e) { rawError = e; }

    // 2. The accumulating helper (client.responses.stream(...).finalResponse()).
    let final = null;
    let helperError = null;
    const seen = [];
    try {
      const runner = clientFor(bytes).responses.stream({ model: 'm', input: 'x' });
      runner.on('event', (ev) => seen.push(ev.type));
      final = await runner.finalResponse();
    } catch (e) { helperError = e; }

    if (want.raises) {
      assert.ok(rawError, 'raw iterator must raise');
      assert.match(String(rawError.message), want.raises);
      assert.ok(helperError, 'helper must raise');
      assert.match(String(helperError.message), want.raises);
      console.log(`ok   ${name}: raises ${rawError.constructor.name}: ${rawError.message}` +
        ` (after ${raw.length} events)`);
      continue;
    }
    assert.equal(rawError, null, `raw iterator raised: ${rawError}`);
    assert.equal(helperError, null, `helper raised: ${helperError?.stack}`);
    assert.equal(final.status, want.status);
    assert.deepEqual(final.output.map((o) => o.type), want.types);
    if (want.text !== undefined) assert.equal(final.output_text, want.text);
    if (want.args) assert.deepEqual(final.output.map((o) => o.arguments), want.args);
    assert.deepEqual(seen, raw);
    console.log(`ok   ${name}: ${raw.length} events, status ${final.status}, output_text ${JSON.stringify(final.output_text)}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
  }
}
process.exit(failures ? 1 : 0);
