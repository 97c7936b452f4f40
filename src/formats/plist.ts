// Binary and XML property lists, and NSKeyedArchiver object graphs.
import * as bplist from "bplist-parser";
import * as plist from "plist";
import { VigilError } from "../core/errors.ts";
import { bplistGraphProblem } from "./bplist-graph.ts";

bplist.setMaxObjectCount(10_000_000);

export type PlistValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Buffer
  | PlistValue[]
  | { [key: string]: PlistValue }
  | { UID: number }
  | null;

const BPLIST_MAGIC = Buffer.from("bplist00");

/**
 * Why a binary plist's trailer (its last 32 bytes) cannot describe its object table, or
 * undefined: a file cut short ends in other bytes, which bplist-parser would read as a huge
 * object count ("maxObjectCount exceeded") or offsets past the end.
 */
function trailerProblem(data: Buffer): string | undefined {
  if (data.length < 8 + 32) return "malformed plist: truncated binary plist (too short to hold its trailer)";
  const t = data.subarray(data.length - 32);
  const offsetSize = t[6];
  const refSize = t[7];
  const objects = t.readBigUInt64BE(8);
  const top = t.readBigUInt64BE(16);
  const tableAt = t.readBigUInt64BE(24);
  const bad =
    offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8 || objects < 1n || top >= objects || tableAt < 8n || tableAt + objects * BigInt(offsetSize) > BigInt(data.length - 32);
  return bad ? "malformed plist: truncated or damaged binary plist (its trailer does not describe an object table inside the file)" : undefined;
}

const CYCLE = "malformed plist: an object contains itself (a cycle) or objects nest too deep";

/** A stack overflow while decoding: the objects refer to themselves or nest too deep. */
const isStackOverflow = (e: unknown) => e instanceof RangeError && /call stack/i.test(e.message);

/** Parses a binary or XML plist. Throws a VigilError naming `file` when it is malformed. */
export function parsePlist(data: Buffer, file?: string): PlistValue {
  try {
    if (data.subarray(0, 8).equals(BPLIST_MAGIC)) {
      const problem = trailerProblem(data);
      if (problem) throw new VigilError(problem, { file, code: "plist" });
      const graph = bplistGraphProblem(data);
      if (graph?.kind === "cycle") throw new VigilError(CYCLE, { file, code: "plist" });
      if (graph) throw new VigilError(`malformed plist: its objects are listed so many times over that it would expand to more than ${graph.limit.toLocaleString("en")} values (it holds ${graph.references.toLocaleString("en")} references)`, { file, code: "plist" });
      let parsed: PlistValue[];
      try {
        parsed = bplist.parseBuffer(data) as PlistValue[];
      } catch (e) {
        if (isStackOverflow(e)) throw new VigilError(CYCLE, { file, code: "plist" });
        throw e;
      }
      if (!Array.isArray(parsed) || parsed.length === 0) throw new Error("empty binary plist");
      return parsed[0];
    }
    const text = data.toString("utf8").replace(/^\uFEFF/, "");
    if (!/^\s*(<\?xml|<!DOCTYPE plist|<plist)/.test(text)) throw new Error("neither a binary nor an XML plist");
    return dataAsBuffers(quietly(() => plist.parse(text))) as PlistValue;
  } catch (e) {
    if (e instanceof VigilError) throw e;
    throw new VigilError(`malformed plist: ${(e as Error).message.split("\n")[0]}`, { file, code: "plist", cause: e });
  }
}

/** XML errors an XML plist may hold and still be read, as xmldom reads it, recovering from each. */
const XML_ERRORS = 100;

/**
 * The `plist` package gives xmldom no error handler, so xmldom prints each problem to the
 * console (before throwing, for a fatal one): the user would see parser noise above Vigil's
 * one-line error. The printing is silenced and counts the errors instead: xmldom recovers from
 * each at a cost of tens of microseconds, so a file made of errors (a damaged plist repeating a
 * stray end tag) took minutes; past XML_ERRORS the parse stops with the first one named.
 */
function quietly<T>(fn: () => T): T {
  const { error, warn } = console;
  let errors = 0;
  let first = "";
  console.warn = () => {};
  console.error = (line: unknown) => {
    const m = /^\[xmldom (\w+)\]\t(.*)/s.exec(String(line));
    if (!m || m[1] === "warning") return;
    // The message can quote the damaged text at any length: the one-line error keeps its start.
    if (errors++ === 0) first = m[2]!.split("\n")[0]!.slice(0, 200);
    if (errors > XML_ERRORS) throw new Error(`more than ${XML_ERRORS} XML errors, the first: ${first}`);
  };
  try {
    return fn();
  } finally {
    console.error = error;
    console.warn = warn;
  }
}

/** The XML parser gives <data> as Uint8Array; PlistValue promises Buffer, as the binary parser gives. */
function dataAsBuffers(v: unknown): unknown {
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = dataAsBuffers(v[i]);
  } else if (v !== null && typeof v === "object" && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = dataAsBuffers(o[k]);
  }
  return v;
}

export function isUid(v: unknown): v is { UID: number } {
  return typeof v === "object" && v !== null && "UID" in v && typeof (v as { UID: unknown }).UID === "number" && Object.keys(v).length === 1;
}

/** XML keyed archives write UIDs as {"CF$UID": n}. */
function uidOf(v: unknown): number | undefined {
  if (isUid(v)) return v.UID;
  if (typeof v === "object" && v !== null && !Buffer.isBuffer(v) && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if (typeof o["CF$UID"] === "number" && Object.keys(o).length === 1) return o["CF$UID"] as number;
  }
  return undefined;
}

export function isKeyedArchive(v: PlistValue): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date) &&
    (v as Record<string, PlistValue>)["$archiver"] === "NSKeyedArchiver";
}

/**
 * Decodes an NSKeyedArchiver plist into plain values: UIDs resolved, NSDictionary/NSArray/NSSet,
 * NSString, NSData, NSDate and NSURL unwrapped, other objects as dicts of their fields with
 * `$class` naming the class. Cycles are cut (a repeated object becomes the string "<cycle>").
 */
export function unarchive(archive: PlistValue, file?: string, rootKey?: string): unknown {
  if (!isKeyedArchive(archive)) throw new VigilError("not an NSKeyedArchiver plist", { file, code: "plist" });
  const a = archive as Record<string, PlistValue>;
  const objects = a["$objects"];
  const top = a["$top"] as Record<string, PlistValue> | undefined;
  if (!Array.isArray(objects) || !top || typeof top !== "object") {
    throw new VigilError("keyed archive without $objects or $top", { file, code: "plist" });
  }
  const stack = new Set<number>();
  // A collection's members must be an array; a damaged archive can hold anything there.
  const list = (o: Record<string, unknown>, key: string): unknown[] => {
    const v = o[key];
    if (!Array.isArray(v)) throw new VigilError(`keyed archive ${key} is not an array`, { file, code: "plist" });
    return v;
  };
  const MAC_EPOCH = Date.UTC(2001, 0, 1);
  // Every reference is decoded afresh, so objects that each list the next one twice expand
  // exponentially: the values decoded are bounded as bplist-graph.ts bounds a binary plist's.
  const limit = 4 * archiveSlots(objects) + 1_000_000;
  let decoded = 0;

  const decode = (v: unknown): unknown => {
    if (++decoded > limit) {
      throw new VigilError(`malformed keyed archive: its objects are listed so many times over that it would expand to more than ${limit.toLocaleString("en")} values`, { file, code: "plist" });
    }
    const uid = uidOf(v);
    if (uid === undefined) {
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
      const o = obj as Record<string, unknown>;
      const cls = uidOf(o["$class"]) !== undefined ? (objects[uidOf(o["$class"])!] as Record<string, unknown>) : undefined;
      const className = cls && typeof cls === "object" ? String(cls["$classname"] ?? "") : "";
      if ("NS.keys" in o && "NS.objects" in o) {
        const keys = list(o, "NS.keys").map(decode);
        const vals = list(o, "NS.objects").map(decode);
        const out: Record<string, unknown> = {};
        keys.forEach((k, i) => (out[String(k)] = vals[i]));
        return out;
      }
      if ("NS.objects" in o) return list(o, "NS.objects").map(decode);
      if ("NS.string" in o) return decode(o["NS.string"]);
      if ("NS.bytes" in o) return decode(o["NS.bytes"]);
      if ("NS.data" in o) return decode(o["NS.data"]);
      if ("NS.time" in o && typeof o["NS.time"] === "number") return new Date(MAC_EPOCH + (o["NS.time"] as number) * 1000);
      if ("NS.relative" in o) {
        const base = decode(o["NS.base"]);
        const rel = decode(o["NS.relative"]);
        return base ? `${String(base)}${String(rel)}` : rel;
      }
      const out: Record<string, unknown> = {};
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
  try {
    return decode(top[key]);
  } catch (e) {
    if (isStackOverflow(e)) throw new VigilError("keyed archive objects nest too deep", { file, code: "plist" });
    throw e;
  }
}

/** The values of a keyed archive's $objects and of their members, one level down (arrays counted by length). */
function archiveSlots(objects: unknown[]): number {
  let n = objects.length;
  for (const o of objects) {
    if (Array.isArray(o)) n += o.length;
    else if (o !== null && typeof o === "object" && !Buffer.isBuffer(o) && !(o instanceof Date)) {
      for (const v of Object.values(o)) n += Array.isArray(v) ? 1 + v.length : 1;
    }
  }
  return n;
}

/** Parses a buffer and unarchives it when it is a keyed archive; plain plists are returned as they are. */
export function parsePlistDeep(data: Buffer, file?: string): unknown {
  const v = parsePlist(data, file);
  return isKeyedArchive(v) ? unarchive(v, file) : v;
}
