// Case archive figures: 1,000 generated cases of about 2,000 values each (two acquisitions per
// case) archived in SQLite, a retro-hunt of all of them with every bundled public indicator set
// (a fresh process under GNU time, on a copy of the archive so every run finds the same
// matches), and hunts for single values.
// Alone: node --import tsx bench/run.ts cases
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { SqliteArchive } from "../src/case-archive/sqlite.ts";
import type { Sighting } from "../src/case-archive/store.ts";
import { rng } from "../src/demo/synthetic.ts";
import { BUNDLED_SNAPSHOT } from "../src/indicators/cache.ts";
import { loadIndicators } from "../src/indicators/load.ts";

const ROOT = resolve(import.meta.dirname, "..");
const WORK = join(import.meta.dirname, ".work", "cases");
const CASES = 1000;
const VALUES_PER_ACQ = 1000;
/** Bump when the generated archive changes, so a cached one is made again. */
const GENERATION = 2;

const COMMON_DOMAINS = ["apple.com", "icloud.com", "google.com", "gstatic.com", "whatsapp.net", "facebook.com", "fbcdn.net", "wikipedia.org", "bbc.co.uk", "lemonde.fr", "cloudfront.net", "akamaized.net"];
const PROCESSES = ["backboardd", "SpringBoard", "mediaserverd", "com.apple.WebKit.Networking", "locationd", "nsurlsessiond", "identityservicesd", "apsd", "imagent", "assistantd", "CommCenter", "mobileassetd"];
const MODULES: [string, string, string][] = [
  ["domain", "safari_history", "host"],
  ["url", "safari_history", "url"],
  ["text", "sms", "text"],
  ["url", "sms", "links"],
  ["process", "datausage", "proc_name"],
  ["app", "applications", "bundle_id"],
  ["ip", "netusage", "remote_ip"],
  ["path", "filesystem", "path"],
  ["email", "calls", "number"],
  ["hash", "applications", "sha256"],
];

function hex(r: () => number, n: number): string {
  let s = "";
  while (s.length < n) s += Math.floor(r() * 0x100000000).toString(16).padStart(8, "0");
  return s.slice(0, n);
}

/** One acquisition's values: common ones every phone has, and its own. */
function values(r: () => number, caseNo: number, planted: { kind: string; value: string }[]): Sighting[] {
  const out: Sighting[] = [];
  const t0 = Date.UTC(2023, 0, 1) + Math.floor(r() * 300) * 86_400_000;
  for (let i = 0; i < VALUES_PER_ACQ; i++) {
    const [kind, module, field] = MODULES[Math.floor(r() * MODULES.length)];
    const shared = r() < 0.5;
    const dom = shared ? `${["www", "api", "cdn", "m"][i % 4]}.${COMMON_DOMAINS[Math.floor(r() * COMMON_DOMAINS.length)]}` : `s${hex(r, 6)}.site${Math.floor(r() * 50_000)}.example`;
    let value: string;
    switch (kind) {
      case "domain":
        value = dom;
        break;
      case "url":
      case "text":
        value = `https://${dom}/p/${shared ? i % 50 : hex(r, 8)}`;
        break;
      case "process":
        value = shared ? PROCESSES[Math.floor(r() * PROCESSES.length)] : `proc${Math.floor(r() * 5000)}`;
        break;
      case "app":
        value = shared ? `com.apple.app${i % 40}` : `com.vendor${Math.floor(r() * 20_000)}.app`;
        break;
      case "ip":
        value = `${10 + Math.floor(r() * 200)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`;
        break;
      case "path":
        value = `/private/var/mobile/Containers/Data/Application/${hex(r, 8)}/Library/f${i}.db`;
        break;
      case "email":
        value = shared ? `support@${COMMON_DOMAINS[i % COMMON_DOMAINS.length]}` : `user${Math.floor(r() * 100_000)}@mail.example`;
        break;
      default:
        value = hex(r, 64);
    }
    const first = t0 + Math.floor(r() * 30 * 86_400_000);
    out.push({ kind, value, module, field, first_seen: new Date(first).toISOString(), last_seen: new Date(first + Math.floor(r() * 86_400_000)).toISOString(), count: 1 + Math.floor(r() * 20) });
  }
  // One case in ten holds a value from the public indicator sets.
  if (caseNo % 10 === 0) {
    const p = planted[(caseNo / 10) % planted.length];
    out.push({ kind: p.kind, value: p.value, module: p.kind === "process" ? "datausage" : "safari_history", field: p.kind === "process" ? "proc_name" : "host", first_seen: new Date(t0).toISOString(), last_seen: new Date(t0).toISOString(), count: 1 });
  }
  return out;
}

async function generate(path: string): Promise<{ seconds: number; sightings: number }> {
  rmSync(path, { force: true });
  for (const x of ["-wal", "-shm"]) rmSync(path + x, { force: true });
  const known = loadIndicators([BUNDLED_SNAPSHOT]).loaded.flatMap((s) => s.indicators);
  const planted = [...known.filter((i) => i.type === "domain").slice(0, 40).map((i) => ({ kind: "domain", value: i.value })), ...known.filter((i) => i.type === "process").slice(0, 10).map((i) => ({ kind: "process", value: i.value }))];
  const a = new SqliteArchive(path);
  const r = rng(24);
  const t0 = performance.now();
  let sightings = 0;
  const now = new Date(Date.UTC(2024, 5, 1)).toISOString();
  for (let c = 0; c < CASES; c++) {
    const id = `case-${String(c).padStart(4, "0")}`;
    await a.putCase({ id, name: `Case ${c}`, folder: `/cases/${id}`, created: now, updated: now });
    for (const acq of ["01-ios_backup", "02-ios_sysdiagnose"]) {
      await a.putAcquisition({ case_id: id, acq, kind: acq.slice(3), input: `/evidence/${id}/${acq}`, added: now }, []);
      const batch = values(r, c, planted);
      await a.addSightings(id, acq, batch);
      sightings += batch.length;
    }
    if (c % 100 === 99) process.stderr.write(`  generated ${c + 1} cases\n`);
  }
  await a.close();
  return { seconds: (performance.now() - t0) / 1000, sightings };
}

interface Timed {
  wallSeconds: number;
  /** User + system CPU seconds: on a shared machine, steadier than the wall time. */
  cpuSeconds: number;
  peakRssMB: number;
  stdout: string;
}

function timed(args: string[]): Timed {
  const r = spawnSync("/usr/bin/time", ["-f", "VIGIL_TIME %e %M %U %S", process.execPath, join(ROOT, "bin", "vigil.js"), ...args], { encoding: "utf8", maxBuffer: 256 << 20, env: { ...process.env, VIGIL_HOME: join(WORK, "home") } });
  const m = /VIGIL_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return { wallSeconds: Number(m[1]), cpuSeconds: Math.round((Number(m[3]) + Number(m[4])) * 100) / 100, peakRssMB: Math.round(Number(m[2]) / 1024), stdout: r.stdout };
}

export async function benchCases(): Promise<Record<string, string | number>> {
  mkdirSync(join(WORK, "home"), { recursive: true });
  const cached = join(WORK, `archive-g${GENERATION}.sqlite`);
  let generation: { seconds: number; sightings: number } | undefined;
  if (!existsSync(cached)) generation = await generate(cached);
  const copy = join(WORK, "retro.sqlite");
  const runs: Timed[] = [];
  for (let i = 0; i < 3; i++) {
    for (const x of ["", "-wal", "-shm"]) rmSync(copy + x, { force: true });
    copyFileSync(cached, copy);
    runs.push(timed(["case", "retro-hunt", "--archive", copy, "--iocs", BUNDLED_SNAPSHOT, "--json"]));
  }
  const best = runs.reduce((a, b) => (a.wallSeconds <= b.wallSeconds ? a : b));
  const result = JSON.parse(best.stdout) as { values: number; matchedValues: number; cases: { matches: unknown[] }[] };
  // Hunts, in this process on the archive: the query alone, median of 20 per kind of value.
  const a = new SqliteArchive(copy);
  const hunts: Record<string, number | string> = {};
  for (const [label, q] of [["domain (with subdomains and URLs)", "apple.com"], ["unique host", "site123.example"], ["process", "imagent"], ["absent value", "never-seen.example"]] as const) {
    const times: number[] = [];
    const cpu: number[] = [];
    let n = 0;
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const c0 = process.cpuUsage();
      n = (await a.hunt([q])).length;
      const c = process.cpuUsage(c0);
      times.push(performance.now() - t);
      cpu.push((c.user + c.system) / 1000);
    }
    const median = (xs: number[]) => Number([...xs].sort((x, y) => x - y)[10].toFixed(1));
    hunts[`hunt ${label}: ms wall / CPU (median of 20)`] = `${median(times)} / ${median(cpu)}`;
    hunts[`hunt ${label}: sightings`] = n;
  }
  await a.close();
  const cli = timed(["hunt", "site123.example", "--archive", copy, "--json"]);
  return {
    cases: CASES,
    "archived sightings": generation?.sightings ?? CASES * 2 * VALUES_PER_ACQ,
    "archive size MB": Math.round(statSync(cached).size / 2 ** 20),
    ...(generation ? { "archiving s (generation, in process)": Number(generation.seconds.toFixed(1)) } : {}),
    "distinct values": result.values,
    "values matching": result.matchedValues,
    "cases with new matches": result.cases.length,
    "retro-hunt wall s (best of 3, CLI incl. start and indicator load)": best.wallSeconds,
    "retro-hunt runs s": runs.map((r) => r.wallSeconds).join(" "),
    "retro-hunt CPU s (same runs)": runs.map((r) => r.cpuSeconds).join(" "),
    "retro-hunt peak RSS MB": Math.max(...runs.map((r) => r.peakRssMB)),
    ...hunts,
    "hunt CLI wall / CPU s (incl. process start)": `${cli.wallSeconds} / ${cli.cpuSeconds}`,
  };
}
