// Indicator engine figures: loading the bundled snapshot (cold in a fresh process, and warm),
// and lookups per second for the checks modules make on every row.
// Alone: node --import tsx bench/indicators.ts
import { execFileSync } from "node:child_process";
import os from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLED_SNAPSHOT } from "../src/indicators/cache.ts";
import { loadIndicators } from "../src/indicators/load.ts";
import type { Matcher } from "../src/indicators/matcher-api.ts";

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

function time(fn: () => number): { ms: number; hits: number } {
  const t0 = performance.now();
  const hits = fn();
  return { ms: performance.now() - t0, hits };
}

/** Loads the snapshot in a new Node process, so JIT and module caches are cold as in the CLI. */
function coldLoad(dir: string): { wall: number; cpu: number } {
  const loadUrl = pathToFileURL(resolve(import.meta.dirname, "../src/indicators/load.ts")).href;
  const script = `const { loadIndicators } = await import(${JSON.stringify(loadUrl)}); const c0 = process.cpuUsage(); const t0 = performance.now(); const r = loadIndicators([${JSON.stringify(dir)}]); const c = process.cpuUsage(c0); process.stdout.write(String(performance.now() - t0) + " " + String((c.user + c.system) / 1000) + " " + r.matcher.count());`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", cwd: resolve(import.meta.dirname, "..") });
  const [wall, cpu] = out.trim().split(" ").map(Number);
  return { wall: wall!, cpu: cpu! };
}

function inputs(m: Matcher, n: number) {
  // Real indicator values (hits) mixed with ordinary traffic (misses), as a phone's history is.
  const known = loadIndicators([BUNDLED_SNAPSHOT]).loaded.flatMap((s) => s.indicators);
  const domains = known.filter((i) => i.type === "domain").map((i) => i.value);
  const processes = known.filter((i) => i.type === "process").map((i) => i.value);
  const common = ["www.google.com", "mobile.twitter.com", "graph.facebook.com", "cdn.jsdelivr.net", "static.xx.fbcdn.net", "api.weather.com", "en.m.wikipedia.org", "a1.mzstatic.com", "gateway.icloud.com", "news.bbc.co.uk"];
  const procs = ["backboardd", "SpringBoard", "mediaserverd", "com.apple.WebKit.Networking", "locationd", "nsurlsessiond", "identityservicesd", "com.apple.Safari.SafeBrowsing"];
  const hosts: string[] = [];
  const urls: string[] = [];
  const names: string[] = [];
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const hit = i % 10 === 0;
    const host = hit ? `s${i % 97}.${domains[i % domains.length]}` : `x${i % 1000}.${common[i % common.length]}`;
    hosts.push(host);
    urls.push(`https://${host}/path/${i % 5000}?q=${i % 31}`);
    names.push(hit ? processes[i % processes.length]! : procs[i % procs.length]!);
    if (i < n / 10) texts.push(`Hello, your parcel is waiting: see ${urls[i]} or call us. Thanks!`);
  }

  return { hosts, urls, names, texts };
}

export async function benchIndicators(): Promise<Record<string, string | number>> {
  const dir = BUNDLED_SNAPSHOT;
  const cold = coldLoad(dir);
  const t0 = performance.now();
  const first = loadIndicators([dir]);
  const inProcess = performance.now() - t0;
  const t1 = performance.now();
  const warm = loadIndicators([dir]);
  const warmMs = performance.now() - t1;
  const m = warm.matcher;

  const N = 1_000_000;
  const { hosts, urls, names, texts } = inputs(m, N);
  // One untimed pass each so the figures are steady-state lookups, not JIT warm-up.
  for (let i = 0; i < 50_000; i++) {
    m.domain(hosts[i]!);
    m.url(urls[i]!);
    m.process(names[i]!, { maybeTruncated: true });
  }
  const dom = time(() => {
    let h = 0;
    for (let i = 0; i < N; i++) h += m.domain(hosts[i]!).length;
    return h;
  });
  const url = time(() => {
    let h = 0;
    for (let i = 0; i < N; i++) h += m.url(urls[i]!).length;
    return h;
  });
  const proc = time(() => {
    let h = 0;
    for (let i = 0; i < N; i++) h += m.process(names[i]!, { maybeTruncated: true }).length;
    return h;
  });
  const text = time(() => {
    let h = 0;
    for (const t of texts) h += m.urlsInText(t).length;
    return h;
  });
  return {
    snapshot: dir,
    files: first.files,
    sets: first.sets.length,
    indicators: m.count(),
    load_cold_process_ms: Math.round(cold.wall),
    load_cold_process_cpu_ms: Math.round(cold.cpu),
    machine_load_average: os.loadavg()[0]!.toFixed(1),
    load_first_in_process_ms: Math.round(inProcess),
    load_warm_ms: Math.round(warmMs),
    domain_lookups_per_s: rate(N, dom.ms),
    domain_hits: dom.hits,
    url_lookups_per_s: rate(N, url.ms),
    url_hits: url.hits,
    process_lookups_per_s: rate(N, proc.ms),
    process_hits: proc.hits,
    text_scans_per_s: rate(texts.length, text.ms),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await benchIndicators();
  for (const [k, v] of Object.entries(r)) console.log(`${k.padEnd(28)} ${typeof v === "number" ? v.toLocaleString("en-US") : v}`);
}
