// Parity/benchmark corpus: guard-dev prompts, hand-picked hard cases, and seeded random valid UTF-8.
// Deterministic: the same seed gives the same texts on every machine.
'use strict';
const fs = require('fs');
const path = require('path');

function mulberry32(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Normalise through UTF-8 so lone surrogates become U+FFFD, as tiktoken's own TextEncoder does.
const utf8 = (s) => Buffer.from(s, 'utf8').toString('utf8');

function guardDevTexts(dir) {
  const texts = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (line.trim()) texts.push(utf8(JSON.parse(line).text));
    }
  }
  return texts;
}

const kExtras = [
  '', ' ', '  ', '\n', '\r\n', ' \n', '\n\n\n', '\t\t', '   x', '  \n  y', 'a  ', 'a \t\n b',
  "I'm here, you're there, we've been, they'll go, he'd say, it's ok, don't", "I'M YOU'RE WE'VE THEY'LL HE'D IT'S",
  "x'S x'sx 'ſ aſ'ſ don'ſ", "'s 'S 're 'RE 'Ll", 'Hello, World! HELLO world HeLLo wOrLD',
  'The quick brown fox jumps over the lazy dog. 1234567890 12 1234',
  'naïve café résumé coöperate Ångström', 'Привет, мир! Как дела?', 'Γειά σου Κόσμε',
  '你好，世界！这是一个测试。', 'こんにちは世界、カタカナとひらがな', '안녕하세요 세계', 'مرحبا بالعالم', 'שלום עולם',
  'नमस्ते दुनिया', 'สวัสดีชาวโลก', 'e\u0301 a\u0308\u0301 \u0301\u0301x \u0301!', 'ǅemal ǈ Ǳ', 'ªº ʰʱ',
  '😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇩🇪🇫🇷 ❤️', '١٢٣٤٥ ۱۲۳ ௧௨௩ Ⅻ ½ ²³', 'a\u00a0b\u2003c\u3000d\u2028e\u0085f',
  'function foo(x) {\n  return x * 2; // comment\n}\n', 'def f(a, b):\n    """doc"""\n    return a/b\n\n\n',
  '<div class="x">&amp; &lt;</div>', 'SELECT * FROM t WHERE id = 42;', 'path/to/file.txt //// \\\\ ...!!!???',
  'https://example.com/a/b?c=d&e=f#g', '{"key": [1, 2.5, true, null], "s": "v"}', '    \n\n    \n',
  '<|endoftext|> text <|endofprompt|> <|fim_prefix|>', 'a'.repeat(3000), ' '.repeat(2000) + 'x',
  '\n'.repeat(500), 'ab'.repeat(1500), '1'.repeat(999), 'Aa'.repeat(700) + '!', '\u0301'.repeat(300),
  '%%%%%%////\r\n\r\n////', 'x\r\r\r\n\n y', 'tabs\t\t\tand  spaces   \t end  ',
];

// Code point sources for random text: weighted towards what makes the splitter branch.
const kRanges = [
  [0x20, 0x7e, 30], [0x9, 0xd, 4], [0x80, 0x24f, 8], [0x300, 0x36f, 4], [0x370, 0x52f, 5],
  [0x4e00, 0x9fff, 6], [0xac00, 0xd7a3, 3], [0x3040, 0x30ff, 3], [0x1f300, 0x1faff, 5],
  [0x2000, 0x206f, 3], [0x0660, 0x06ff, 2], [0x0900, 0x097f, 2], [0x10000, 0x10ffff, 6], [0x80, 0xffff, 8],
];
const kSpecialSnippets = [" ", "'", "'s", "'LL", "'ſ", '\r\n', '\n', '/', ' 12', '  '];

function randomTexts(seed, count, maxChars) {
  const rnd = mulberry32(seed);
  const total = kRanges.reduce((a, r) => a + r[2], 0);
  const texts = [];
  for (let i = 0; i < count; ++i) {
    const n = 1 + Math.floor(rnd() * maxChars);
    let s = '';
    for (let j = 0; j < n; ++j) {
      if (rnd() < 0.08) { s += kSpecialSnippets[Math.floor(rnd() * kSpecialSnippets.length)]; continue; }
      let w = rnd() * total, r = kRanges[0];
      for (const x of kRanges) { if ((w -= x[2]) < 0) { r = x; break; } }
      let cp = r[0] + Math.floor(rnd() * (r[1] - r[0] + 1));
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;  // valid UTF-8 only
      s += String.fromCodePoint(cp);
    }
    texts.push(s);
  }
  return texts;
}

function buildCorpus({ guardDevDir, seed = 20240601, randomCount = 4000, maxChars = 120 }) {
  return [...guardDevTexts(guardDevDir), ...kExtras, ...randomTexts(seed, randomCount, maxChars)];
}

module.exports = { buildCorpus, guardDevTexts, randomTexts, kExtras };
