// Small sysdiagnose files that describe the device and the capture: the archive's name,
// remotectl_dumpstate.txt and MobileActivation's request log. Kept apart from the opener so
// modules can read them without importing the acquisition (which imports the module registry).
import { basename } from "node:path";
import { fromOffsetDateTime } from "../core/time.ts";

export const SYSDIAGNOSE_NAME = /^sysdiagnose_(\d{4})\.(\d{2})\.(\d{2})_(\d{2})-(\d{2})-(\d{2})([+-]\d{4})_(.+?)(?:\.tar\.gz|\.tgz|\.tar)?$/;

export interface SysdiagnoseName {
  /** UTC ISO time the sysdiagnose was taken. */
  created: string;
  /** "+0200": the phone's time zone then. */
  utcOffset: string;
  /** Last "_" field of the name, the OS build on iPhones ("23A341"). */
  build?: string;
  /** The part after the time: "iPhone-OS_iPhone_23A341". */
  device: string;
}

/** Reads the creation time and build from a sysdiagnose file or folder name. */
export function parseSysdiagnoseName(name: string): SysdiagnoseName | undefined {
  const m = SYSDIAGNOSE_NAME.exec(basename(name));
  if (!m) return undefined;
  const created = fromOffsetDateTime(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} ${m[7]}`);
  if (!created) return undefined;
  const last = m[8].split("_").pop();
  return { created, utcOffset: m[7], device: m[8], build: last && /^\d{2}[A-Z]\d+[a-z]?$/.test(last) ? last : undefined };
}

/** The "Properties: {" block of remotectl_dumpstate.txt as key → value. */
export function parseRemotectlProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let inside = false;
  for (const line of text.split(/\r?\n/)) {
    if (!inside) {
      inside = /^\s*Properties: \{\s*$/.test(line);
      continue;
    }
    if (/^\s*\}\s*$/.test(line)) break;
    const i = line.indexOf("=>");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 2).trim();
  }
  return out;
}

/** The JSON body of MobileActivation's collection_oob_request.txt, when present. */
export function parseActivationRequest(text: string): Record<string, unknown> | undefined {
  const m = /BODY:\s+(\{[\s\S]*?\})\s*(?:\n\S|$)/.exec(text);
  if (!m) return undefined;
  try {
    const v = JSON.parse(m[1]) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
