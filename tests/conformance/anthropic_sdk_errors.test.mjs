// Anthropic SDK conformance, the failure paths and side endpoints: upstream error statuses → SDK error
// classes in Anthropic's error shape, errors and cuts mid-stream, client abort cancelling the upstream,
// unknown model, invalid request, anthropic-beta forwarding, count_tokens — against (a) an Anthropic provider
// (spliced) and (b) an OpenAI-compatible provider (translated). Setup: anthropic_sdk_fixture.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { waitFor } from '../integration/lib/harness.mjs';
import {
  ctx, useGateways, MODES, modelName, USER_TEXT, user, promptEstimate, rejection, ANT_KEY, OAI_KEY, CLIENT_KEY,
  SDK_VERSION_HEADER,
} from './anthropic_sdk_fixture.mjs';

useGateways({ strict: true });

for (const mode of MODES) {
  const M = (b) => modelName(mode, b);
  const T = (name, fn) => test(`${mode.label}: ${name}`, fn);

  T('upstream 429 → RateLimitError with status 429, Anthropic error shape and retry-after', async () => {
    const err = await rejection(ctx.client.messages.create({ model: M('limited'), max_tokens: 16, messages: user('x') }));
    assert.ok(err instanceof Anthropic.RateLimitError, `${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.status, 429);
    assert.equal(err.error.type, 'error');
    assert.equal(err.error.error.type, 'rate_limit_error');
    assert.equal(typeof err.error.error.message, 'string');
    assert.equal(err.headers.get('retry-after'), '3');
  });

  T('upstream 500 → InternalServerError 500 (api_error)', async () => {
    const err = await rejection(ctx.client.messages.create({ model: M('failing'), max_tokens: 16, messages: user('x') }));
    assert.ok(err instanceof Anthropic.InternalServerError, `${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.status, 500);
    assert.equal(err.error.type, 'error');
    assert.equal(err.error.error.type, 'api_error');
  });

  if (mode.spliced) {
    T('upstream 529 overloaded stays 529 (OverloadedError)', async () => {
      const err = await rejection(ctx.client.messages.create({ model: M('overloaded'), max_tokens: 16, messages: user('x') }));
      assert.ok(err instanceof Anthropic.OverloadedError, `${err?.constructor?.name}: ${err?.message}`);
      assert.ok(err instanceof Anthropic.InternalServerError);
      assert.equal(err.status, 529);
      assert.equal(err.error.error.type, 'overloaded_error');
      assert.match(err.requestID ?? '', /^req_mock_/, 'the provider request-id is forwarded');
    });
  } else {
    T('upstream 503 → ServiceUnavailableError 503, typed overloaded_error', async () => {
      const err = await rejection(ctx.client.messages.create({ model: M('unavailable'), max_tokens: 16, messages: user('x') }));
      assert.ok(err instanceof Anthropic.ServiceUnavailableError, `${err?.constructor?.name}: ${err?.message}`);
      assert.ok(err instanceof Anthropic.InternalServerError);
      assert.equal(err.status, 503);
      assert.equal(err.error.type, 'error');
      assert.equal(err.error.error.type, 'overloaded_error');
    });
  }

  T('an error mid-stream makes the SDK raise, after the text already received', async () => {
    const stream = ctx.client.messages.stream({ model: M('miderror'), max_tokens: 64, messages: user('a b c d e f') });
    const texts = [];
    stream.on('text', (t) => texts.push(t));
    const err = await rejection(stream.finalMessage());
    assert.ok(err instanceof Anthropic.APIError, `${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.error?.type, 'error');
    assert.equal(typeof err.error?.error?.type, 'string');
    // Spliced: the provider's own event, raw. Translated: OpenAI's server_error becomes api_error.
    assert.equal(err.error.error.type, mode.spliced ? 'overloaded_error' : 'api_error');
    assert.ok(texts.length >= 1 && texts.length < 6, `partial text before the error: ${JSON.stringify(texts)}`);

    const raw = await ctx.client.messages.create({ model: M('miderror'), max_tokens: 64, stream: true, messages: user('a b c d e f') });
    await assert.rejects(async () => { for await (const _ of raw) { /* drain */ } }, (e) => e instanceof Anthropic.APIError);
  });

  T('an upstream connection cut mid-stream makes the SDK raise, never a silent success', async () => {
    const err = await rejection(ctx.client.messages.stream({ model: M('cut'), max_tokens: 64, messages: user('a b c d e f') }).finalMessage());
    assert.ok(err instanceof Error);
  });

  T('client abort mid-stream cancels the upstream stream', async () => {
    const before = await ctx.mock.stats();
    const stream = ctx.client.messages.stream({ model: M('slow'), max_tokens: 1000, messages: user('tick tock') });
    const gotText = new Promise((resolve) => stream.once('text', resolve));
    const ended = stream.done().then(() => null, (e) => e);
    await gotText;
    stream.abort();
    const err = await ended;
    assert.ok(err instanceof Anthropic.APIUserAbortError, `${err?.constructor?.name}`);
    const after = await waitFor(async () => {
      const s = await ctx.mock.stats();
      return s.streams_cancelled > before.streams_cancelled && s.active_streams === 0 ? s : null;
    });
    assert.equal(after.streams_completed, before.streams_completed, 'the upstream stream did not run to its end');
  });
}


test('unknown model → 404 NotFoundError in Anthropic\'s error shape', async () => {
  const err = await rejection(ctx.client.messages.create({ model: 'no-such-model', max_tokens: 16, messages: user('x') }));
  assert.ok(err instanceof Anthropic.NotFoundError, `${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, 404);
  assert.equal(err.error.type, 'error');
  assert.equal(err.error.error.type, 'not_found_error');
  assert.match(err.error.error.message, /no-such-model/);
});

test('missing max_tokens → 400 BadRequestError in Anthropic\'s error shape, for either provider', async () => {
  const before = (await ctx.mock.stats()).requests_total;
  for (const model of ['a-plain', 'b-plain']) {
    const err = await rejection(ctx.client.messages.create({ model, messages: user('x') }));
    assert.ok(err instanceof Anthropic.BadRequestError, `${err?.constructor?.name}: ${err?.message}`);
    assert.equal(err.status, 400);
    assert.equal(err.error.type, 'error');
    assert.equal(err.error.error.type, 'invalid_request_error');
    assert.match(err.error.error.message, /max_tokens/);
  }
  assert.equal((await ctx.mock.stats()).requests_total, before, 'rejected by the gateway, nothing went upstream');
});

test('(a) anthropic-beta is forwarded with anthropic-version; (b) it is not sent to an OpenAI provider', async () => {
  const betas = ['prompt-caching-2024-07-31', 'token-efficient-tools-2025-02-19'];
  const msg = await ctx.client.beta.messages.create({ model: 'a-plain', max_tokens: 32, betas, messages: user('beta please') });
  assert.equal(msg.content[0].text, 'beta please');
  assert.equal(ctx.lastSent.headers.get('anthropic-beta'), betas.join(','));
  let up = await ctx.mock.lastRequest();
  assert.equal(up.headers['anthropic-beta'], betas.join(','));
  assert.equal(up.headers['anthropic-version'], SDK_VERSION_HEADER);
  assert.equal(up.headers['x-api-key'], ANT_KEY);

  await ctx.client.messages.create({ model: 'a-plain', max_tokens: 32, messages: user('no beta') });
  up = await ctx.mock.lastRequest();
  assert.equal(up.headers['anthropic-beta'], undefined, 'no beta header invented');

  const translated = await ctx.client.beta.messages.create({ model: 'b-plain', max_tokens: 32, betas, messages: user('beta please') });
  assert.equal(translated.content[0].text, 'beta please');
  up = await ctx.mock.lastRequest();
  assert.equal(up.target, '/v1/chat/completions');
  assert.equal(up.headers['anthropic-beta'], undefined);
});

test('countTokens: a marked estimate by default; counted by the Anthropic provider without estimates', async () => {
  const params = { model: 'a-plain', system: 'be brief', messages: user(USER_TEXT) };
  const local = await ctx.client.messages.countTokens(params).withResponse();
  assert.ok(local.data.input_tokens > 0);
  assert.equal(local.response.headers.get('x-sluice-token-count'), 'estimate');
  const localB = await ctx.client.messages.countTokens({ ...params, model: 'b-plain' }).withResponse();
  // The estimate follows the upstream model: 'claude-mock' is a Claude (factor 1.15), 'mock' an unknown
  // model (1.35, the largest family factor), over the same o200k count.
  assert.equal(localB.response.headers.get('x-sluice-token-count'), 'estimate');
  assert.ok(localB.data.input_tokens > local.data.input_tokens, `${localB.data.input_tokens} > ${local.data.input_tokens}`);

  const before = (await ctx.mock.stats()).count_tokens_requests;
  const forwarded = await ctx.strictClient.messages.countTokens(params).withResponse();
  assert.equal(forwarded.response.headers.get('x-sluice-token-count'), 'provider');
  assert.equal(forwarded.data.input_tokens, promptEstimate(['be brief', USER_TEXT]), 'the provider\'s own count');
  assert.equal((await ctx.mock.stats()).count_tokens_requests, before + 1);
  const up = await ctx.mock.lastRequest();
  assert.equal(up.target, '/v1/messages/count_tokens');
  assert.equal(up.headers['x-api-key'], ANT_KEY);
  assert.ok(!JSON.stringify(up).includes(CLIENT_KEY));
  assert.equal(up.body.model, 'claude-mock');
  assert.deepEqual(up.body.messages, params.messages);

  // A model an OpenAI provider serves has no provider count and no estimate allowed: a clear 400.
  const err = await rejection(ctx.strictClient.messages.countTokens({ ...params, model: 'b-plain' }));
  assert.ok(err instanceof Anthropic.BadRequestError, `${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.error.error.type, 'invalid_request_error');
});

test('no provider key in gateway output', async () => {
  const all = [ctx.gw, ctx.strictGw].map((g) => g.lines.join('\n') + g.stderr.join('')).join('');
  assert.ok(!all.includes(ANT_KEY) && !all.includes(OAI_KEY));
});
