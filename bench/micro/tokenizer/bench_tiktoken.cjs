// Throughput of the tiktoken npm package (WASM) on a corpus of JSON-string lines, for the side-by-side
// with bench_tokenizer. Prints one JSON line per encoding: {"encoding","mb_per_s","tokens"}.
// Usage: node bench_tiktoken.cjs <corpus.jsonl> <tiktoken package dir> [seconds]
'use strict';
const fs = require('fs');
const [corpusPath, pkgDir, secondsArg] = process.argv.slice(2);
const { get_encoding } = require(pkgDir);
const texts = fs.readFileSync(corpusPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t, 'utf8'), 0);
const seconds = Number(secondsArg || 3);
for (const name of ['o200k_base', 'cl100k_base']) {
  const enc = get_encoding(name);
  for (const t of texts) enc.encode_ordinary(t);  // warm-up (JIT, WASM tier-up)
  let passes = 0, tokens = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (const t of texts) tokens += enc.encode_ordinary(t).length;
    ++passes;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  console.log(JSON.stringify({ encoding: name, mb_per_s: (bytes * passes) / elapsed / (1 << 20), tokens: tokens / passes }));
  enc.free();
}
