// Turns the raw records of bench/load/compare.sh (one JSON object per line) into the markdown results:
// one table with direct / nginx / sluice side by side, the sluice/nginx ratio, and the issue's targets.
//   node bench/load/report.mjs raw.jsonl
import { readFileSync } from "node:fs";

const lines = readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean);
const recs = lines.map((l) => JSON.parse(l));
const find = (kind, target) => recs.find((r) => r.kind === kind && (target === undefined || r.target === target));
const meta = find("meta");
const tck = meta.clk_tck;

const fmt = (v, digits = 0) =>
  v === undefined || v === null || Number.isNaN(v)
    ? "—"
    : v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mb = (kb) => (kb === undefined ? undefined : kb / 1024);
const ratio = (s, n) => (s === undefined || n === undefined || n === 0 ? "—" : `${(s / n).toFixed(2)}×`);
const verdict = (ok) =>
  ok === undefined ? "—" : ok === "level" ? "**level** (1.00× inside the interval)" : ok ? "**met**" : "**not met**";

// CPU microseconds per completed request (or per event) of the target's processes over the measured run.
const cpuPer = (r, count) => (r && count > 0 ? (r.cpu_ticks / tck) * 1e6 / count : undefined);
const median = (xs) => {
  const v = xs.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const all = (kind, target) => recs.filter((r) => r.kind === kind && r.target === target);
// The median over rounds of fn(record) for each target, in table column order.
const targets = ["direct", "nginx", "sluice"];
const med = (kind, fn, only = targets) =>
  targets.map((t) => (only.includes(t) ? median(all(kind, t).map(fn)) : undefined));
const hold = { nginx: find("hold", "nginx"), sluice: find("hold", "sluice") };
const idle = { nginx: find("rss_idle", "nginx"), sluice: find("rss_idle", "sluice") };
const proxies = ["nginx", "sluice"];

// Per-round ratios: nginx and sluice are measured back to back within a round, so a drift of the machine
// between rounds (this VM's streaming rate moves by 15 % from one round to the next) cancels in the pair.
const paired = (kind, fn) => {
  const byRound = (t) => new Map(all(kind, t).map((r) => [r.round, fn(r)]));
  const n = byRound("nginx"), sl = byRound("sluice");
  return [...sl.keys()].filter((k) => n.get(k)).sort((a, b) => a - b).map((k) => sl.get(k) / n.get(k));
};
// A distribution-free confidence interval for the median of `xs` (order statistics, binomial coverage): the
// innermost pair of ranks whose coverage is still at least 95 %, or the extremes with what they cover.
const medianInterval = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  if (n < 2) return undefined;
  // [v[r], v[n-1-r]] covers the median with probability 1 - 2 P(B <= r), B ~ Binomial(n, 1/2).
  let c = 1;  // C(n, j)
  let cdf = 2 ** -n;  // P(B <= j)
  let best = { r: 0, cdf };
  for (let j = 1; j < n - 1 - j; ++j) {
    c = (c * (n - j + 1)) / j;
    cdf += c * 2 ** -n;
    if (2 * cdf > 0.05) break;
    best = { r: j, cdf };
  }
  return { lo: v[best.r], hi: v[n - 1 - best.r], coverage: 1 - 2 * best.cdf };
};

const rows = [];
const row = (label, vals, digits, r, target, ok) =>
  rows.push([label, ...vals.map((v) => fmt(v, digits)), r ?? ratio(vals[2], vals[1]), target ?? "", verdict(ok)]);

// Non-streaming.
row("non-stream requests/s", med("nonstream", (r) => r.wrk.rps), 0);
for (const p of ["p50", "p90", "p99"]) {
  row(`non-stream latency ${p} (ms, ${meta.conns} conns)`, med("nonstream", (r) => r.wrk[`${p}_us`] / 1000), 2);
}
const cpuReq = med("nonstream", (r) => cpuPer(r, r.wrk.requests));
row("CPU per request (µs) ¹", cpuReq, 1, undefined, "≤ 1.20× nginx",
  cpuReq[2] !== undefined ? cpuReq[2] <= 1.2 * cpuReq[1] : undefined);

// Paced latency and the latency each proxy adds to the direct path. With every latency recorded, the
// percentiles are taken over all rounds' requests pooled (a p99 of 500 requests is their 5th slowest, and the
// median of five such moved by ±50 µs between runs of the same binaries); else the median of the rounds'.
const pooled = (t, q) => {
  const v = all("paced", t).flatMap((r) => r.client.latencies_us ?? []).sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length, Math.max(1, Math.ceil((q / 100) * v.length))) - 1] : undefined;
};
const isPooled = recs.some((r) => r.kind === "paced" && r.client.latencies_us);
for (const p of ["p50", "p99"]) {
  const q = Number(p.slice(1));
  const v = isPooled ? targets.map((t) => pooled(t, q)) : med("paced", (r) => r.client[`${p}_us`]);
  const n = isPooled ? all("paced", "sluice").reduce((a, r) => a + r.client.requests, 0) : 0;
  row(`paced ${meta.rate}/s latency ${p} (µs${isPooled ? `, ${fmt(n)} requests pooled` : ""})`, v, 0);
  const added = [undefined, v[1] - v[0], v[2] - v[0]];
  rows.push([`added latency ${p} (µs)`, "—", fmt(added[1], 0), fmt(added[2], 0),
    `${added[2] - added[1] >= 0 ? "+" : ""}${fmt(added[2] - added[1], 0)} µs`, "≤ nginx + 50 µs",
    verdict(Number.isNaN(added[2]) ? undefined : added[2] <= added[1] + 50)]);
}

// Streaming.
// The target ("at least nginx's events per second through one core") is judged where the proxy sets the rate:
// the capped run below. Without it, on the inverse of CPU per event. The plain run's rate is core 1's.
const hasCapped = recs.some((r) => r.kind === "stream_capped");
const eps = med("stream", (r) => r.wrk.events_per_s);
row(`stream events/s (${meta.conns} streams × ${meta.stream_events} events; core 1 sets the rate)`, eps, 0);
const cpuEvent = med("stream", (r) => cpuPer(r, r.wrk.events));
row("CPU per event (µs)", cpuEvent, 2);
// What one proxy core could carry at this (unbatched) rate is the inverse of its CPU per event.
const perCoreFree = cpuEvent.map((v) => (v ? 1e6 / v : undefined));
row("events per proxy-core second (1 ÷ CPU per event)", perCoreFree, 0, undefined, hasCapped ? "" : "≥ nginx",
  hasCapped || perCoreFree[2] === undefined ? undefined : perCoreFree[2] >= perCoreFree[1]);

// The same streams with each proxy held to a share of its core (compare.sh --capped-share): the proxy sets the
// rate, so events/s ÷ share is what one core of it carries, batching included.
if (hasCapped) {
  const share = meta.capped_share / 100;
  const capped = med("stream_capped", (r) => r.wrk.events_per_s, proxies);
  row(`proxy held to ${meta.capped_share} % of a core: stream events/s`, capped, 0);
  const perCore = capped.map((v) => (v === undefined ? undefined : v / share));
  row("… events per proxy-core second (events/s ÷ share)", perCore, 0);
  // Judged on the pairs: the median of sluice ÷ nginx within a round, and where its confidence interval lies.
  const pairs = paired("stream_capped", (r) => r.wrk.events_per_s);
  const ci = medianInterval(pairs);
  const m = median(pairs);
  rows.push([`… sluice ÷ nginx events/s, median of ${pairs.length} back-to-back pairs` +
    (ci ? ` [${Math.round(ci.coverage * 1000) / 10} % interval]` : ""), "—", "—", "—",
    m === undefined ? "—" : `${m.toFixed(3)}×` + (ci ? ` [${ci.lo.toFixed(3)}, ${ci.hi.toFixed(3)}]` : ""),
    "≥ nginx", verdict(!ci ? (m === undefined ? undefined : m >= 1) : ci.lo >= 1 ? true : ci.hi < 1 ? false : "level")]);
  row("… CPU per event (µs)", med("stream_capped", (r) => cpuPer(r, r.wrk.events), proxies), 2);
}

// Many paced streams at once (load_client's measured window): every target carries the same offered events.
const pacedCpu = (r) => (r.client.events > 0 ? (r.client.cpu_ticks / r.client.clk_tck) * 1e6 / r.client.events : undefined);
const pacedRecs = recs.filter((r) => r.kind === "paced_streams");
if (pacedRecs.length) {
  const n = pacedRecs[0].streams;
  row(`paced streams: events/s (${fmt(n)} streams × 50 events/s)`, med("paced_streams", (r) => r.client.events_per_s), 0);
  row("paced streams: CPU per event (µs)", med("paced_streams", pacedCpu), 2);
}

// Memory.
const rssIdle = [undefined, mb(idle.nginx?.rss_kb), mb(idle.sluice?.rss_kb)];
row("RSS idle (MB) ²", rssIdle, 1, undefined, "sluice < 20 MB", rssIdle[2] !== undefined ? rssIdle[2] < 20 : undefined);
row("RSS idle without tokenizer vocabularies (MB)", [undefined, undefined, mb(idle.sluice?.no_vocab_rss_kb)], 1, "");
row("RSS under non-stream load (MB)", med("nonstream", (r) => mb(r.rss_kb), proxies), 1);
row("RSS under stream load (MB)", med("stream", (r) => mb(r.rss_kb), proxies), 1);
if (hold.sluice) {
  const open = [undefined, hold.nginx?.held.open, hold.sluice.held.open];
  row(`open streams reached (of ${fmt(meta.streams)})`, open, 0, "");
  const rss = [undefined, mb(hold.nginx?.rss_kb), mb(hold.sluice.rss_kb)];
  const full = hold.sluice.held.open === meta.streams;
  const capped = meta.streams_requested > meta.streams;
  // The issue's target is for 10,000 streams; a smaller run gets no verdict.
  const judged = meta.streams_requested >= 10000;
  row(`RSS with ${fmt(meta.streams)} open streams (MB)`, rss, 1, undefined, capped || !judged ? "" : "sluice < 200 MB",
    capped || !judged ? undefined : full ? rss[2] < 200 : false);
  // Memory each open stream adds over the process's RSS just before the test.
  const perStream = (h) => (h && h.held.open > 0 ? (h.rss_kb - h.rss_before_kb) / h.held.open : undefined);
  const per = [undefined, perStream(hold.nginx), perStream(hold.sluice)];
  row("RSS per open stream (KB)", per, 1);
  if (capped) {
    // The descriptor limit kept the test below the requested count: extrapolate linearly from the
    // per-stream cost, and say so.
    const extra = (h, p) => (h && p !== undefined ? mb(h.rss_before_kb + p * meta.streams_requested) : undefined);
    const ex = [undefined, extra(hold.nginx, per[1]), extra(hold.sluice, per[2])];
    row(`RSS extrapolated to ${fmt(meta.streams_requested)} streams (MB) ³`, ex, 1, undefined,
      judged ? "sluice < 200 MB" : "", judged ? full && ex[2] !== undefined && ex[2] < 200 : undefined);
  }
  row("RSS after those streams closed (MB)", [undefined, mb(hold.nginx?.rss_after_kb), mb(hold.sluice.rss_after_kb)], 1);
  // CPU for the held streams' own events (one per second each) over load_client's window.
  const heldCpu = (h) => (h?.measured?.events > 0 ? (h.measured.cpu_ticks / h.measured.clk_tck) * 1e6 / h.measured.events : undefined);
  row(`CPU per event, ${fmt(meta.streams)} open streams × 1 event/s (µs)`, [undefined, heldCpu(hold.nginx), heldCpu(hold.sluice)], 2);
  row("time to open all streams (s)", [undefined, hold.nginx ? hold.nginx.held.ms / 1000 : undefined, hold.sluice.held.ms / 1000], 1);
}

const out = [];
out.push(`Machine: ${meta.cores} cores (${meta.cpu}), Linux ${meta.kernel}, load average at start ${meta.loadavg}; ` +
  `commit ${meta.commit}, ${meta.date}. Proxy under test on core 0; mock, wrk and load_client on core 1.`);
out.push("");
out.push("| metric | direct (mock) | nginx | sluice | sluice/nginx | target | |");
out.push("|---|--:|--:|--:|--:|---|---|");
for (const r of rows) out.push(`| ${r.join(" | ")} |`);
out.push("");
out.push(`Each figure is the median of ${meta.rounds} rounds (targets measured in turn within a round); ${meta.duration_s} s per ` +
  `measured run; wrk \`-t1 -c${meta.conns}\`; paced client: one connection, ${meta.rate} requests/s.`);
out.push("");
out.push(`¹ utime+stime of the process(es) (/proc/<pid>/stat, ${tck} ticks/s) over the measured run ÷ completed ` +
  "requests; nginx counts master + worker; \"direct\" is the mock's own CPU.");
out.push(`² VmRSS after start-up, before any request; nginx is master + worker summed ` +
  `(worker alone ${fmt(mb(idle.nginx?.worker_rss_kb), 1)} MB).`);
if (meta.streams_requested > meta.streams) {
  out.push(`³ The descriptor limit here (${meta.fd_limit}, not raisable without CAP_SYS_RESOURCE) allows a proxy ` +
    `${fmt(meta.streams)} streams (two descriptors each); the ${fmt(meta.streams_requested)} figure is the RSS ` +
    "before the test plus the measured per-stream cost times the requested count.");
}

const pairedRows = [
  ["CPU per request", paired("nonstream", (r) => cpuPer(r, r.wrk.requests))],
  ["stream events/s", paired("stream", (r) => r.wrk.events_per_s)],
  ["CPU per event", paired("stream", (r) => cpuPer(r, r.wrk.events))],
  ["proxy held to a share of its core: events/s", paired("stream_capped", (r) => r.wrk.events_per_s)],
  ["paced streams: CPU per event", paired("paced_streams", pacedCpu)],
].filter(([, v]) => v.length > 0);
if (pairedRows.length) {
  const rounds = Math.max(...pairedRows.map(([, v]) => v.length));
  out.push("");
  out.push("Sluice ÷ nginx within each round (the pair measured back to back):");
  out.push("");
  out.push(`| metric | ${Array.from({ length: rounds }, (_, i) => `round ${i + 1}`).join(" | ")} | median |`);
  out.push(`|---|${"--:|".repeat(rounds + 1)}`);
  for (const [label, v] of pairedRows)
    out.push(`| ${label} | ${[...v.map((x) => `${x.toFixed(2)}×`), ...Array(rounds - v.length).fill("")].join(" | ")} | ` +
      `${median(v).toFixed(2)}× |`);
}

// Anything that went wrong in a run is listed, so a number is never silently based on failures.
const problems = [];
for (const r of recs) {
  const tag = `${r.kind} ${r.target} round ${r.round}`;
  if (r.wrk) {
    const w = r.wrk;
    const errs = w.errors_connect + w.errors_read + w.errors_write + w.errors_status + w.errors_timeout;
    if (errs > 0) problems.push(`${tag}: wrk errors connect ${w.errors_connect} read ${w.errors_read} write ${w.errors_write} status ${w.errors_status} timeout ${w.errors_timeout}`);
    if ((r.kind === "stream" || r.kind === "stream_capped") && (w.short_streams > 0 || w.non_200 > 0)) problems.push(`${tag}: ${w.short_streams} streams without exactly ${meta.stream_events} events, ${w.non_200} non-200`);
  }
  if (r.client && r.client.errors > 0) problems.push(`${tag}: ${r.client.errors} errors, ${r.client.reconnects} reconnects`);
  if (r.kind === "paced_streams" && (r.client.failed !== 0 || r.client.streams_open !== r.streams))
    problems.push(`${tag}: ${r.client.streams_open ?? 0} of ${r.streams} streams open in the window, ${r.client.failed} failed`);
  if (r.client && r.client.late > 0) problems.push(`${tag}: ${r.client.late} requests sent late (an answer took longer than the interval)`);
}
for (const t of ["nginx", "sluice"]) {
  const h = hold[t];
  if (h && (h.held.failed > 0 || h.held.open !== meta.streams))
    problems.push(`open streams ${t}: ${h.held.open} open, ${h.held.failed} failed ${JSON.stringify(h.held.failures)}`);
}
if (problems.length) {
  out.push("");
  out.push("Problems seen during the run:");
  for (const p of problems) out.push(`- ${p}`);
}
console.log(out.join("\n"));
