// A tiny OpenAI-compatible upstream whose behaviour a test changes while the gateway runs (mock_llm's
// behaviour is fixed per request by the model name). It timestamps every request on arrival, so a test can
// measure gaps where the gateway's waiting happens (Retry-After, breaker cooldowns) instead of timing the
// client. Routing tests (routing*.test.mjs) use it for the "target fails, then recovers" scenarios.
import { createServer } from 'node:http';

// `behave(req, body)` → { status?, headers?, delayMs?, body? } (all optional: default 200 chat.completion).
export async function startScriptedUpstream(behave = () => ({})) {
  const requests = [];
  let current = behave;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const t = performance.now();
      let body = null;
      try { body = JSON.parse(Buffer.concat(chunks).toString()); } catch { /* not JSON */ }
      requests.push({ t, method: req.method, url: req.url, headers: req.headers, body });
      const plan = current(req, body) ?? {};
      const status = plan.status ?? 200;
      const payload = plan.body ?? (status === 200
        ? { id: `chatcmpl-scripted-${requests.length}`, object: 'chat.completion', created: 1, model: body?.model ?? 'x',
            choices: [{ index: 0, message: { role: 'assistant', content: 'scripted' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }
        : { error: { message: `scripted ${status}`, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } });
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json', ...(plan.headers ?? {}) });
        res.end(JSON.stringify(payload));
      };
      if (plan.delayMs) setTimeout(send, plan.delayMs); else send();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    set(fn) { current = fn; },
    stop() { server.closeAllConnections?.(); return new Promise((r) => server.close(r)); },
  };
}
