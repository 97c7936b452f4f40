// Apple crash and diagnostic reports (.ips). Since iOS 15 a report is two JSON documents: a
// one-line header (bug_type, name/app_name, timestamp, os_version, incident_id) and a body
// (procName, procPath, parentProc, pid, exception{type,codes,signal,subtype}, termination...).
// Older reports, and some bug types to this day, keep a plain-text body of "Key: value" lines
// after the JSON header ("Process: imagent [123]", "Exception Type: EXC_CRASH (SIGABRT)").
import { VigilError } from "../core/errors.ts";
import { fromOffsetDateTime } from "../core/time.ts";

export interface CrashReport {
  bug_type?: string;
  /** Name from the header (app_name or name). */
  name?: string;
  proc_name?: string;
  proc_path?: string;
  parent_proc?: string;
  pid?: number;
  bundle_id?: string;
  exception_type?: string;
  exception_codes?: string;
  exception_signal?: string;
  exception_subtype?: string;
  termination?: string;
  /** UTC ISO time of the report. */
  timestamp?: string;
  /** As written in the header: "iPhone OS 17.2.1 (21C66)". */
  os_version_raw?: string;
  os_version?: string;
  os_build?: string;
  incident_id?: string;
  /** The body was JSON (true) or legacy text (false); absent when the report has no body. */
  json_body?: boolean;
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : undefined);

/** "iPhone OS 17.2.1 (21C66)" → { version: "17.2.1", build: "21C66" }. */
export function splitOsVersion(s: string | undefined): { version?: string; build?: string } {
  if (!s) return {};
  // A version string is a few dozen characters: the expressions below are quadratic on a long run
  // of digits and dots, so a damaged value is read in its first 200 only.
  if (s.length > 200) s = s.slice(0, 200);
  const m = /(\d+(?:\.\d+)+)\s*\(([0-9A-Za-z]+)\)/.exec(s);
  if (m) return { version: m[1], build: m[2] };
  const v = /(\d+(?:\.\d+)+)/.exec(s);
  return { version: v?.[1] };
}

function parseJson(text: string, file: string, what: string): Json {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new VigilError(`malformed crash report: ${what} is not valid JSON (${(e as Error).message.split("\n")[0]})`, { file, code: "format" });
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new VigilError(`malformed crash report: ${what} is not a JSON object`, { file, code: "format" });
  return v as Json;
}

function codesToString(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.map(String).join(", ");
  return str(v);
}

/** Parses one .ips report. Throws a one-line VigilError naming `file` when it is not one. */
export function parseIps(data: Buffer | string, file: string): CrashReport {
  const text = typeof data === "string" ? data : data.toString("utf8");
  const nl = text.indexOf("\n");
  const headLine = (nl < 0 ? text : text.slice(0, nl)).trim();
  if (!headLine.startsWith("{")) throw new VigilError("not a crash report (.ips): first line is not a JSON header", { file, code: "format" });
  const head = parseJson(headLine, file, "header line");
  const rest = nl < 0 ? "" : text.slice(nl + 1).trim();
  const osRaw = str(head.os_version);
  const os = splitOsVersion(osRaw);
  const r: CrashReport = {
    bug_type: str(head.bug_type),
    name: str(head.app_name) ?? str(head.name),
    bundle_id: str(head.bundleID),
    timestamp: fromOffsetDateTime(str(head.timestamp)),
    os_version_raw: osRaw,
    os_version: os.version,
    os_build: os.build,
    incident_id: str(head.incident_id),
  };
  if (!rest) return r;
  if (rest.startsWith("{")) {
    const body = parseJson(rest, file, "body");
    r.json_body = true;
    r.proc_name = str(body.procName);
    r.proc_path = str(body.procPath);
    r.parent_proc = str(body.parentProc);
    if (typeof body.pid === "number") r.pid = body.pid;
    const exc = body.exception as Json | undefined;
    if (exc && typeof exc === "object") {
      r.exception_type = str(exc.type);
      r.exception_codes = codesToString(exc.codes);
      r.exception_signal = str(exc.signal);
      r.exception_subtype = str(exc.subtype);
    }
    const term = body.termination as Json | undefined;
    if (term && typeof term === "object") {
      const parts = [str(term.namespace), str(term.indicator), str(term.reasons && Array.isArray(term.reasons) ? term.reasons.join("; ") : undefined)].filter(Boolean);
      if (parts.length) r.termination = parts.join(": ");
    }
    if (!r.bundle_id) r.bundle_id = str((body.bundleInfo as Json | undefined)?.CFBundleIdentifier);
    if (!r.timestamp) r.timestamp = fromOffsetDateTime(str(body.captureTime));
    if (!r.os_build) {
      const b = body.osVersion as Json | undefined;
      if (b && typeof b === "object") {
        r.os_build = str(b.build);
        r.os_version ??= splitOsVersion(str(b.train)).version;
      }
    }
    return r;
  }
  r.json_body = false;
  for (const line of rest.split(/\r?\n/, 400)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (!value) continue;
    switch (key) {
      case "Process": {
        const m = nameAndPid(value);
        r.proc_name = m ? m.name : value;
        if (m) r.pid = m.pid;
        break;
      }
      case "Path":
        r.proc_path = value;
        break;
      case "Parent Process":
        r.parent_proc = nameAndPid(value)?.name ?? value;
        break;
      case "Identifier":
        r.bundle_id ??= value;
        break;
      case "Exception Type":
        r.exception_type = value;
        break;
      case "Exception Codes":
        r.exception_codes = value;
        break;
      case "Exception Subtype":
        r.exception_subtype = value;
        break;
      case "Termination Reason":
        r.termination = value;
        break;
      case "Date/Time":
        r.timestamp ??= fromOffsetDateTime(value);
        break;
    }
  }
  return r;
}

/**
 * "name [pid]" of a legacy report's Process line, by searching from the end: the expression
 * /^(.*?)\s*\[(\d+)\]$/ tried its whitespace at every position of a long run of spaces
 * (quadratic on a damaged line).
 */
function nameAndPid(value: string): { name: string; pid: number } | undefined {
  if (!value.endsWith("]")) return undefined;
  const open = value.lastIndexOf("[");
  const digits = value.slice(open + 1, -1);
  if (open < 0 || !/^\d+$/.test(digits)) return undefined;
  return { name: value.slice(0, open).trimEnd(), pid: Number(digits) };
}
