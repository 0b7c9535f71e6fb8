// Concurrency check for mock_llm: starts the mock (one thread), opens N concurrent slow streaming chat
// requests, and reports how many completed with [DONE], the peak active streams seen by /mock/stats, and
// the mock's resident memory at the peak.
//   ulimit -n 20000; node tools/mock_llm/scripts/load_check.mjs BUILD/tools/mock_llm/mock_llm [N=10000] [openai|anthropic|gemini|bedrock]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import readline from 'node:readline';

const [binary, nArg, dialect = 'openai'] = process.argv.slice(2);
if (!binary) {
  console.error('usage: load_check.mjs MOCK_BINARY [N]');
  process.exit(2);
}
const N = Number(nArg ?? 10000);
const CHUNKS = 10;
const TPS = 4;  // 10 one-token chunks at 4 tokens/s ≈ 2.5 s per stream: all N overlap

const mock = spawn(binary, ['--listen', '127.0.0.1:0', '--threads', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = await new Promise((resolve) => readline.createInterface({ input: mock.stdout }).once('line', resolve));
const { addr } = JSON.parse(line);
const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];

const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${mock.pid}/status`, 'utf8'))[1]);
const getJson = (path) => new Promise((resolve, reject) => {
  http.get({ host, port, path, agent: false }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => resolve(JSON.parse(body)));
  }).on('error', reject);
});

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
// Per dialect: route, body, headers, and a marker only the stream's last event carries.
const user = [{ role: 'user', content: 'load check' }];
const dialects = {
  openai: { path: '/v1/chat/completions', body: { model: 'gpt-4o', stream: true, messages: user }, headers: {},
    end: 'data: [DONE]' },
  anthropic: { path: '/v1/messages', body: { model: 'claude-mock', stream: true, max_tokens: 64, messages: user },
    headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' }, end: 'event: message_stop' },
  gemini: { path: '/v1beta/models/gemini-mock:streamGenerateContent?alt=sse',
    body: { contents: [{ role: 'user', parts: [{ text: 'load check' }] }] }, headers: { 'x-goog-api-key': 'k' },
    end: '"finishReason":"STOP"' },
  bedrock: { path: '/model/anthropic.claude-mock%3A0/converse-stream',
    body: { messages: [{ role: 'user', content: [{ text: 'load check' }] }] }, headers: { authorization: 'Bearer k' },
    end: '"latencyMs"' },
};
if (!dialects[dialect]) {
  console.error(`unknown dialect ${dialect} (${Object.keys(dialects).join('|')})`);
  process.exit(2);
}
const { path, headers: extraHeaders, end: endMarker } = dialects[dialect];
const body = JSON.stringify(dialects[dialect].body);
const rssBefore = rssKb();
const started = Date.now();
let done = 0, failed = 0;
const errors = {};
const one = () => new Promise((resolve) => {
  const req = http.request({ host, port, method: 'POST', path, agent,
    headers: { 'content-type': 'application/json', 'x-mock-chunks': String(CHUNKS), 'x-mock-tps': String(TPS), ...extraHeaders } },
  (res) => {
    let tail = '';
    res.setEncoding('latin1');  // bedrock frames are binary
    res.on('data', (d) => (tail = (tail + d).slice(-512)));
    res.on('end', () => { tail.includes(endMarker) ? done++ : failed++; resolve(); });
    res.on('error', (e) => { failed++; errors[e.code] = (errors[e.code] ?? 0) + 1; resolve(); });
  });
  req.on('error', (e) => { failed++; errors[e.code] = (errors[e.code] ?? 0) + 1; resolve(); });
  req.end(body);
});

const all = [];
for (let i = 0; i < N; i++) all.push(one());
let peakActive = 0, peakRss = 0;
const sampler = setInterval(async () => {
  try {
    const s = await getJson('/mock/stats');
    peakActive = Math.max(peakActive, s.active_streams);
    peakRss = Math.max(peakRss, rssKb());
  } catch { /* the mock is busy accepting; try again */ }
}, 200);
await Promise.all(all);
clearInterval(sampler);
const stats = await getJson('/mock/stats');
mock.kill('SIGTERM');
const exitCode = await new Promise((resolve) => mock.once('exit', (code) => resolve(code)));
const report = {
  dialect, streams: N, completed: done, failed, errors, peak_active_streams: peakActive,
  rss_before_kb: rssBefore, peak_rss_kb: peakRss, rss_per_stream_kb: +((peakRss - rssBefore) / Math.max(1, peakActive)).toFixed(2),
  seconds: (Date.now() - started) / 1000, mock_streams_completed: stats.streams_completed, mock_exit_code: exitCode,
};
console.log(JSON.stringify(report));
process.exit(done === N && exitCode === 0 ? 0 : 1);
