// Builds iOS full-filesystem dumps and sysdiagnose archives in code, for the unit tests of the
// ios_fs and ios_sysdiagnose openers and their modules (the corpus has neither).
import Database from "better-sqlite3";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildTar, buildZip, testDir, type TarMember } from "./archive-builder.ts";

export type Files = Record<string, string | Buffer>;

export function systemVersionPlist(version = "17.4.1", build = "21E236"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>ProductBuildVersion</key><string>${build}</string>
  <key>ProductName</key><string>iPhone OS</string>
  <key>ProductVersion</key><string>${version}</string>
</dict>
</plist>
`;
}

/** The files of a small dump: SystemVersion.plist plus the given ones. */
export function dumpFiles(files: Files, opts: { version?: string; build?: string } = {}): Files {
  return { "System/Library/CoreServices/SystemVersion.plist": systemVersionPlist(opts.version, opts.build), "private/var/mobile/Library/Preferences/.keep": "", ...files };
}

export function writeTree(root: string, files: Files): string {
  for (const [p, data] of Object.entries(files)) {
    const full = join(root, ...p.split("/"));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
  }
  return root;
}

/** An extracted dump folder; `wrap` puts the root one level down (e.g. "filesystem"). */
export function buildIosFsFolder(files: Files, opts: { wrap?: string; version?: string; build?: string } = {}): string {
  const dir = testDir("vigil-iosfs");
  writeTree(opts.wrap ? join(dir, opts.wrap) : dir, dumpFiles(files, opts));
  return dir;
}

function members(files: Files, wrap?: string): TarMember[] {
  return Object.entries(files).map(([p, data]) => ({ name: wrap ? `${wrap}/${p}` : p, data }));
}

/** A dump as a .tar or .tar.gz; `extra` members are appended as given (hostile ones too). */
export async function buildIosFsTar(
  files: Files,
  opts: { gzip?: boolean; wrap?: string; extra?: TarMember[]; version?: string; build?: string } = {},
): Promise<string> {
  const buf = await buildTar([...members(dumpFiles(files, opts), opts.wrap), ...(opts.extra ?? [])], { gzip: opts.gzip });
  const p = join(testDir("vigil-iosfs-tar"), opts.gzip ? "dump.tar.gz" : "dump.tar");
  writeFileSync(p, buf);
  return p;
}

export function buildIosFsZip(files: Files, opts: { wrap?: string; version?: string; build?: string } = {}): string {
  const buf = buildZip(members(dumpFiles(files, opts), opts.wrap).map((m) => ({ name: m.name, data: m.data })));
  const p = join(testDir("vigil-iosfs-zip"), "dump.zip");
  writeFileSync(p, buf);
  return p;
}

export interface ShutdownNotice {
  after: number;
  clients: [pid: number, path: string][];
}
export interface ShutdownBlock {
  /** Unix seconds of the SIGTERM line; null leaves the block without one (cut-short log). */
  at: number | null;
  notices: ShutdownNotice[];
}

const UUIDS = ["EBFB3E7F-4CA4-3656-8E9C-8CCF5995C34A", "AAAA1111-B896-3E7F-A6CC-577F0A547BB1", "0C5B6A2E-1F3D-3E55-9A1B-77D0C4E8F912"];

/**
 * A shutdown.log. "classic": "After Ns, these clients are still here:" then
 * "\t\tremaining client pid: P (/path)"; "ios26": the same with a trailing UUID component
 * on every path.
 */
export function shutdownLogText(blocks: ShutdownBlock[], layout: "classic" | "ios26" = "classic"): string {
  const out: string[] = [];
  let u = 0;
  for (const b of blocks) {
    for (const n of b.notices) {
      out.push(`After ${n.after.toFixed(2)}s, these clients are still here:`);
      for (const [pid, path] of n.clients) {
        const p = layout === "ios26" ? `${path}/${UUIDS[u++ % UUIDS.length]}` : path;
        out.push(`\t\tremaining client pid: ${pid} (${p})`);
      }
    }
    if (b.at !== null) out.push(`SIGTERM: [${b.at}] All buffers flushed`);
  }
  return out.join("\n") + "\n";
}

/** A two-part .ips crash report (JSON header line, JSON body). */
export function ipsText(opts: {
  procName: string;
  procPath?: string;
  bugType?: string;
  timestamp?: string;
  osVersion?: string;
  exception?: { type: string; codes?: string; signal?: string };
}): string {
  const header = {
    app_name: opts.procName,
    timestamp: opts.timestamp ?? "2026-07-05 10:11:12.00 -0700",
    name: opts.procName,
    bug_type: opts.bugType ?? "309",
    os_version: opts.osVersion ?? "iPhone OS 17.2.1 (21C66)",
    incident_id: "11111111-2222-3333-4444-555555555555",
  };
  const body = {
    procName: opts.procName,
    procPath: opts.procPath ?? `/usr/libexec/${opts.procName}`,
    parentProc: "launchd",
    pid: 340,
    exception: opts.exception ?? { codes: "0x0000000000000001, 0x0000000000000000", type: "EXC_BAD_ACCESS", signal: "SIGSEGV" },
  };
  return JSON.stringify(header) + "\n" + JSON.stringify(body, null, 2) + "\n";
}

/** ps.txt as sysdiagnose writes it (fixed-width columns, full command lines). */
export function psText(rows: { user?: string; pid: number; ppid?: number; command: string }[]): string {
  const fmt = (c: string[]) => `${c[0].padEnd(16)} ${c[1].padStart(5)} ${c[2].padStart(5)} ${c[3].padStart(5)} ${c[4].padStart(4)} ${c[5].padStart(4)} ${c[6].padEnd(8)} ${c[7].padStart(8)} ${c[8]}`;
  const lines = [fmt(["USER", "UID", "PID", "PPID", "%CPU", "%MEM", "STARTED", "TIME", "COMMAND"])];
  for (const r of rows) lines.push(fmt([r.user ?? "root", r.user === "mobile" ? "501" : "0", String(r.pid), String(r.ppid ?? 1), "0.0", "0.1", "Tue07PM", "0:00.11", r.command]));
  return lines.join("\n") + "\n";
}

/** A keychain analytics database with plist rows in hard_failures/soft_failures/all_events. */
export function keychainAnalyticsDb(rows: { table?: string; timestamp: number; data: Buffer | null }[], opts: { tables?: string[] } = {}): Buffer {
  const p = join(testDir("vigil-kca"), "a.db");
  const db = new Database(p);
  for (const t of opts.tables ?? ["hard_failures", "soft_failures", "all_events"]) db.exec(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB)`);
  for (const r of rows) db.prepare(`INSERT INTO ${r.table ?? "hard_failures"} (timestamp, data) VALUES (?, ?)`).run(r.timestamp, r.data);
  db.close();
  return readFileSync(p);
}

export const SYSDIAGNOSE_DIR = "sysdiagnose_2026.07.07_19-00-00+0000_iPhone-OS_iPhone_23A341";

export function remotectlDumpstate(props: Record<string, string>): string {
  return ["Local device", "\tUUID: 00000000-0000-0000-0000-000000000000", "\tProperties: {", ...Object.entries(props).map(([k, v]) => `\t\t${k} => ${v}`), "\t}", "\tServices:", ""].join("\n");
}

/** A sysdiagnose folder (wrapper folder inside a temp dir); returns the wrapper's path. */
export function buildSysdiagnoseFolder(files: Files, name = SYSDIAGNOSE_DIR): string {
  const dir = testDir("vigil-sysdiag");
  return writeTree(join(dir, name), { "sysdiagnose.log": `output: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/${name}.tar.gz\n`, ...files });
}

/** A sysdiagnose .tar.gz with its wrapper folder; `extra` members are appended as given. */
export async function buildSysdiagnoseTar(files: Files, opts: { name?: string; extra?: TarMember[]; gzip?: boolean } = {}): Promise<string> {
  const name = opts.name ?? SYSDIAGNOSE_DIR;
  const all = { "sysdiagnose.log": `output: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/${name}.tar.gz\n`, ...files };
  const buf = await buildTar([{ name: `${name}/`, type: "directory" }, ...members(all, name), ...(opts.extra ?? [])], { gzip: opts.gzip ?? true });
  const p = join(testDir("vigil-sysdiag-tar"), `${name}.tar.gz`);
  writeFileSync(p, buf);
  return p;
}
