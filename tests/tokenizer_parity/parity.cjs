// Parity test: every corpus text must get identical token ids from Sluice (tokenizer_dump) and from the
// tiktoken npm package (the reference), for o200k_base and cl100k_base, as ordinary text and with
// special tokens allowed. Exit 0 on full agreement, 1 otherwise (first differences are printed).
// Usage: node parity.cjs --dump <tokenizer_dump> --root <source dir> [--guard-dev <dir>]
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');
const { buildCorpus } = require('./corpus.cjs');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  (a.startsWith('--') ? acc.concat([[a.slice(2), all[i + 1]]]) : acc), []));
const root = args.root || path.resolve(__dirname, '../..');
const guardDev = args['guard-dev'] || path.resolve(root, '../shared/data/guard-dev');
const pkgDir = path.join(root, 'third_party/tiktoken/node_modules/tiktoken');

function fail(msg) { console.error(`tokenizer_parity: ${msg}`); process.exit(1); }
if (!fs.existsSync(pkgDir)) fail(`${pkgDir} is missing: run scripts/fetch-vocab.sh first`);
if (!fs.existsSync(guardDev)) fail(`${guardDev} is missing (the guard-dev prompts are part of the corpus)`);
if (!args.dump || !fs.existsSync(args.dump)) fail('--dump <tokenizer_dump binary> is required');

const { get_encoding } = require(pkgDir);
const texts = buildCorpus({ guardDevDir: guardDev });
const input = texts.map((t) => JSON.stringify(t)).join('\n') + '\n';
let failures = 0, compared = 0;
for (const name of ['o200k_base', 'cl100k_base']) {
  const enc = get_encoding(name);
  for (const special of [false, true]) {
    const flags = special ? ['--special'] : ['--count'];
    const run = spawnSync(args.dump, [name, ...flags], { input, maxBuffer: 1 << 30,
      env: { ...process.env, SLUICE_VOCAB_DIR: process.env.SLUICE_VOCAB_DIR || path.join(root, 'data/vocab') } });
    if (run.status !== 0) fail(`tokenizer_dump ${name} exited ${run.status}: ${run.stderr}`);
    const lines = run.stdout.toString().split('\n');
    let bad = 0;
    texts.forEach((t, i) => {
      const want = Array.from(special ? enc.encode(t, 'all') : enc.encode_ordinary(t));
      const got = JSON.parse(lines[i]);
      ++compared;
      if (want.length !== got.length || want.some((x, j) => x !== got[j])) {
        if (++bad <= 5) console.error(`MISMATCH ${name}${special ? ' special' : ''} text #${i} ${JSON.stringify(t).slice(0, 200)}\n  tiktoken ${JSON.stringify(want).slice(0, 300)}\n  sluice   ${JSON.stringify(got).slice(0, 300)}`);
      }
    });
    failures += bad;
    console.log(`${name}${special ? ' (special allowed)' : ''}: ${texts.length - bad}/${texts.length} texts identical`);
  }
  enc.free();
}
console.log(`tokenizer_parity: ${compared - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
