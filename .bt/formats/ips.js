import { VigilError } from "../core/errors.js";
import { fromOffsetDateTime } from "../core/time.js";
const str = (v) => typeof v === "string" && v ? v : typeof v === "number" ? String(v) : void 0;
function splitOsVersion(s) {
  if (!s) return {};
  const m = /(\d+(?:\.\d+)+)\s*\(([0-9A-Za-z]+)\)/.exec(s);
  if (m) return { version: m[1], build: m[2] };
  const v = /(\d+(?:\.\d+)+)/.exec(s);
  return { version: v?.[1] };
}
function parseJson(text, file, what) {
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new VigilError(`malformed crash report: ${what} is not valid JSON (${e.message.split("\n")[0]})`, { file, code: "format" });
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new VigilError(`malformed crash report: ${what} is not a JSON object`, { file, code: "format" });
  return v;
}
function codesToString(v) {
  if (Array.isArray(v)) return v.map(String).join(", ");
  return str(v);
}
function parseIps(data, file) {
  const text = typeof data === "string" ? data : data.toString("utf8");
  const nl = text.indexOf("\n");
  const headLine = (nl < 0 ? text : text.slice(0, nl)).trim();
  if (!headLine.startsWith("{")) throw new VigilError("not a crash report (.ips): first line is not a JSON header", { file, code: "format" });
  const head = parseJson(headLine, file, "header line");
  const rest = nl < 0 ? "" : text.slice(nl + 1).trim();
  const osRaw = str(head.os_version);
  const os = splitOsVersion(osRaw);
  const r = {
    bug_type: str(head.bug_type),
    name: str(head.app_name) ?? str(head.name),
    bundle_id: str(head.bundleID),
    timestamp: fromOffsetDateTime(str(head.timestamp)),
    os_version_raw: osRaw,
    os_version: os.version,
    os_build: os.build,
    incident_id: str(head.incident_id)
  };
  if (!rest) return r;
  if (rest.startsWith("{")) {
    const body = parseJson(rest, file, "body");
    r.json_body = true;
    r.proc_name = str(body.procName);
    r.proc_path = str(body.procPath);
    r.parent_proc = str(body.parentProc);
    if (typeof body.pid === "number") r.pid = body.pid;
    const exc = body.exception;
    if (exc && typeof exc === "object") {
      r.exception_type = str(exc.type);
      r.exception_codes = codesToString(exc.codes);
      r.exception_signal = str(exc.signal);
      r.exception_subtype = str(exc.subtype);
    }
    const term = body.termination;
    if (term && typeof term === "object") {
      const parts = [str(term.namespace), str(term.indicator), str(term.reasons && Array.isArray(term.reasons) ? term.reasons.join("; ") : void 0)].filter(Boolean);
      if (parts.length) r.termination = parts.join(": ");
    }
    if (!r.bundle_id) r.bundle_id = str(body.bundleInfo?.CFBundleIdentifier);
    if (!r.timestamp) r.timestamp = fromOffsetDateTime(str(body.captureTime));
    if (!r.os_build) {
      const b = body.osVersion;
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
        const m = /^(.*?)\s*\[(\d+)\]$/.exec(value);
        r.proc_name = m ? m[1] : value;
        if (m) r.pid = Number(m[2]);
        break;
      }
      case "Path":
        r.proc_path = value;
        break;
      case "Parent Process":
        r.parent_proc = value.replace(/\s*\[\d+\]$/, "");
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
export {
  parseIps,
  splitOsVersion
};
