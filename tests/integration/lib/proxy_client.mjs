// Small HTTP client helpers for the proxy/error integration tests: a JSON POST that keeps the raw text, and
// an SSE reader that timestamps each `data:` event as it arrives (to show events are not buffered).
// Every body read is appended to `seenBodies` so a test file can scan all of them for leaked secrets.
import { connect } from 'node:net';

export const seenBodies = [];

export async function post(url, body, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  seenBodies.push(text);
  let json = null;
  try { json = JSON.parse(text); } catch { /* left null */ }
  return { status: res.status, headers: res.headers, text, json };
}

export async function get(url, headers = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  seenBodies.push(text);
  let json = null;
  try { json = JSON.parse(text); } catch { /* left null */ }
  return { status: res.status, headers: res.headers, text, json };
}

// POSTs a streaming request and reads the whole SSE body. Each event gets the time (ms since the request was
// sent) at which its last byte arrived. A body that fails mid-read (connection cut) is reported in `readError`.
export async function stream(url, body, headers = {}) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const tHeaders = performance.now() - t0;
  const events = [];
  let raw = '';
  let buf = '';
  let readError = null;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      const s = decoder.decode(chunk, { stream: true });
      raw += s;
      buf += s;
      const now = performance.now() - t0;
      let idx;
      while ((idx = buf.search(/\r?\n\r?\n/)) >= 0) {
        const block = buf.slice(0, idx);
        buf = buf.slice(idx + (buf[idx] === '\r' ? 4 : 2));
        const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
        if (!block.split(/\r?\n/).some((l) => l.startsWith('data:'))) continue;
        let json = null;
        try { json = JSON.parse(data); } catch { /* [DONE] */ }
        events.push({ data, json, t: now });
      }
    }
  } catch (e) {
    readError = e;
  }
  seenBodies.push(raw);
  return { status: res.status, headers: res.headers, events, raw, rest: buf, readError, tHeaders, tEnd: performance.now() - t0 };
}

// Sends raw bytes over a TCP socket and collects everything until the server closes (or `timeoutMs`).
export function rawExchange(hostPort, bytes, { timeoutMs = 3000 } = {}) {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const sock = connect(port, host);
    const parts = [];
    const timer = setTimeout(() => { sock.destroy(); resolve({ text: Buffer.concat(parts).toString('latin1'), closed: false }); }, timeoutMs);
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (d) => parts.push(d));
    sock.on('error', (e) => { if (e.code !== 'ECONNRESET') { clearTimeout(timer); reject(e); } });
    sock.on('close', () => { clearTimeout(timer); const text = Buffer.concat(parts).toString('latin1'); seenBodies.push(text); resolve({ text, closed: true }); });
  });
}

// Asserts the OpenAI error envelope: {"error":{"message","type","param","code"}} with exactly those keys.
export function isOpenAiError(json) {
  if (!json || typeof json !== 'object' || !json.error || typeof json.error !== 'object') return false;
  const e = json.error;
  return typeof e.message === 'string' && e.message.length > 0 && typeof e.type === 'string' &&
    'param' in e && 'code' in e;
}
