import { VigilError } from "../../../core/errors.js";
import { fromDate } from "../../../core/time.js";
import { parsePlist } from "../../../formats/plist.js";
function plistToJson(v, depth = 0) {
  if (v === null || v === void 0) return null;
  if (depth > 64) return "<too deep>";
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (v instanceof Date) return fromDate(v) ?? null;
  if (Array.isArray(v)) return v.map((x) => plistToJson(x, depth + 1));
  if (typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = plistToJson(x, depth + 1);
    return out;
  }
  return String(v);
}
function isDict(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}
function asDict(v) {
  return isDict(v) ? v : void 0;
}
function str(v) {
  return typeof v === "string" && v.length > 0 ? v : void 0;
}
function baseName(p) {
  const t = p.replace(/\/+$/, "");
  const i = t.lastIndexOf("/");
  return i >= 0 ? t.slice(i + 1) : t;
}
async function readPlistDict(view, file) {
  const v = parsePlist(await view.readFile(file), file.path);
  if (!isDict(v)) throw new VigilError(`unexpected plist: the top level is ${describe(v)}, not a dictionary`, { file: file.path, code: "schema" });
  return v;
}
function describe(v) {
  if (Array.isArray(v)) return "an array";
  if (v === null) return "empty";
  if (Buffer.isBuffer(v)) return "data";
  if (v instanceof Date) return "a date";
  return `a ${typeof v}`;
}
export {
  asDict,
  baseName,
  isDict,
  plistToJson,
  readPlistDict,
  str
};
