// The sluice command line: `check` (every config error, compiler style, no secrets), `serve` refusing a bad
// config, and `tokens` counting stdin with the real vocabularies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLUICE_BIN } from './lib/harness.mjs';

const kSecret = 'sk-live-DO-NOT-PRINT-4f9a2c';
const kSourceDir = process.env.SLUICE_SOURCE_DIR ?? new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));

function run(args, { input, env = {} } = {}) {
  const r = spawnSync(SLUICE_BIN, args, { input, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

function writeConfig(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const good = writeConfig('good.yaml', `server:
  listen: "127.0.0.1:0"
  timeouts: { drain: 2s }
admin:
  listen: "127.0.0.1:0"
providers:
  mock:
    type: openai_compatible
    base_url: "http://127.0.0.1:9"
    api_key: "\${SLUICE_TEST_KEY}"
  other:
    type: vllm
    base_url: "http://127.0.0.1:10/v1"
models:
  gpt-test: { provider: mock, model: mock-model }
  local: { provider: other }
`);

// Each error is at a known line:column (1-based); the secret comes from the environment.
const badText = `server:
  listen: "127.0.0.1:0"
  lisen: "127.0.0.1:1"
  timeouts:
    drain: 5 seconds
providers:
  mock:
    type: openai_compatible
    base_url: "http://127.0.0.1:9"
    api_key: "\${SLUICE_TEST_KEY}"
models:
  gpt-test:
    provider: mok
`;
const bad = writeConfig('bad.yaml', badText);
const col = (line, token) => badText.split('\n')[line - 1].indexOf(token) + 1;

test('sluice check on a good config exits 0 and prints ok with the counts', () => {
  const r = run(['check', '-c', good], { env: { SLUICE_TEST_KEY: kSecret } });
  assert.equal(r.code, 0, r.all);
  assert.match(r.stdout, /^ok: 2 providers, 2 models\n$/);
  assert.ok(!r.all.includes(kSecret));
});

test('sluice check reports every error as file:line:col: path: message, and exits non-zero', () => {
  const r = run(['check', '-c', bad], { env: { SLUICE_TEST_KEY: kSecret } });
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, '', 'errors go to stderr');
  const lines = r.stderr.split('\n');
  const expect = (line, column, path, message) => {
    const prefix = `${bad}:${line}:${column}: ${path}: `;
    const hit = lines.find((l) => l.startsWith(prefix));
    assert.ok(hit, `missing "${prefix}…" in:\n${r.stderr}`);
    assert.match(hit.slice(prefix.length), message);
  };
  expect(3, col(3, 'lisen'), 'server.lisen', /unknown key 'lisen'.*did you mean 'listen'/);
  expect(5, col(5, '5 seconds'), 'server.timeouts.drain', /duration/i);
  expect(13, col(13, 'mok'), 'models.gpt-test.provider', /unknown provider 'mok'.*did you mean 'mock'/);
  assert.match(r.stderr, /3 errors/);
  assert.ok(!r.all.includes(kSecret), 'the env-expanded key never prints');
});

test('a secret that makes the config invalid is still never printed', () => {
  const path = writeConfig('bad-key.yaml', `providers:
  mock:
    type: openai
    base_url: "https://api.example.com"
    api_key: "\${SLUICE_TEST_KEY}"
    headers:
      x-org: "\${SLUICE_TEST_ORG}"
models:
  m: { provider: mock }
`);
  const r = run(['check', '-c', path], { env: { SLUICE_TEST_KEY: `${kSecret} with spaces`, SLUICE_TEST_ORG: `org\n${kSecret}` } });
  assert.notEqual(r.code, 0, r.all);
  assert.match(r.stderr, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: providers\\.mock\\.api_key: `));
  assert.ok(!r.all.includes(kSecret), `secret printed:\n${r.all}`);
  assert.ok(!r.all.includes('DO-NOT-PRINT'));
});

test('sluice check: a missing file and a missing -c are errors', () => {
  const r = run(['check', '-c', join(dir, 'nope.yaml')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /nope\.yaml/);
  const r2 = run(['check']);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /missing -c/);
});

test('sluice serve with a bad config exits non-zero with the errors and never listens', () => {
  const r = run(['serve', '-c', bad], { env: { SLUICE_TEST_KEY: kSecret } });
  assert.notEqual(r.code, 0);
  assert.ok(!r.stdout.includes('"listening"'), r.stdout);
  assert.match(r.stderr, new RegExp(`:3:${col(3, 'lisen')}: server\\.lisen: `));
  assert.match(r.stderr, /models\.gpt-test\.provider: unknown provider 'mok'/);
  assert.match(r.stderr, /server\.timeouts\.drain: /);
  assert.ok(!r.all.includes(kSecret));
});

test('sluice tokens counts stdin with the o200k_base vocabulary', () => {
  const env = { SLUICE_VOCAB_DIR: join(kSourceDir, 'data/vocab') };
  // Reference counts from tiktoken: "hello world" = 2, "hello world\n" = 3 (echo adds the newline).
  const a = run(['tokens', '--model', 'gpt-4o'], { input: 'hello world', env });
  assert.equal(a.code, 0, a.all);
  assert.equal(a.stdout, '2\n');
  const b = run(['tokens', '--model', 'gpt-4o'], { input: 'hello world\n', env });
  assert.equal(b.stdout, '3\n');
  const c = run(['tokens', '--model', 'gpt-4o', '--json'], { input: 'Sluice is an AI gateway, written in C++20.', env });
  assert.deepEqual(JSON.parse(c.stdout), { model: 'gpt-4o', encoding: 'o200k_base', tokens: 14, exact: true });
  const sh = spawnSync('sh', ['-c', `echo hello world | "${SLUICE_BIN}" tokens --model gpt-4o`], { env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(sh.status, 0, sh.stderr);
  assert.equal(sh.stdout, '3\n');
});

test('sluice tokens without vocabularies fails clearly; unknown arguments are usage errors', () => {
  const r = run(['tokens', '--model', 'gpt-4o'], { input: 'hello', env: { SLUICE_VOCAB_DIR: join(dir, 'no-vocab') } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /vocabulary|fetch-vocab/);
  const u = run(['tokens', '--frobnicate'], { input: '' });
  assert.equal(u.code, 2);
  assert.match(u.stderr, /usage: sluice tokens/);
});

test('sluice version and unknown commands', () => {
  const v = run(['version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^sluice \d+\.\d+\.\d+/);
  const u = run(['frobnicate']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /unknown command 'frobnicate'/);
});
