// Small HTTP(S) client helpers for integration tests that need what fetch() cannot give: a custom CA,
// raw sockets, exact control of when a connection is read, paused or torn down.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

// One request with node's http/https module; resolves { status, headers, text, json() }.
// `ca` (PEM) makes https trust the test CA; `agent: false` keeps every call on a fresh connection.
export function request(url, { method = 'POST', body, headers = {}, ca, servername, timeoutMs = 10000 } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const payload = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = mod.request(u, {
      method, agent: false, ca, servername,
      headers: { ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...headers },
    }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export function chatBody(model, { stream = false, text = 'Hello there world', extra = {} } = {}) {
  return { model, messages: [{ role: 'user', content: text }], ...(stream ? { stream: true } : {}), ...extra };
}

// Splits an SSE body into its `data:` payloads (strings), in order.
export function sseData(text) {
  const out = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    for (const line of block.split(/\r?\n/)) if (line.startsWith('data:')) out.push(line.slice(5).trimStart());
  }
  return out;
}

// Concatenated delta.content of an OpenAI chat stream's data payloads.
export function streamContent(datas) {
  let s = '';
  for (const d of datas) {
    if (d === '[DONE]') continue;
    const j = JSON.parse(d);
    for (const c of j.choices ?? []) if (c.delta?.content) s += c.delta.content;
  }
  return s;
}

// A raw TCP connection with a buffered reader: `received()` is everything read so far (latin1 string),
// `closed` resolves when the peer closes (or the socket errors), with { at, error }. `collect: false` only
// counts bytes (for bodies too big to keep).
export async function rawConnect(hostPort, { collect = true } = {}) {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  const socket = net.connect({ host, port });
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const chunks = [];
  let bytes = 0;
  socket.on('data', (d) => { if (collect) chunks.push(d); bytes += d.length; });
  const closed = new Promise((resolve) => {
    let error = null;
    socket.on('error', (e) => { error = e; });
    socket.on('close', () => resolve({ at: Date.now(), error }));
  });
  return {
    socket, closed,
    received() { return Buffer.concat(chunks).toString('latin1'); },
    bytes() { return bytes; },
    write(s) { socket.write(s); },
  };
}

// A minimal HTTP/1.1 request head for raw sockets.
export function rawPost(path, body, { host = 'localhost', keepAlive = true } = {}) {
  const b = typeof body === 'string' ? body : JSON.stringify(body);
  return `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(b)}\r\n` +
    `${keepAlive ? '' : 'Connection: close\r\n'}\r\n${b}`;
}
