// Test harness: starts the real `mock_llm` and `sluice` binaries on 127.0.0.1 with ephemeral ports, learns
// the ports from their `{"event":"listening",...}` stdout line, and stops them. Used by every integration
// and conformance test. Binaries come from SLUICE_BIN / MOCK_LLM_BIN (set by CTest).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const SLUICE_BIN = process.env.SLUICE_BIN;
export const MOCK_LLM_BIN = process.env.MOCK_LLM_BIN;
if (!SLUICE_BIN || !MOCK_LLM_BIN) throw new Error('SLUICE_BIN and MOCK_LLM_BIN must be set (CTest sets them)');

const children = new Set();
process.on('exit', () => { for (const c of children) { try { c.kill('SIGKILL'); } catch {} } });

// Spawns a process and resolves once it prints its listening line on stdout.
function spawnListening(bin, args, { env = {}, timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    const lines = [];
    const stderr = [];
    let settled = false;
    const timer = setTimeout(() => {
      if (!settled) { settled = true; proc.kill('SIGKILL'); reject(new Error(`${bin} did not start: ${stderr.join('')}`)); }
    }, timeoutMs);
    proc.stderr.on('data', (d) => stderr.push(d.toString()));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      lines.push(line);
      if (settled) return;
      try {
        const ev = JSON.parse(line);
        if (ev.event === 'listening') { settled = true; clearTimeout(timer); resolve({ proc, ev, lines, stderr }); }
      } catch { /* not JSON */ }
    });
    proc.on('exit', (code, signal) => {
      children.delete(proc);
      if (!settled) { settled = true; clearTimeout(timer); reject(new Error(`${bin} exited (${code ?? signal}): ${stderr.join('')}`)); }
    });
  });
}

function stopper(proc) {
  return (signal = 'SIGTERM', timeoutMs = 10000) => new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve({ code: proc.exitCode, signal: proc.signalCode });
    const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code, sig) => { clearTimeout(t); resolve({ code, signal: sig }); });
    proc.kill(signal);
  });
}

export async function startMock({ env = {} } = {}) {
  const { proc, ev } = await spawnListening(MOCK_LLM_BIN, ['--listen', '127.0.0.1:0'], { env });
  const url = `http://${ev.addr}`;
  return {
    proc, url, addr: ev.addr,
    async stats() { return (await fetch(`${url}/mock/stats`)).json(); },
    async lastRequest() { return (await fetch(`${url}/mock/last_request`)).json(); },
    async reset() { await fetch(`${url}/mock/reset`, { method: 'POST' }); },
    stop: stopper(proc),
  };
}

// Default gateway config routing mock-* models to the given mock; `overrides` is merged per top-level key.
export function gatewayConfig(mockUrl, overrides = {}) {
  const base = {
    server: { listen: '127.0.0.1:0', workers: 1, timeouts: { drain: '5s' } },
    admin: { listen: '127.0.0.1:0' },
    providers: { mock: { type: 'openai_compatible', base_url: mockUrl, api_key: '${MOCK_PROVIDER_KEY:-sk-provider-secret-123}' } },
    models: {
      'gpt-test': { provider: 'mock', model: 'mock-upstream-model' },
      'embed-test': { provider: 'mock', model: 'mock-embed' },
    },
  };
  const merged = { ...base };
  for (const [k, v] of Object.entries(overrides)) {
    merged[k] = (typeof v === 'object' && v && !Array.isArray(v) && base[k]) ? { ...base[k], ...v } : v;
  }
  return merged;
}

// Starts sluice with `config` (an object written as JSON, which is valid YAML) and returns handles.
export async function startGateway(config, { env = {}, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-test-'));
  const path = join(dir, 'sluice.yaml');
  writeFileSync(path, JSON.stringify(config, null, 2));
  const { proc, ev, lines, stderr } = await spawnListening(SLUICE_BIN, ['serve', '-c', path, ...args], { env });
  return {
    proc, lines, stderr, configPath: path,
    url: `http://${ev.http}`, adminUrl: `http://${ev.admin}`, http: ev.http,
    stop: stopper(proc),
    // Access-log lines seen so far (JSON objects with event == "request").
    accessLog() { return lines.map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter((l) => l && l.event === 'request'); },
    async metrics() { return (await fetch(`http://${ev.admin}/metrics`)).text(); },
  };
}

// Reads a Prometheus sample value (sum over series matching all given labels).
export function metricValue(text, name, labels = {}) {
  let sum = 0; let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)$/);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => ls[k] === v)) { sum += Number(m[4]); found = true; }
  }
  return found ? sum : undefined;
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// Polls `fn` until it returns a truthy value or the timeout passes (no fixed sleeps in assertions).
export async function waitFor(fn, { timeoutMs = 5000, intervalMs = 20 } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitFor: condition not met in time');
    await sleep(intervalMs);
  }
}

// Reads the RSS of a process in KiB from /proc.
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]);
}
