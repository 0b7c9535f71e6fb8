// A tiny recording upstream for byte-level proxy checks: node's http server on 127.0.0.1:0 that keeps every
// request's method, target, raw header pairs and exact body bytes (mock_llm's /mock/last_request re-parses
// the body, so whitespace and number spelling are lost there). It answers with a fixed OpenAI-shaped chat
// completion, or a short SSE stream when the body asks for `"stream":true`, unless `respond` answers.
import { createServer } from 'node:http';

export function chatCompletionBody(model = 'capture-model') {
  return JSON.stringify({
    id: 'chatcmpl-capture', object: 'chat.completion', created: 1700000000, model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'captured' }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  });
}

// `respond(record, res)` may answer a request itself (return true) to script odd upstream behaviour.
export async function startCaptureUpstream({ respond } = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i].toLowerCase();
        headers[k] = headers[k] === undefined ? req.rawHeaders[i + 1] : `${headers[k]}, ${req.rawHeaders[i + 1]}`;
      }
      const record = { method: req.method, target: req.url, headers, body };
      requests.push(record);
      if (respond && respond(record, res)) return;
      let parsed = null;
      try { parsed = JSON.parse(body.toString('utf8')); } catch { /* answered anyway */ }
      if (parsed && parsed.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_capture' });
        const base = { id: 'chatcmpl-capture', object: 'chat.completion.chunk', created: 1700000000, model: parsed.model };
        res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'captured' }, finish_reason: null }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      const out = chatCompletionBody(parsed?.model);
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_capture', 'x-not-forwarded': 'nope' });
      res.end(out);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    last() { return requests[requests.length - 1]; },
    stop() { return new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }); },
  };
}
