import * as bplist from "bplist-parser";
import * as plist from "plist";
import { VigilError } from "../core/errors.js";
bplist.setMaxObjectCount(1e7);
const BPLIST_MAGIC = Buffer.from("bplist00");
function parsePlist(data, file) {
  try {
    if (data.subarray(0, 8).equals(BPLIST_MAGIC)) {
      const parsed = bplist.parseBuffer(data);
      if (!Array.isArray(parsed) || parsed.length === 0) throw new Error("empty binary plist");
      return parsed[0];
    }
    const text = data.toString("utf8").replace(/^\uFEFF/, "");
    if (!/^\s*(<\?xml|<!DOCTYPE plist|<plist)/.test(text)) throw new Error("neither a binary nor an XML plist");
    return dataAsBuffers(quietly(() => plist.parse(text)));
  } catch (e) {
    throw new VigilError(`malformed plist: ${e.message.split("\n")[0]}`, { file, code: "plist", cause: e });
  }
}
function quietly(fn) {
  const { error, warn } = console;
  console.error = console.warn = () => {
  };
  try {
    return fn();
  } finally {
    console.error = error;
    console.warn = warn;
  }
}
function dataAsBuffers(v) {
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = dataAsBuffers(v[i]);
  } else if (v !== null && typeof v === "object" && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    const o = v;
    for (const k of Object.keys(o)) o[k] = dataAsBuffers(o[k]);
  }
  return v;
}
function isUid(v) {
  return typeof v === "object" && v !== null && "UID" in v && typeof v.UID === "number" && Object.keys(v).length === 1;
}
function uidOf(v) {
  if (isUid(v)) return v.UID;
  if (typeof v === "object" && v !== null && !Buffer.isBuffer(v) && !(v instanceof Date)) {
    const o = v;
    if (typeof o["CF$UID"] === "number" && Object.keys(o).length === 1) return o["CF$UID"];
  }
  return void 0;
}
function isKeyedArchive(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) && v["$archiver"] === "NSKeyedArchiver";
}
function unarchive(archive, file, rootKey) {
  if (!isKeyedArchive(archive)) throw new VigilError("not an NSKeyedArchiver plist", { file, code: "plist" });
  const a = archive;
  const objects = a["$objects"];
  const top = a["$top"];
  if (!Array.isArray(objects) || !top || typeof top !== "object") {
    throw new VigilError("keyed archive without $objects or $top", { file, code: "plist" });
  }
  const stack = /* @__PURE__ */ new Set();
  const MAC_EPOCH = Date.UTC(2001, 0, 1);
  const decode = (v) => {
    const uid = uidOf(v);
    if (uid === void 0) {
      if (Array.isArray(v)) return v.map(decode);
      return v;
    }
    if (uid < 0 || uid >= objects.length) throw new VigilError(`keyed archive UID ${uid} out of range`, { file, code: "plist" });
    const obj = objects[uid];
    if (obj === "$null") return null;
    if (obj === null || typeof obj !== "object" || Buffer.isBuffer(obj) || obj instanceof Date) return obj;
    if (stack.has(uid)) return "<cycle>";
    stack.add(uid);
    try {
      const o = obj;
      const cls = uidOf(o["$class"]) !== void 0 ? objects[uidOf(o["$class"])] : void 0;
      const className = cls && typeof cls === "object" ? String(cls["$classname"] ?? "") : "";
      if ("NS.keys" in o && "NS.objects" in o) {
        const keys = o["NS.keys"].map(decode);
        const vals = o["NS.objects"].map(decode);
        const out2 = {};
        keys.forEach((k, i) => out2[String(k)] = vals[i]);
        return out2;
      }
      if ("NS.objects" in o) return o["NS.objects"].map(decode);
      if ("NS.string" in o) return decode(o["NS.string"]);
      if ("NS.bytes" in o) return decode(o["NS.bytes"]);
      if ("NS.data" in o) return decode(o["NS.data"]);
      if ("NS.time" in o && typeof o["NS.time"] === "number") return new Date(MAC_EPOCH + o["NS.time"] * 1e3);
      if ("NS.relative" in o) {
        const base = decode(o["NS.base"]);
        const rel = decode(o["NS.relative"]);
        return base ? `${String(base)}${String(rel)}` : rel;
      }
      const out = {};
      for (const [k, val] of Object.entries(o)) {
        if (k === "$class") continue;
        out[k] = decode(val);
      }
      if (className) out["$class"] = className;
      return out;
    } finally {
      stack.delete(uid);
    }
  };
  const key = rootKey ?? ("root" in top ? "root" : Object.keys(top)[0]);
  return decode(top[key]);
}
function parsePlistDeep(data, file) {
  const v = parsePlist(data, file);
  return isKeyedArchive(v) ? unarchive(v, file) : v;
}
export {
  isKeyedArchive,
  isUid,
  parsePlist,
  parsePlistDeep,
  unarchive
};
