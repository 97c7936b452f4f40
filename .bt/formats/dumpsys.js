import { createHash } from "node:crypto";
import { parseLooseTimestamp } from "../core/time.js";
const SERVICE_RE = /^DUMP OF SERVICE (?:(?:CRITICAL|HIGH|NORMAL) )?(.+?):\s*$/;
const DUMPSTATE_HEADER_RE = /^------ .*------\s*$/;
const DURATION_RE = /^-{5,} ?[\d.]+s was the duration of /;
const RULE_RE = /^-{20,}\s*$/;
const GETPROP_HEADER_RE = /^------ SYSTEM PROPERTIES\b/;
async function* readLines(stream) {
  let rest = "";
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of stream) {
    const text = rest + (typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    let nl;
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
async function extractDumpsys(lines, wanted) {
  const sections = /* @__PURE__ */ new Map();
  const services = [];
  let current;
  let currentName;
  let getprop;
  let inGetprop = false;
  let n = 0;
  const close = () => {
    if (current && currentName !== void 0) {
      const prev = sections.get(currentName);
      if (!prev || prev.length < current.length) sections.set(currentName, current);
    }
    current = void 0;
    currentName = void 0;
  };
  for await (const line of lines) {
    n++;
    const c = line.charCodeAt(0);
    if (c === 68) {
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
    } else if (c === 45) {
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
    else if (inGetprop) getprop.push(line);
  }
  close();
  return { sections, getprop, services, lines: n };
}
function splitDumpsys(text) {
  const out = /* @__PURE__ */ new Map();
  let current;
  let name;
  const close = () => {
    if (current && name !== void 0) {
      const prev = out.get(name);
      if (!prev || prev.length < current.length) out.set(name, current);
    }
    current = void 0;
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
function toLines(text) {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith("\r")) lines[i] = lines[i].slice(0, -1);
  return lines;
}
function indentOf(line) {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return i;
}
function deviceTime(s) {
  if (!s) return void 0;
  const m = /^(\d{4}-\d\d-\d\d)[- ](\d\d)[-:](\d\d)[-:](\d\d)(\.\d+)?$/.exec(s.trim());
  if (!m) return void 0;
  return parseLooseTimestamp(`${m[1]} ${m[2]}:${m[3]}:${m[4]}${m[5] ?? ""}`);
}
const PKG_HEADER_RE = /^ {2}Package \[([^\]]+)\] \(([0-9a-f]+)\):/;
const KV_RE = /^([A-Za-z][\w.]*)=(.*)$/;
const SYSTEM_PATH_RE = /^\/(system|system_ext|product|vendor|odm|apex|oem)\//;
const HEX64_RE = /\b[0-9A-Fa-f]{64}\b|\b(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}\b/g;
function bracketList(v) {
  const m = /^\[(.*)\]$/.exec(v.trim());
  return (m ? m[1] : v).split(/\s+/).filter((x) => x && x !== "[" && x !== "]");
}
function parseDumpsysPackages(lines) {
  const out = [];
  let inPackages = false;
  let pkg;
  let sub;
  let user;
  const finish = () => {
    if (pkg) {
      pkg.system = pkg.flags.includes("SYSTEM") || !!pkg.code_path && SYSTEM_PATH_RE.test(pkg.code_path + "/");
      out.push(pkg);
    }
    pkg = void 0;
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
          line: i + 1
        };
        sub = void 0;
        user = void 0;
      }
      continue;
    }
    if (!pkg) continue;
    const t = line.slice(ind).trimEnd();
    if (ind === 4) {
      sub = void 0;
      user = void 0;
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
          if (pkg.uid === void 0) pkg.uid = Number(v);
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
          pkg.installer = v === "null" ? void 0 : v;
          break;
        case "installerPackageUid":
          pkg.installer_uid = Number(v);
          break;
        case "installInitiatingPackageName":
          pkg.initiating_package = v === "null" ? void 0 : v;
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
    if (t.charCodeAt(t.length - 1) === 58 && /^[A-Za-z ]+:$/.test(t)) {
      sub = t === "runtime permissions:" ? "runtime" : user !== void 0 || sub !== "requested" ? "other" : sub;
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
const RESOLVER_ENTRY_RE = /^[0-9a-f]+ ([\w.$-]+)\/([\w.$-]+)(?: \((\d+) filters?\))?/;
function parseResolverTable(lines, title) {
  const header = `${title} Resolver Table:`;
  const out = [];
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
    out.push({ table, intent, package_name: m[1], component, filters: m[3] ? Number(m[3]) : void 0 });
  }
  return out;
}
const COMPONENT_RE = /([A-Za-z][\w.]*)\/([\w.$]+)/g;
function parseAccessibility(lines) {
  const out = [];
  let block;
  let user;
  for (const line of lines) {
    const t = line.trim();
    const um = /(?:User state\[attributes:\{id=|^attributes:\{id=)(\d+)/.exec(t);
    if (um) user = Number(um[1]);
    if (block) {
      if (t.startsWith("}")) {
        block = void 0;
        continue;
      }
      const m = /^\d+ : ([\w.]+)\/([\w.$]+)/.exec(t);
      if (m) out.push({ package_name: m[1], service: expand(m[1], m[2]), state: block, user });
      continue;
    }
    const open = /^(installed|enabled) services: ?\{\s*(.*)$/i.exec(t);
    if (open && open[1] === open[1].toLowerCase()) {
      const state = open[1];
      const rest = open[2];
      if (rest.startsWith("}")) continue;
      if (rest === "") {
        block = state;
        continue;
      }
    }
    const v14 = /^Enabled services:\s*\{(.*)\}\s*$/.exec(t);
    if (v14) {
      for (const m of v14[1].matchAll(COMPONENT_RE)) out.push({ package_name: m[1], service: expand(m[1], m[2]), state: "enabled", user });
    }
  }
  return out;
}
function expand(pkg, cls) {
  return cls.startsWith(".") ? `${pkg}/${pkg}${cls}` : `${pkg}/${cls}`;
}
const ADB_KEY_RE = /(QAAAA[A-Za-z0-9+/]{100,}={0,2})(?: ([\w.-]+@[\w.-]+))?/g;
function adbKeyFingerprint(key) {
  try {
    const raw = Buffer.from(key, "base64");
    if (raw.length < 16) return void 0;
    return createHash("md5").update(raw).digest("hex").toUpperCase().match(/../g).join(":");
  } catch {
    return void 0;
  }
}
function parseAdb(lines) {
  const state = { keys: [] };
  const seen = /* @__PURE__ */ new Map();
  const addKey = (key, source, comment, last) => {
    const prev = seen.get(key);
    if (prev) {
      if (last && !prev.last_connection) prev.last_connection = last;
      if (comment && !prev.comment) prev.comment = comment;
      return;
    }
    const k = { key, comment, fingerprint: adbKeyFingerprint(key), last_connection: last, source };
    seen.set(key, k);
    state.keys.push(k);
  };
  let mode;
  for (const line of lines) {
    const t = line.trim();
    const kv = /^([a-z_]+)=(.*)$/.exec(t);
    if (kv && kv[1] !== "key") {
      mode = void 0;
      const [, k, v] = kv;
      if (k === "connected_to_adb") state.connected_to_adb = v === "true";
      else if (k === "last_key_received") state.last_key_received = v;
      else if (k === "enabled" && state.wifi_enabled === void 0) state.wifi_enabled = v === "true";
      else if (k === "user_keys" || k === "system_keys") mode = k;
      else if (k === "keystore") mode = "keystore";
      if (mode) handle(v);
      continue;
    }
    if (t === "" && mode !== "keystore") {
      mode = void 0;
      continue;
    }
    if (mode) handle(t);
  }
  function handle(text) {
    if (!mode) return;
    if (mode === "keystore") {
      const x = /<adbKey key="([^"]+)" lastConnection="(\d+)"/.exec(text);
      if (x) {
        const [key, ...c] = x[1].split(" ");
        addKey(key, "keystore", c.join(" ") || void 0, new Date(Number(x[2])).toISOString());
        return;
      }
      for (const m2 of text.matchAll(ADB_KEY_RE)) addKey(m2[1], "keystore", m2[2]);
      if (text.includes("</keyStore>")) mode = void 0;
      return;
    }
    const m = /^(QAAAA[A-Za-z0-9+/]+={0,2})(?:\s+(.*))?$/.exec(text.trim());
    if (m) addKey(m[1], mode, m[2]?.trim() || void 0);
  }
  return state;
}
const OP_RE = /^([A-Z][A-Z0-9_]+) \(([a-z_]+)[^)]*\):?$/;
const OP_ENTRY_RE = /^(Access|Reject): \[([\w-]+)\]\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)/;
function parseAppops(lines) {
  const out = [];
  let uid;
  let pkg;
  let perm;
  for (const line of lines) {
    const t = line.trim();
    if (!t) continue;
    const ind = indentOf(line);
    if (ind <= 2) {
      const u = /^Uid ([\w]+):$/.exec(t);
      uid = u ? u[1] : void 0;
      pkg = void 0;
      perm = void 0;
      continue;
    }
    if (uid === void 0) continue;
    const p = /^Package ([\w.$-]+):$/.exec(t);
    if (p) {
      pkg = { uid, package_name: p[1], permissions: [], timestamp_is_device_local: true };
      out.push(pkg);
      perm = void 0;
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
    if (e && perm) perm.entries.push({ access: e[1], type: e[2], timestamp: deviceTime(e[3]) });
  }
  return out;
}
function parseBatteryDaily(lines) {
  const out = [];
  let inDaily = false;
  let from;
  let to;
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
      to = void 0;
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
const HISTORY_EVENT_RE = /(?:^|\s)([+-]?)(pkginst|pkgunin|pkgactive|pkginactive|top|fg|job|proc)=([\w-]+):"([^"]*)"/g;
function elapsedMs(s) {
  if (s === "0") return 0;
  const m = /^\+?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(s);
  if (!m) return void 0;
  return (((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1e3 + Number(m[5] ?? 0);
}
function parseBatteryHistory(lines) {
  const out = [];
  let inHistory = false;
  let baseMs;
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
    if (off === void 0) continue;
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
      let service;
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
        timestamp: baseMs !== void 0 ? new Date(baseMs + off - baseOffset).toISOString() : void 0,
        timestamp_is_device_local: true
      });
    }
  }
  return out;
}
const DB_OP_RE = /^\d+: \[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\]\s*(?:\[Pid:\((\d+)\)\])?\s*(\w+) took .*?(?:sql="(.*?)")?(?:, path=(\S+))?$/;
function parseDbinfo(lines) {
  const out = [];
  let pid;
  let proc;
  let path;
  let pathHadOps = false;
  const flushPath = () => {
    if (path && !pathHadOps) out.push({ pid, process: proc, path, timestamp_is_device_local: true });
    path = void 0;
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
function parsePlatformCompat(lines) {
  const out = [];
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith("ChangeId(")) continue;
    const id = /^ChangeId\((\d+)/.exec(t)?.[1];
    if (!id) continue;
    const name = /; name=([\w]+)/.exec(t)?.[1];
    const byPkg = /* @__PURE__ */ new Map();
    for (const kind of ["packageOverrides", "rawOverrides"]) {
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
export {
  adbKeyFingerprint,
  deviceTime,
  extractDumpsys,
  parseAccessibility,
  parseAdb,
  parseAppops,
  parseBatteryDaily,
  parseBatteryHistory,
  parseDbinfo,
  parseDumpsysPackages,
  parsePlatformCompat,
  parseResolverTable,
  readLines,
  splitDumpsys,
  toLines
};
