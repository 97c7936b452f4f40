// dumpsys / dumpstate text. A bugreport's dumpstate and androidqf's dumpsys.txt hold one section
// per service, opened by "DUMP OF SERVICE [CRITICAL|HIGH|NORMAL] name:" and closed by the
// "--------- N s was the duration of dumpsys name" line, by the next section, or (in dumpstate)
// by a "------ TITLE (command) ------" header. Sections are split on those delimiters only:
// package sections hold blank lines on Xiaomi/Samsung/Pixel builds, so a blank line never ends
// anything. Inside a section the structure is the indentation, which the parsers below follow.
import type { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { parseLooseTimestamp } from "../core/time.ts";

const SERVICE_RE = /^DUMP OF SERVICE (?:(?:CRITICAL|HIGH|NORMAL) )?(.+?):\s*$/;
const DUMPSTATE_HEADER_RE = /^------ .*------\s*$/;
const DURATION_RE = /^-{5,} ?[\d.]+s was the duration of /;
const RULE_RE = /^-{20,}\s*$/;
const GETPROP_HEADER_RE = /^------ SYSTEM PROPERTIES\b/;

/** Lines of a stream, split on \n with a trailing \r removed; never holds more than one chunk. */
export async function* readLines(stream: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let rest = "";
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf("\n", start)) !== -1) {
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      yield text.slice(start, end);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length) yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

export interface DumpsysExtract {
  /** Service name → lines of its section (without the header and the closing lines). */
  sections: Map<string, string[]>;
  /** Lines of the "SYSTEM PROPERTIES" part of a dumpstate, when present. */
  getprop?: string[];
  /** Every service that had a section, wanted or not. */
  services: string[];
  /** Number of lines read. */
  lines: number;
}

/**
 * One pass over a dumpsys/dumpstate text, keeping only the wanted services (all when `wanted`
 * is undefined). A service dumped twice (dumpstate's CRITICAL pass, then the full pass) keeps
 * its longer section.
 */
export async function extractDumpsys(lines: AsyncIterable<string> | Iterable<string>, wanted?: Set<string>): Promise<DumpsysExtract> {
  const sections = new Map<string, string[]>();
  const services: string[] = [];
  let current: string[] | undefined;
  let currentName: string | undefined;
  let getprop: string[] | undefined;
  let inGetprop = false;
  let n = 0;
  const close = () => {
    if (current && currentName !== undefined) {
      const prev = sections.get(currentName);
      if (!prev || prev.length < current.length) sections.set(currentName, current);
    }
    current = undefined;
    currentName = undefined;
  };
  for await (const line of lines as AsyncIterable<string>) {
    n++;
    const c = line.charCodeAt(0);
    if (c === 68 /* D */) {
      const m = SERVICE_RE.exec(line);
      if (m) {
        close();
        inGetprop = false;
        services.push(m[1]);
        if (!wanted || wanted.has(m[1])) {
          currentName = m[1];
          current = [];
        }
        continue;
      }
    } else if (c === 45 /* - */) {
      if (DURATION_RE.test(line)) {
        close();
        continue;
      }
      if (RULE_RE.test(line)) continue;
      if (DUMPSTATE_HEADER_RE.test(line)) {
        close();
        inGetprop = GETPROP_HEADER_RE.test(line);
        if (inGetprop && !getprop) getprop = [];
        continue;
      }
    }
    if (current) current.push(line);
    else if (inGetprop) getprop!.push(line);
  }
  close();
  return { sections, getprop, services, lines: n };
}

/** Synchronous split of a whole text (small inputs and tests). */
export function splitDumpsys(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  let name: string | undefined;
  const close = () => {
    if (current && name !== undefined) {
      const prev = out.get(name);
      if (!prev || prev.length < current.length) out.set(name, current);
    }
    current = undefined;
  };
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const m = SERVICE_RE.exec(line);
    if (m) {
      close();
      name = m[1];
      current = [];
      continue;
    }
    if (DURATION_RE.test(line) || DUMPSTATE_HEADER_RE.test(line)) {
      close();
      continue;
    }
    if (RULE_RE.test(line)) continue;
    current?.push(line);
  }
  close();
  return out;
}

export function toLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith("\r")) lines[i] = lines[i].slice(0, -1);
  return lines;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return i;
}

/** "2022-08-16-15-56-39" or "2022-08-16 15:56:39.123" (device wall clock) → ISO, read as UTC. */
export function deviceTime(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const m = /^(\d{4}-\d\d-\d\d)[- ](\d\d)[-:](\d\d)[-:](\d\d)(\.\d+)?$/.exec(s.trim());
  if (!m) return undefined;
  return parseLooseTimestamp(`${m[1]} ${m[2]}:${m[3]}:${m[4]}${m[5] ?? ""}`);
}

// ---------------------------------------------------------------------------------------------
// dumpsys package: "Packages:" block

export interface DumpsysPackage {
  package_name: string;
  uid?: number;
  shared_user?: string;
  code_path?: string;
  data_dir?: string;
  version_code?: string;
  version_name?: string;
  min_sdk?: number;
  target_sdk?: number;
  installer?: string;
  installer_uid?: number;
  initiating_package?: string;
  /** Device wall-clock times, converted as if UTC (see timestamp_is_device_local). */
  timestamp?: string;
  first_install_time?: string;
  last_update_time?: string;
  timestamp_is_device_local: true;
  flags: string[];
  private_flags: string[];
  /** PackageSignatures short ids (hash codes of the signing certificates, not digests). */
  signatures: string[];
  /** SHA-256 certificate digests, when the dump lists them (signing details on newer builds). */
  cert_sha256: string[];
  requested_permissions: string[];
  install_permissions: { name: string; granted: boolean }[];
  runtime_permissions: { name: string; granted: boolean; user?: number }[];
  system: boolean;
  /** Line of the "Package [" header inside the section (1-based). */
  line: number;
}

const PKG_HEADER_RE = /^ {2}Package \[([^\]]+)\] \(([0-9a-f]+)\):/;
const KV_RE = /^([A-Za-z][\w.]*)=(.*)$/;
const SYSTEM_PATH_RE = /^\/(system|system_ext|product|vendor|odm|apex|oem)\//;
const HEX64_RE = /\b[0-9A-Fa-f]{64}\b|\b(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}\b/g;

function bracketList(v: string): string[] {
  const m = /^\[(.*)\]$/.exec(v.trim());
  return (m ? m[1] : v).split(/\s+/).filter((x) => x && x !== "[" && x !== "]");
}

/**
 * Packages of a "dumpsys package" section. Also finds the "Packages:" block when handed a whole
 * file. "Hidden system packages:" (the factory versions of updated system apps) are skipped.
 */
export function parseDumpsysPackages(lines: string[]): DumpsysPackage[] {
  const out: DumpsysPackage[] = [];
  let inPackages = false;
  let pkg: DumpsysPackage | undefined;
  let sub: "requested" | "install" | "runtime" | "declared" | "other" | undefined;
  let user: number | undefined;
  const finish = () => {
    if (pkg) {
      pkg.system = pkg.flags.includes("SYSTEM") || (!!pkg.code_path && SYSTEM_PATH_RE.test(pkg.code_path + "/"));
      out.push(pkg);
    }
    pkg = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const ind = indentOf(line);
    if (ind === line.length) continue;
    if (ind === 0) {
      finish();
      inPackages = line.startsWith("Packages:");
      continue;
    }
    if (!inPackages) continue;
    if (ind === 2) {
      finish();
      const h = PKG_HEADER_RE.exec(line);
      if (h) {
        pkg = {
          package_name: h[1],
          timestamp_is_device_local: true,
          flags: [],
          private_flags: [],
          signatures: [],
          cert_sha256: [],
          requested_permissions: [],
          install_permissions: [],
          runtime_permissions: [],
          system: false,
          line: i + 1,
        };
        sub = undefined;
        user = undefined;
      }
      continue;
    }
    if (!pkg) continue;
    const t = line.slice(ind).trimEnd();
    if (ind === 4) {
      sub = undefined;
      user = undefined;
      if (t.endsWith(":") && !t.includes("=")) {
        const name = t.slice(0, -1);
        sub = name === "requested permissions" ? "requested" : name === "install permissions" ? "install" : name === "declared permissions" ? "declared" : "other";
        continue;
      }
      const um = /^User (\d+):/.exec(t);
      if (um) {
        user = Number(um[1]);
        sub = "other";
        continue;
      }
      const kv = KV_RE.exec(t);
      if (!kv) continue;
      const [, k, v] = kv;
      switch (k) {
        case "userId":
          pkg.uid = Number(v);
          break;
        case "appId":
          if (pkg.uid === undefined) pkg.uid = Number(v);
          break;
        case "sharedUser": {
          const s = /SharedUserSetting\{\w+ ([^/}]+)/.exec(v);
          pkg.shared_user = s ? s[1] : v;
          break;
        }
        case "codePath":
          pkg.code_path = v;
          break;
        case "dataDir":
          pkg.data_dir = v;
          break;
        case "versionCode": {
          const parts = t.split(/\s+/);
          pkg.version_code = v.split(/\s+/)[0];
          for (const p of parts) {
            const [a, b] = p.split("=");
            if (a === "minSdk") pkg.min_sdk = Number(b);
            if (a === "targetSdk") pkg.target_sdk = Number(b);
          }
          break;
        }
        case "versionName":
          pkg.version_name = v;
          break;
        case "installerPackageName":
          pkg.installer = v === "null" ? undefined : v;
          break;
        case "installerPackageUid":
          pkg.installer_uid = Number(v);
          break;
        case "installInitiatingPackageName":
          pkg.initiating_package = v === "null" ? undefined : v;
          break;
        case "timeStamp":
          pkg.timestamp = deviceTime(v);
          break;
        case "firstInstallTime":
          pkg.first_install_time = deviceTime(v);
          break;
        case "lastUpdateTime":
          pkg.last_update_time = deviceTime(v);
          break;
        case "flags":
          pkg.flags = bracketList(v);
          break;
        case "privateFlags":
          pkg.private_flags = bracketList(v);
          break;
        case "signatures": {
          const s = /signatures:\[([^\]]*)\]/.exec(v);
          if (s) pkg.signatures = s[1].split(/[,\s]+/).filter(Boolean);
          break;
        }
        default:
          if (/sha-?256|digest|certificate/i.test(k)) for (const h of v.match(HEX64_RE) ?? []) pkg.cert_sha256.push(h.replace(/:/g, "").toLowerCase());
      }
      continue;
    }
    // Deeper lines: a block header ("runtime permissions:", "disabledComponents:") or an item.
    if (t.charCodeAt(t.length - 1) === 58 /* : */ && /^[A-Za-z ]+:$/.test(t)) {
      sub = t === "runtime permissions:" ? "runtime" : user !== undefined || sub !== "requested" ? "other" : sub;
      continue;
    }
    if (sub === "requested") {
      const name = t.split(/[:\s]/)[0];
      if (name) pkg.requested_permissions.push(name);
    } else if (sub === "install" || sub === "runtime") {
      const pm = /^([\w.$-]+): granted=(true|false)/.exec(t);
      if (pm) {
        if (sub === "install") pkg.install_permissions.push({ name: pm[1], granted: pm[2] === "true" });
        else pkg.runtime_permissions.push({ name: pm[1], granted: pm[2] === "true", user });
      }
    } else if ((t.includes("256") || t.includes("igest")) && /sha-?256|digest/i.test(t)) {
      for (const h of t.match(HEX64_RE) ?? []) pkg.cert_sha256.push(h.replace(/:/g, "").toLowerCase());
    }
  }
  finish();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Intent resolver tables ("Activity Resolver Table:", "Receiver Resolver Table:", ...)

export interface ResolverEntry {
  /** "Non-Data Actions", "Full MIME Types", "Schemes", ... */
  table: string;
  intent: string;
  package_name: string;
  component: string;
  filters?: number;
}

const RESOLVER_ENTRY_RE = /^[0-9a-f]+ ([\w.$-]+)\/([\w.$-]+)(?: \((\d+) filters?\))?/;

export function parseResolverTable(lines: string[], title: "Activity" | "Receiver" | "Service" | "Provider"): ResolverEntry[] {
  const header = `${title} Resolver Table:`;
  const out: ResolverEntry[] = [];
  let inTable = false;
  let table = "";
  let intent = "";
  let intentIndent = -1;
  for (const line of lines) {
    if (line.trim().length === 0) continue;
    const ind = indentOf(line);
    if (ind === 0) {
      inTable = line.startsWith(header);
      table = "";
      intent = "";
      continue;
    }
    if (!inTable) continue;
    const t = line.trim();
    if (ind <= 2) {
      table = t.replace(/:$/, "");
      intent = "";
      intentIndent = -1;
      continue;
    }
    if (t.endsWith(":") && (intentIndent === -1 || ind <= intentIndent)) {
      intent = t.slice(0, -1);
      intentIndent = ind;
      continue;
    }
    if (!intent) continue;
    const m = RESOLVER_ENTRY_RE.exec(t);
    if (!m) continue;
    const component = m[2].startsWith(".") ? m[1] + m[2] : m[2];
    out.push({ table, intent, package_name: m[1], component, filters: m[3] ? Number(m[3]) : undefined });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// dumpsys accessibility

export interface AccessibilityService {
  package_name: string;
  service: string;
  /** "installed" lists exist before Android 14 only; "enabled" exists in both formats. */
  state: "enabled" | "installed" | "bound";
  user?: number;
}

const COMPONENT_RE = /([A-Za-z][\w.]*)\/([\w.$]+)/g;

export function parseAccessibility(lines: string[]): AccessibilityService[] {
  const out: AccessibilityService[] = [];
  let block: "enabled" | "installed" | undefined;
  let user: number | undefined;
  for (const line of lines) {
    const t = line.trim();
    const um = /(?:User state\[attributes:\{id=|^attributes:\{id=)(\d+)/.exec(t);
    if (um) user = Number(um[1]);
    if (block) {
      if (t.startsWith("}")) {
        block = undefined;
        continue;
      }
      const m = /^\d+ : ([\w.]+)\/([\w.$]+)/.exec(t);
      if (m) out.push({ package_name: m[1], service: expand(m[1], m[2]), state: block, user });
      continue;
    }
    // Before Android 14: "enabled services: {" then "0 : pkg/svc" lines then "}".
    const open = /^(installed|enabled) services: ?\{\s*(.*)$/i.exec(t);
    if (open && open[1] === open[1].toLowerCase()) {
      const state = open[1] as "enabled" | "installed";
      const rest = open[2];
      if (rest.startsWith("}")) continue;
      if (rest === "") {
        block = state;
        continue;
      }
    }
    // Android 14+: "Enabled services:{{pkg/svc}, {pkg2/svc2}}" on one line.
    const v14 = /^Enabled services:\s*\{(.*)\}\s*$/.exec(t);
    if (v14) {
      for (const m of v14[1].matchAll(COMPONENT_RE)) out.push({ package_name: m[1], service: expand(m[1], m[2]), state: "enabled", user });
    }
  }
  return out;
}

function expand(pkg: string, cls: string): string {
  return cls.startsWith(".") ? `${pkg}/${pkg}${cls}` : `${pkg}/${cls}`;
}

// ---------------------------------------------------------------------------------------------
// dumpsys adb

export interface AdbKey {
  /** The base64 public key as adb writes it. */
  key: string;
  /** The "user@host" comment after the key. */
  comment?: string;
  /** MD5 of the decoded key, colon-separated, as adb shows it (last_key_received). */
  fingerprint?: string;
  /** From the keystore: last time this key connected (UTC, the keystore stores Unix ms). */
  last_connection?: string;
  source: "user_keys" | "system_keys" | "keystore";
}

export interface AdbState {
  connected_to_adb?: boolean;
  last_key_received?: string;
  keys: AdbKey[];
  wifi_enabled?: boolean;
}

// A key and its "user@host" comment, as they stay readable inside the binary (ABX) keystore.
const ADB_KEY_RE = /(QAAAA[A-Za-z0-9+/]{100,}={0,2})(?: ([\w.-]+@[\w.-]+))?/g;

export function adbKeyFingerprint(key: string): string | undefined {
  try {
    const raw = Buffer.from(key, "base64");
    if (raw.length < 16) return undefined;
    return createHash("md5").update(raw).digest("hex").toUpperCase().match(/../g)!.join(":");
  } catch {
    return undefined;
  }
}

export function parseAdb(lines: string[]): AdbState {
  const state: AdbState = { keys: [] };
  const seen = new Map<string, AdbKey>();
  const addKey = (key: string, source: AdbKey["source"], comment?: string, last?: string) => {
    const prev = seen.get(key);
    if (prev) {
      if (last && !prev.last_connection) prev.last_connection = last;
      if (comment && !prev.comment) prev.comment = comment;
      return;
    }
    const k: AdbKey = { key, comment, fingerprint: adbKeyFingerprint(key), last_connection: last, source };
    seen.set(key, k);
    state.keys.push(k);
  };
  let mode: "user_keys" | "system_keys" | "keystore" | undefined;
  for (const line of lines) {
    const t = line.trim();
    const kv = /^([a-z_]+)=(.*)$/.exec(t);
    if (kv && kv[1] !== "key") {
      mode = undefined;
      const [, k, v] = kv;
      if (k === "connected_to_adb") state.connected_to_adb = v === "true";
      else if (k === "last_key_received") state.last_key_received = v;
      else if (k === "enabled" && state.wifi_enabled === undefined) state.wifi_enabled = v === "true";
      else if (k === "user_keys" || k === "system_keys") mode = k;
      else if (k === "keystore") mode = "keystore";
      if (mode) handle(v);
      continue;
    }
    if (t === "" && mode !== "keystore") {
      mode = undefined;
      continue;
    }
    if (mode) handle(t);
  }
  function handle(text: string) {
    if (!mode) return;
    if (mode === "keystore") {
      // XML keystore: <adbKey key="..." lastConnection="ms" />. The binary (ABX) keystore of
      // Android 12+ keeps the keys readable as text but not the time.
      const x = /<adbKey key="([^"]+)" lastConnection="(\d+)"/.exec(text);
      if (x) {
        const [key, ...c] = x[1].split(" ");
        addKey(key, "keystore", c.join(" ") || undefined, new Date(Number(x[2])).toISOString());
        return;
      }
      for (const m of text.matchAll(ADB_KEY_RE)) addKey(m[1], "keystore", m[2]);
      if (text.includes("</keyStore>")) mode = undefined;
      return;
    }
    const m = /^(QAAAA[A-Za-z0-9+/]+={0,2})(?:\s+(.*))?$/.exec(text.trim());
    if (m) addKey(m[1], mode, m[2]?.trim() || undefined);
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// dumpsys appops

export interface AppopsEntry {
  access: "Access" | "Reject";
  type: string;
  /** Device wall clock, converted as if UTC. */
  timestamp?: string;
}
export interface AppopsPermission {
  name: string;
  mode: string;
  entries: AppopsEntry[];
}
export interface AppopsPackage {
  uid: string;
  package_name: string;
  permissions: AppopsPermission[];
  timestamp_is_device_local: true;
}

const OP_RE = /^([A-Z][A-Z0-9_]+) \(([a-z_]+)[^)]*\):?$/;
const OP_ENTRY_RE = /^(Access|Reject): \[([\w-]+)\]\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)/;

export function parseAppops(lines: string[]): AppopsPackage[] {
  const out: AppopsPackage[] = [];
  let uid: string | undefined;
  let pkg: AppopsPackage | undefined;
  let perm: AppopsPermission | undefined;
  for (const line of lines) {
    const t = line.trim();
    if (!t) continue;
    const ind = indentOf(line);
    if (ind <= 2) {
      const u = /^Uid ([\w]+):$/.exec(t);
      uid = u ? u[1] : undefined;
      pkg = undefined;
      perm = undefined;
      continue;
    }
    if (uid === undefined) continue;
    const p = /^Package ([\w.$-]+):$/.exec(t);
    if (p) {
      pkg = { uid, package_name: p[1], permissions: [], timestamp_is_device_local: true };
      out.push(pkg);
      perm = undefined;
      continue;
    }
    if (!pkg) continue;
    const o = OP_RE.exec(t);
    if (o) {
      perm = { name: o[1], mode: o[2], entries: [] };
      pkg.permissions.push(perm);
      continue;
    }
    const e = OP_ENTRY_RE.exec(t);
    if (e && perm) perm.entries.push({ access: e[1] as "Access" | "Reject", type: e[2], timestamp: deviceTime(e[3]) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// dumpsys batterystats: "Daily stats" package changes and "Battery History" events

export interface BatteryDailyChange {
  action: "update" | "uninstall";
  package_name: string;
  vers?: string;
  /** Start and end of the daily period (device wall clock, converted as if UTC). */
  from?: string;
  to?: string;
  timestamp_is_device_local: true;
}

export function parseBatteryDaily(lines: string[]): BatteryDailyChange[] {
  const out: BatteryDailyChange[] = [];
  let inDaily = false;
  let from: string | undefined;
  let to: string | undefined;
  let inChanges = false;
  let changesIndent = 0;
  for (const line of lines) {
    const t = line.trim();
    if (!t) continue;
    const ind = indentOf(line);
    if (ind === 0) {
      inDaily = t.startsWith("Daily stats:");
      inChanges = false;
      continue;
    }
    if (!inDaily) continue;
    const cur = /^Current start time: (\S+)/.exec(t);
    if (cur) {
      from = deviceTime(cur[1]);
      to = undefined;
      inChanges = false;
      continue;
    }
    const d = /^Daily from (\S+) to (\S+):/.exec(t);
    if (d) {
      from = deviceTime(d[1]);
      to = deviceTime(d[2]);
      inChanges = false;
      continue;
    }
    if (t === "Package changes:") {
      inChanges = true;
      changesIndent = ind;
      continue;
    }
    if (inChanges && ind <= changesIndent) inChanges = false;
    if (!inChanges) continue;
    const u = /^Update ([\w.$-]+) vers=(-?\d+)/.exec(t);
    if (u) {
      out.push({ action: "update", package_name: u[1], vers: u[2], from, to, timestamp_is_device_local: true });
      continue;
    }
    const r = /^Uninstall ([\w.$-]+)/.exec(t);
    if (r) out.push({ action: "uninstall", package_name: r[1], from, to, timestamp_is_device_local: true });
  }
  return out;
}

export interface BatteryHistoryEvent {
  /** "+top", "-job", "pkginst", ... as the history writes it. */
  event: string;
  /** Event kind without the +/- mark. */
  kind: string;
  /** uid ("u0a94", "1000"), or the version code for pkginst. */
  uid: string;
  package_name: string;
  /** "pkg/component" for jobs, else undefined. */
  service?: string;
  /** Offset since the history start ("+1h26m18s315ms"). */
  time_elapsed: string;
  /** Reset time plus the offset, device wall clock converted as if UTC. */
  timestamp?: string;
  timestamp_is_device_local: true;
}

const HISTORY_EVENT_RE = /(?:^|\s)([+-]?)(pkginst|pkgunin|pkgactive|pkginactive|top|fg|job|proc)=([\w-]+):"([^"]*)"/g;

function elapsedMs(s: string): number | undefined {
  if (s === "0") return 0;
  const m = /^\+?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (!m) return undefined;
  return (((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000 + Number(m[5] ?? 0);
}

export function parseBatteryHistory(lines: string[]): BatteryHistoryEvent[] {
  const out: BatteryHistoryEvent[] = [];
  let inHistory = false;
  let baseMs: number | undefined;
  let baseOffset = 0;
  for (const line of lines) {
    if (line.length === 0) continue;
    if (indentOf(line) === 0) {
      inHistory = line.startsWith("Battery History");
      continue;
    }
    if (!inHistory) continue;
    const t = line.trim();
    const sp = t.indexOf(" ");
    if (sp < 0) continue;
    const offStr = t.slice(0, sp);
    const off = elapsedMs(offStr);
    if (off === undefined) continue;
    const time = /(?:RESET:)?TIME: (\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)/.exec(t);
    if (time) {
      const iso = deviceTime(time[1]);
      if (iso) {
        baseMs = Date.parse(iso);
        baseOffset = off;
      }
      continue;
    }
    if (!t.includes('="') && !t.includes(':"')) continue;
    for (const m of t.matchAll(HISTORY_EVENT_RE)) {
      let pkg = m[4];
      let service: string | undefined;
      if (m[2] === "job") {
        const slash = pkg.indexOf("/");
        if (slash > 0) {
          service = pkg;
          pkg = pkg.slice(0, slash);
        }
      }
      if (!/^[\w.]+$/.test(pkg)) continue;
      out.push({
        event: m[1] + m[2],
        kind: m[2],
        uid: m[3],
        package_name: pkg,
        service,
        time_elapsed: offStr,
        timestamp: baseMs !== undefined ? new Date(baseMs + off - baseOffset).toISOString() : undefined,
        timestamp_is_device_local: true,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// dumpsys dbinfo

export interface DbinfoOperation {
  pid?: number;
  process?: string;
  path: string;
  action?: string;
  sql?: string;
  /** Device wall clock, converted as if UTC. */
  timestamp?: string;
  timestamp_is_device_local: true;
}

const DB_OP_RE = /^\d+: \[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\]\s*(?:\[Pid:\((\d+)\)\])?\s*(\w+) took .*?(?:sql="(.*?)")?(?:, path=(\S+))?$/;

export function parseDbinfo(lines: string[]): DbinfoOperation[] {
  const out: DbinfoOperation[] = [];
  let pid: number | undefined;
  let proc: string | undefined;
  let path: string | undefined;
  let pathHadOps = false;
  const flushPath = () => {
    if (path && !pathHadOps) out.push({ pid, process: proc, path, timestamp_is_device_local: true });
    path = undefined;
  };
  for (const line of lines) {
    const t = line.trim();
    const h = /^\*\* Database info for pid (\d+) \[([^\]]*)\] \*\*$/.exec(t);
    if (h) {
      flushPath();
      pid = Number(h[1]);
      proc = h[2];
      continue;
    }
    const c = /^Connection pool for (.+):$/.exec(t);
    if (c) {
      flushPath();
      path = c[1];
      pathHadOps = false;
      continue;
    }
    if (!path) continue;
    const o = DB_OP_RE.exec(t);
    if (o) {
      pathHadOps = true;
      out.push({ pid, process: proc, path: o[5] ?? path, action: o[3], sql: o[4], timestamp: deviceTime(o[1]), timestamp_is_device_local: true });
    }
  }
  flushPath();
  return out;
}

// ---------------------------------------------------------------------------------------------
// dumpsys platform_compat

export interface CompatOverride {
  change_id: string;
  change_name?: string;
  package_name: string;
  /** Value in packageOverrides (the override in force), when listed there. */
  package_override?: string;
  /** Value in rawOverrides (the override as set, maybe not yet applied), when listed there. */
  raw_override?: string;
}

export function parsePlatformCompat(lines: string[]): CompatOverride[] {
  const out: CompatOverride[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith("ChangeId(")) continue;
    const id = /^ChangeId\((\d+)/.exec(t)?.[1];
    if (!id) continue;
    const name = /; name=([\w]+)/.exec(t)?.[1];
    const byPkg = new Map<string, CompatOverride>();
    for (const kind of ["packageOverrides", "rawOverrides"] as const) {
      const m = new RegExp(`${kind}=\\{([^}]*)\\}`).exec(t);
      if (!m) continue;
      for (const part of m[1].split(",")) {
        const [pkg, val] = part.trim().split("=");
        if (!pkg) continue;
        let o = byPkg.get(pkg);
        if (!o) {
          o = { change_id: id, change_name: name, package_name: pkg };
          byPkg.set(pkg, o);
          out.push(o);
        }
        if (kind === "packageOverrides") o.package_override = val ?? "";
        else o.raw_override = val ?? "";
      }
    }
  }
  return out;
}
