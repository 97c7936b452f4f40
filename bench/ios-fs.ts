// Benchmark of `vigil check-fs` on generated iPhone full-filesystem dumps (.tar.gz) of 250k and
// 1M+ files: app containers, caches, media, plus a shutdown.log, crash reports and a planted
// spyware folder. Each dump is checked by the CLI (open: one streaming pass indexing every
// entry; every iOS module; all outputs written, with the 1M-record filesystem.json and its
// timeline). Wall time, CPU time and peak RSS of the check process are measured from outside
// (GNU time);
// comparing the two sizes shows whether memory stays flat as the file count grows.
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createGzip } from "node:zlib";
import { spawnSync } from "node:child_process";
import { timeCheck, type CheckFigures } from "./measure.ts";

const ROOT = resolve(import.meta.dirname, "..");
const WORK = join(ROOT, "bench", ".work");

/** One ustar header; long paths are split between the prefix and name fields. */
function header(path: string, size: number, type: "0" | "5", mtime: number): Buffer {
  const h = Buffer.alloc(512);
  let name = path;
  let prefix = "";
  if (Buffer.byteLength(path) > 100) {
    const cut = path.lastIndexOf("/", 155);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
  }
  h.write(name, 0, 100, "utf8");
  h.write(type === "5" ? "0000755\0" : "0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(size.toString(8).padStart(11, "0") + "\0", 124);
  h.write(Math.floor(mtime).toString(8).padStart(11, "0") + "\0", 136);
  h.write("        ", 148);
  h.write(type, 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return h;
}

const uuid = (i: number) => {
  const x = (i * 2654435761 >>> 0).toString(16).padStart(8, "0").toUpperCase();
  return `${x}-${x.slice(0, 4)}-4${x.slice(1, 4)}-A${x.slice(5, 8)}-${x}${x.slice(0, 4)}`;
};

/** Writes a .tar.gz dump of about `files` files with a realistic folder spread. */
export async function generateDump(path: string, files: number): Promise<void> {
  const out = createGzip({ level: 1 });
  const sink = createWriteStream(path);
  out.pipe(sink);
  const done = new Promise<void>((res, rej) => {
    sink.on("finish", res);
    sink.on("error", rej);
    out.on("error", rej);
  });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const push = async (b: Buffer) => {
    pending.push(b);
    pendingBytes += b.length;
    if (pendingBytes >= 1 << 20) {
      const chunk = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
    }
  };
  const mtime = Date.UTC(2024, 2, 1) / 1000;
  const file = async (p: string, data: string | Buffer = "") => {
    const b = typeof data === "string" ? Buffer.from(data) : data;
    await push(header(p, b.length, "0", mtime));
    if (b.length) {
      await push(b);
      const pad = (512 - (b.length % 512)) % 512;
      if (pad) await push(Buffer.alloc(pad));
    }
  };
  const dir = (p: string) => push(header(p, 0, "5", mtime));
  await file(
    "System/Library/CoreServices/SystemVersion.plist",
    `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>ProductBuildVersion</key><string>21E236</string><key>ProductVersion</key><string>17.4.1</string></dict></plist>`,
  );
  const shutdown: string[] = [];
  for (let r = 0; r < 200; r++) {
    shutdown.push("After 0.50s, these clients are still here:", "\t\tremaining client pid: 155 (/usr/libexec/nfcd)", "\t\tremaining client pid: 66 (/usr/libexec/locationd)");
    if (r === 150) shutdown.push("\t\tremaining client pid: 2143 (/private/var/db/com.apple.xpc.roleaccountd.staging/bh)");
    shutdown.push(`SIGTERM: [${1700000000 + r * 86400}] All buffers flushed`);
  }
  await file("private/var/db/diagnostics/shutdown.log", shutdown.join("\n") + "\n");
  for (let i = 0; i < 50; i++) {
    const head = JSON.stringify({ bug_type: "309", timestamp: "2024-03-01 10:00:00.00 +0100", os_version: "iPhone OS 17.4.1 (21E236)", name: i % 10 ? "MobileSafari" : "imagent" });
    await file(`private/var/mobile/Library/Logs/CrashReporter/crash-${i}.ips`, `${head}\n{"procName":"${i % 10 ? "MobileSafari" : "imagent"}","exception":{"type":"EXC_CRASH"}}\n`);
  }
  await file("private/var/db/com.apple.xpc.roleaccountd.staging/bh", "planted");
  // App containers: ~files/400 apps, each with Library/Caches and Documents of 400 files.
  let n = 0;
  for (let app = 0; n < files; app++) {
    const base = `private/var/mobile/Containers/Data/Application/${uuid(app)}`;
    await dir(base);
    for (const sub of ["Library/Caches/com.example.cache", "Library/Preferences", "Documents/media", "tmp"]) {
      await dir(`${base}/${sub}`);
      const count = sub === "Library/Caches/com.example.cache" ? 250 : sub === "Documents/media" ? 120 : 15;
      for (let f = 0; f < count && n < files; f++, n++) await file(`${base}/${sub}/item-${f}.bin`, f % 50 === 0 ? "x".repeat(700) : "");
    }
  }
  await push(Buffer.alloc(1024));
  if (pending.length) out.write(Buffer.concat(pending));
  out.end();
  await done;
}

/** The same layout as an extracted folder (files written one by one: keep it to ~100k). */
export async function generateFolderDump(dir: string, files: number): Promise<void> {
  const tar = join(WORK, `folder-src-${files}.tar.gz`);
  if (!existsSync(tar)) await generateDump(tar, files);
  // Extracted with the system tar: a plain folder is what investigators usually hold.
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("tar", ["-xzf", tar, "-C", dir]);
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  rmSync(tar, { force: true });
}

async function ensureFolder(files: number): Promise<string> {
  const dir = join(WORK, `ios-fs-folder-${files}`);
  if (existsSync(join(dir, "private"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  await generateFolderDump(dir, files);
  process.stderr.write(`generated ${dir} (${files.toLocaleString("en")} files) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return dir;
}

/** check-fs on an extracted folder (the walk and glob-directed finds on a real filesystem). */
export function benchFolder(files = 100_000): Promise<CheckFigures> {
  return ensureFolder(files).then((dir) => {
    const outDir = join(WORK, `results-ios-fs-folder-${files}`);
    rmSync(outDir, { recursive: true, force: true });
    const iocDir = join(WORK, "ios-fs-iocs");
    mkdirSync(iocDir, { recursive: true });
    writeFileSync(join(iocDir, "processes.txt"), "bh\nsubridged\n");
    return timeCheck(`check-fs, ${files.toLocaleString("en")} files (folder)`, ["check-fs", dir, "--iocs", iocDir, "--output", outDir, "--no-report"]);
  });
}

async function ensureDump(files: number): Promise<string> {
  mkdirSync(WORK, { recursive: true });
  const p = join(WORK, `ios-fs-${files}.tar.gz`);
  if (existsSync(p)) return p;
  const t0 = performance.now();
  await generateDump(p + ".part", files);
  rmSync(p, { force: true });
  await import("node:fs/promises").then((f) => f.rename(p + ".part", p));
  process.stderr.write(`generated ${p} (${files.toLocaleString("en")} files) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return p;
}

export async function benchIosFs(sizes: number[] = [250_000, 1_000_000]): Promise<CheckFigures[]> {
  const iocDir = join(WORK, "ios-fs-iocs");
  mkdirSync(iocDir, { recursive: true });
  writeFileSync(join(iocDir, "processes.txt"), "bh\nsubridged\n");
  const out: CheckFigures[] = [];
  for (const n of sizes) {
    const dump = await ensureDump(n);
    const outDir = join(WORK, `results-ios-fs-${n}`);
    rmSync(outDir, { recursive: true, force: true });
    out.push(timeCheck(`check-fs, ${n.toLocaleString("en")} files (.tar.gz)`, ["check-fs", dump, "--iocs", iocDir, "--output", outDir, "--no-report"]));
  }
  return out;
}

export interface PhaseFigures {
  entries: number;
  openCpuSeconds: number;
  modulesCpuSeconds: number;
  openWallSeconds: number;
  modulesWallSeconds: number;
  peakRssMB: number;
  heapAfterMB: number;
  heapLimitMB: number;
}

/**
 * Open and module phases measured apart, in a child process whose JS heap is capped: if
 * anything kept per-entry state, a million-entry dump would not fit and the child would die.
 */
export function benchPhases(dump: string, heapLimitMB = 160): PhaseFigures {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapLimitMB}`, "--import", "tsx", join(ROOT, "bench", "ios-fs.ts"), "--phases", dump], { encoding: "utf8", cwd: ROOT, maxBuffer: 64 << 20 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (r.status !== 0 || !line) throw new Error(`phases: exit ${r.status}: ${r.stderr.slice(-2000)}`);
  return { ...(JSON.parse(line) as Omit<PhaseFigures, "heapLimitMB">), heapLimitMB };
}

async function phasesChild(dump: string): Promise<void> {
  const { openIosFs } = await import("../src/acquisitions/ios-fs.ts");
  const { runModules } = await import("../src/pipeline/run-modules.ts");
  const { iosModules } = await import("../src/modules/ios/index.ts");
  const { matcherFromValues } = await import("../src/indicators/matcher.ts");
  const { mergeSpecs } = await import("../src/acquisitions/spec-match.ts");
  const outDir = join(WORK, "results-phases");
  rmSync(outDir, { recursive: true, force: true });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const view = await openIosFs(dump, { wanted: mergeSpecs(iosModules.map((m) => m.reads)) });
  const c1 = process.cpuUsage(c0);
  const t1 = performance.now();
  await runModules({ view, modules: iosModules, iocs: matcherFromValues({ process: ["bh", "subridged"] }, "bench"), outputDir: outDir });
  const c2 = process.cpuUsage(c0);
  const t2 = performance.now();
  const sec = (u: { user: number; system: number }) => Math.round((u.user + u.system) / 1e5) / 10;
  const fig = {
    entries: view.entryCount ?? 0,
    openCpuSeconds: sec(c1),
    modulesCpuSeconds: Math.round((sec(c2) - sec(c1)) * 10) / 10,
    openWallSeconds: Math.round(t1 - t0) / 1000,
    modulesWallSeconds: Math.round(t2 - t1) / 1000,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    heapAfterMB: Math.round(process.memoryUsage().heapUsed / 1048576),
  };
  await view.close();
  process.stdout.write(JSON.stringify(fig) + "\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === "--phases") {
    await phasesChild(process.argv[3]);
  } else if (process.argv[2] === "--folder") {
    console.table([await benchFolder(Number(process.argv[3]) || undefined)]);
  } else {
    const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
    const figures = await benchIosFs(sizes.length ? sizes : undefined);
    console.table(figures);
    const phases = benchPhases(await ensureDump(Math.max(...(sizes.length ? sizes : [1_000_000]))));
    console.table([phases]);
    writeFileSync(join(WORK, "ios-fs.json"), JSON.stringify({ checks: figures, phases }, null, 2));
  }
}
