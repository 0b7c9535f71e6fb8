// N sequential ~1 KB chat completions on one keep-alive connection (bench/load/instructions.sh).
// usage: node sequential_client.mjs PORT N
import http from 'node:http';

const [, , port, n] = process.argv;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const words = [];
for (let i = 1; i <= 150; i++) words.push(`word${i % 10}`);
const body = JSON.stringify({
  model: 'gpt-4o-mini', max_tokens: 64, temperature: 0.2,
  messages: [{ role: 'system', content: 'You are a terse assistant used for load testing.' }, { role: 'user', content: words.join(' ') }],
});
for (let i = 0; i < Number(n); i++) {
  await new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (r) => {
      if (r.statusCode !== 200) reject(new Error(`status ${r.statusCode}`));
      r.resume();
      r.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}
agent.destroy();
