// dumpsys package: the "Packages:" block.
import { deviceTime, indentOf } from "./text.ts";

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
          // The first "signatures:[" and the "]" after it (an expression rescanned to the end at each
          // "signatures:[" of a damaged line).
          const at = v.indexOf("signatures:[");
          const end = at < 0 ? -1 : v.indexOf("]", at + 12);
          if (end >= 0) pkg.signatures = v.slice(at + 12, end).split(/[,\s]+/).filter(Boolean);
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
