import { basename } from "node:path";
import { fromOffsetDateTime } from "../core/time.js";
const SYSDIAGNOSE_NAME = /^sysdiagnose_(\d{4})\.(\d{2})\.(\d{2})_(\d{2})-(\d{2})-(\d{2})([+-]\d{4})_(.+?)(?:\.tar\.gz|\.tgz|\.tar)?$/;
function parseSysdiagnoseName(name) {
  const m = SYSDIAGNOSE_NAME.exec(basename(name));
  if (!m) return void 0;
  const created = fromOffsetDateTime(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} ${m[7]}`);
  if (!created) return void 0;
  const last = m[8].split("_").pop();
  return { created, utcOffset: m[7], device: m[8], build: last && /^\d{2}[A-Z]\d+[a-z]?$/.test(last) ? last : void 0 };
}
function parseRemotectlProperties(text) {
  const out = {};
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
function parseActivationRequest(text) {
  const m = /BODY:\s+(\{[\s\S]*?\})\s*(?:\n\S|$)/.exec(text);
  if (!m) return void 0;
  try {
    const v = JSON.parse(m[1]);
    return v && typeof v === "object" && !Array.isArray(v) ? v : void 0;
  } catch {
    return void 0;
  }
}
export {
  SYSDIAGNOSE_NAME,
  parseActivationRequest,
  parseRemotectlProperties,
  parseSysdiagnoseName
};
