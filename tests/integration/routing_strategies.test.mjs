// Routing strategies and resilience through real processes (issue 4): weighted split (binomial bound),
// sticky sessions, least-latency and least-busy (scraped vLLM /metrics), the circuit breaker opening and
// recovering, and the retry budget capping upstream attempts during an outage. Every gateway runs one
// worker: health, latency and the budget are learned per worker. Each scenario that needs clean state
// gets its own gateway. Fallback classes, Retry-After, rules, allow, params: routing.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, startGateway, waitFor } from './lib/harness.mjs';
import { post } from './lib/proxy_client.mjs';
import { startScriptedUpstream } from './lib/scripted_upstream.mjs';

const KEY = 'sk-provider-secret-123';
const oai = (url, extra = {}) => ({ type: 'openai_compatible', base_url: url, api_key: KEY, ...extra });
const server = { listen: '127.0.0.1:0', workers: 1, timeouts: { drain: '2s' } };
const admin = { listen: '127.0.0.1:0' };
const chat = (model) => ({ model, messages: [{ role: 'user', content: 'Hello there world' }] });

let mockA; let mockB; let mockC; let fast; let flaky;
let gw; let gwBreaker; let gwBudget;

before(async () => {
  [mockA, mockB, mockC, fast, flaky] = await Promise.all([
    startMock(), startMock(), startMock(), startScriptedUpstream(), startScriptedUpstream(),
  ]);
  const gateways = [
    startGateway({
      server, admin,
      providers: {
        wa: oai(mockA.url), wb: oai(mockB.url),
        fast: oai(fast.url), steady: oai(mockB.url),
        // vLLM-style servers whose queue the gateway scrapes for least-busy.
        la: { type: 'vllm', base_url: mockA.url, load_metrics: { url: '/metrics', interval: '200ms' } },
        lb: { type: 'vllm', base_url: mockB.url, load_metrics: { url: '/metrics', interval: '200ms' } },
      },
      models: {
        split: { targets: [{ provider: 'wa', model: 'mock-a', weight: 80 }, { provider: 'wb', model: 'mock-b', weight: 20 }] },
        sessions: {
          sticky: { by: 'header', header: 'x-session-id' },
          targets: [{ provider: 'wa', model: 'mock-sa', weight: 1 }, { provider: 'wb', model: 'mock-sb', weight: 1 }],
        },
        // `steady` answers after a 150 ms time to first token, always; `fast` is quick until a test slows it.
        quick: {
          strategy: 'least-latency', epsilon: 0,
          targets: [{ provider: 'fast', model: 'scripted' }, { provider: 'steady', model: 'mock-ttft-150ms' }],
        },
        idle: { strategy: 'least-busy', targets: [{ provider: 'la', model: 'mock-la' }, { provider: 'lb', model: 'mock-lb' }] },
      },
    }),
    startGateway({
      server, admin,
      routing: {
        breaker: { consecutive_failures: 2, failure_rate: 0, base_cooldown: '500ms', max_cooldown: '5s' },
        retry: { initial_backoff: '1ms', max_backoff: '5ms' },
      },
      providers: { flaky: oai(flaky.url), backup: oai(mockB.url) },
      models: {
        guarded: {
          strategy: 'priority',
          targets: [{ provider: 'flaky', model: 'scripted', priority: 0 }, { provider: 'backup', model: 'mock-backup', priority: 1 }],
        },
      },
    }),
    startGateway({
      server, admin,
      routing: {
        // Breaker off so the budget alone limits retries; tiny backoff keeps the outage test fast.
        breaker: { consecutive_failures: 0, failure_rate: 0 },
        retry: { max_attempts: 3, initial_backoff: '1ms', max_backoff: '2ms', budget: { ratio: 0.1, min_per_second: 0.1, window: '10s' } },
      },
      providers: { d1: oai(mockC.url), d2: oai(mockC.url) },
      models: {
        down: { strategy: 'priority', targets: [{ provider: 'd1', model: 'mock-error-503', priority: 0 }, { provider: 'd2', model: 'mock-x-error-503', priority: 1 }] },
      },
    }),
  ];
  [gw, gwBreaker, gwBudget] = await Promise.all(gateways);
});

after(async () => {
  await Promise.all([gw?.stop(), gwBreaker?.stop(), gwBudget?.stop()]);
  await Promise.all([mockA?.stop(), mockB?.stop(), mockC?.stop(), fast?.stop(), flaky?.stop()]);
});

// Sends `n` requests, `concurrency` at a time; returns the responses in order.
async function send(g, model, n, { concurrency = 1, headers = () => ({}) } = {}) {
  const out = new Array(n);
  let next = 0;
  async function lane() {
    for (let i = next++; i < n; i = next++) out[i] = await post(`${g.url}/v1/chat/completions`, chat(model), headers(i));
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return out;
}
const providerOf = (r) => r.headers.get('x-sluice-provider');
const tally = (rs) => rs.reduce((m, r) => ({ ...m, [providerOf(r)]: (m[providerOf(r)] ?? 0) + 1 }), {});

test('weighted 80/20: 500 requests split within 5 sigma of the binomial mean', async () => {
  const a0 = (await mockA.stats()).chat_requests; const b0 = (await mockB.stats()).chat_requests;
  const rs = await send(gw, 'split', 500, { concurrency: 16 });
  assert.ok(rs.every((r) => r.status === 200), 'every request succeeds');
  const t = tally(rs);
  // Each request draws independently: X ~ Binomial(500, 0.8), mean 400, sigma = sqrt(500·0.8·0.2) ≈ 8.94.
  // ±5 sigma = [355, 445] fails a correct implementation with probability ~6e-7, while a broken split
  // (50/50 → 250, or everything to one side → 500/0) is far outside.
  const n = 500; const p = 0.8; const sigma = Math.sqrt(n * p * (1 - p));
  assert.equal((t.wa ?? 0) + (t.wb ?? 0), n);
  assert.ok(Math.abs(t.wa - n * p) <= 5 * sigma, `wa got ${t.wa} of 500 (expected 400 ± ${(5 * sigma).toFixed(0)})`);
  // The headers tell the truth: the mocks counted the same split.
  assert.equal((await mockA.stats()).chat_requests - a0, t.wa);
  assert.equal((await mockB.stats()).chat_requests - b0, t.wb);
});

test('sticky: one x-session-id always lands on the same target; different ids spread', async () => {
  for (const id of ['session-alpha', 'session-beta']) {
    const rs = await send(gw, 'sessions', 50, { concurrency: 5, headers: () => ({ 'x-session-id': id }) });
    const t = tally(rs);
    assert.equal(Object.keys(t).length, 1, `${id} hopped between targets: ${JSON.stringify(t)}`);
    assert.equal(Object.values(t)[0], 50);
  }
  // 200 distinct ids on a 50/50 route: Binomial(200, 0.5) by construction of the hash, sigma ≈ 7.07;
  // ±5 sigma = [65, 135]. Deterministic for these ids (rendezvous hashing), so this never flakes.
  const rs = await send(gw, 'sessions', 200, { concurrency: 10, headers: (i) => ({ 'x-session-id': `user-${i}` }) });
  const t = tally(rs);
  assert.ok(t.wa >= 65 && t.wa <= 135, `ids spread ${JSON.stringify(t)}`);
  // And it is a function of the id: asking again gives the same answer for every id.
  const again = await send(gw, 'sessions', 200, { concurrency: 10, headers: (i) => ({ 'x-session-id': `user-${i}` }) });
  assert.deepEqual(again.map(providerOf), rs.map(providerOf));
});

test('least-latency: traffic goes to the quicker target and leaves it within 3 requests once it slows', async () => {
  fast.set(() => ({}));
  // Warm-up: each target is measured once (unmeasured targets are tried first), then the quick one wins.
  const warm = await send(gw, 'quick', 4);
  assert.ok(warm.every((r) => r.status === 200));
  const before = await send(gw, 'quick', 10);
  assert.deepEqual(tally(before), { fast: 10 }, 'the 150 ms-TTFT mock gets nothing while the other is quicker');
  // Slow `fast` to 600 ms. Its EWMA (alpha 0.3) after m slow samples is ≈ 600·(1 − 0.7^m): 180, 306, 394 ms.
  // `steady`'s own EWMA is 150 ms plus whatever the loaded machine adds to its few samples, so the move
  // takes 1 slow request on a quiet machine and at most 3 unless steady looked slower than ~390 ms.
  fast.set(() => ({ delayMs: 600 }));
  const after = await send(gw, 'quick', 12);
  assert.ok(after.every((r) => r.status === 200));
  const order = after.map(providerOf).join(',');
  assert.ok(after.filter((r) => providerOf(r) === 'fast').length <= 3, `slow target kept its traffic: ${order}`);
  assert.ok(after.slice(-6).every((r) => providerOf(r) === 'steady'), `traffic did not settle on the quick target: ${order}`);
  fast.set(() => ({}));
});

// Waits until the gateway has scraped both mocks at least twice since now (so a reading after the latest
// /mock/load change is on the board).
async function freshScrapes() {
  const a0 = (await mockA.stats()).metrics_scrapes; const b0 = (await mockB.stats()).metrics_scrapes;
  await waitFor(async () => (await mockA.stats()).metrics_scrapes >= a0 + 2 && (await mockB.stats()).metrics_scrapes >= b0 + 2,
    { timeoutMs: 3000 });
}

test('least-busy: the scraped vLLM queue (/metrics) steers traffic to the idle server', async () => {
  await fetch(`${mockA.url}/mock/load`, { method: 'POST', body: JSON.stringify({ waiting: 40, running_offset: 0 }) });
  await fetch(`${mockB.url}/mock/load`, { method: 'POST', body: JSON.stringify({ waiting: 0, running_offset: 0 }) });
  await freshScrapes();
  assert.deepEqual(tally(await send(gw, 'idle', 10)), { lb: 10 }, 'A has 40 waiting: everything to B');
  await fetch(`${mockA.url}/mock/load`, { method: 'POST', body: JSON.stringify({ waiting: 0 }) });
  await fetch(`${mockB.url}/mock/load`, { method: 'POST', body: JSON.stringify({ waiting: 40 }) });
  await freshScrapes();
  assert.deepEqual(tally(await send(gw, 'idle', 10)), { la: 10 }, 'now B is queued: everything to A');
  await fetch(`${mockB.url}/mock/load`, { method: 'POST', body: JSON.stringify({ waiting: 0 }) });
});

test('breaker: opens after 2 failures, skips the target while open, probes after the cooldown, recovers', async () => {
  const g = gwBreaker;
  flaky.set(() => ({ status: 503 }));
  // Two failures in a row (each request falls back to the backup) open the breaker.
  for (let i = 0; i < 2; i++) {
    const r = (await send(g, 'guarded', 1))[0];
    assert.equal(r.status, 200, r.text);
    assert.equal(providerOf(r), 'backup');
    assert.equal(r.headers.get('x-sluice-attempts'), '2');
  }
  assert.equal(flaky.requests.length, 2);
  const openedAt = flaky.requests[1].t;
  // Open: the target is not even tried; the backup answers in one attempt and flaky sees nothing. Only
  // answers that came back inside the 500 ms cooldown prove it (on a loaded machine some may not).
  const whileOpen = [];
  for (let i = 0; i < 5; i++) {
    const r = (await send(g, 'guarded', 1))[0];
    if (performance.now() - openedAt < 490) whileOpen.push(r);
  }
  assert.ok(whileOpen.length >= 3, `only ${whileOpen.length} requests finished inside the cooldown`);
  assert.ok(whileOpen.every((r) => r.status === 200 && providerOf(r) === 'backup' && r.headers.get('x-sluice-attempts') === '1'),
    whileOpen.map((r) => `${r.status} ${providerOf(r)} ${r.headers.get('x-sluice-attempts')}`).join(', '));
  assert.equal(flaky.requests.filter((q) => q.t - openedAt < 490).length, 2, 'no request reached the ejected target while open');

  // After the cooldown a probe goes out; it fails, the breaker re-opens for twice as long (1 s).
  await waitFor(async () => { await send(g, 'guarded', 1); return flaky.requests.length >= 3; }, { timeoutMs: 3000, intervalMs: 25 });
  const probe1 = flaky.requests[2].t;
  assert.ok(probe1 - openedAt >= 490, `first probe ${(probe1 - openedAt).toFixed(0)} ms after opening (cooldown 500 ms)`);
  assert.equal(flaky.requests.length, 3, 'exactly one probe');

  // Recover the upstream, slowly (300 ms), and send bursts of 4 concurrent requests until one reaches it:
  // the next probe (≥ 1 s after the failed one) is the only request let through while half-open
  // (half_open_probes: 1); the rest of its burst goes to the backup.
  flaky.set(() => ({ delayMs: 300 }));
  let burst;
  await waitFor(async () => {
    burst = await send(g, 'guarded', 4, { concurrency: 4 });
    return burst.some((r) => providerOf(r) === 'flaky');
  }, { timeoutMs: 4000, intervalMs: 25 });
  assert.deepEqual(tally(burst), { flaky: 1, backup: 3 }, 'one probe at a time while half-open');
  assert.equal(flaky.requests.length, 4, 'nothing reached it while re-opened, then exactly one probe');
  const probe2 = flaky.requests[3].t;
  assert.ok(probe2 - probe1 >= 990, `second probe ${(probe2 - probe1).toFixed(0)} ms after the failed one (1 s)`);
  assert.equal(burst.find((r) => providerOf(r) === 'flaky').headers.get('x-sluice-attempts'), '1');
  flaky.set(() => ({}));
  const closed = await send(g, 'guarded', 10);
  assert.deepEqual(tally(closed), { flaky: 10 }, 'closed again: the primary takes all traffic');
});

test('retry budget: during a total outage upstream attempts ≤ requests × (1 + ratio) + floor', async () => {
  const n = 30; const ratio = 0.1; const floor = 0.1 * 10;  // min_per_second × window seconds
  const c0 = (await mockC.stats()).chat_requests;
  const rs = await send(gwBudget, 'down', n);
  assert.ok(rs.every((r) => r.status === 503), rs.map((r) => r.status).join(','));
  const attempts = (await mockC.stats()).chat_requests - c0;
  // Without a budget this would be n × max_attempts = 90.
  assert.ok(attempts <= n * (1 + ratio) + floor, `${attempts} upstream attempts for ${n} requests`);
  assert.ok(attempts > n, 'the budget allows some retries (the floor at least)');
  // The gateway's own count agrees with the mock's.
  const headerAttempts = rs.reduce((s, r) => s + Number(r.headers.get('x-sluice-attempts')), 0);
  assert.equal(headerAttempts, attempts);
  const logs = await waitFor(() => {
    const l = gwBudget.accessLog().filter((x) => x.model === 'down');
    return l.length === n && l;
  });
  assert.ok(logs.filter((l) => l.give_up === 'retry_budget_exhausted').length >= n - (attempts - n),
    'requests that could not retry say why');
});
