// Plist values made safe for JSON output and for the report: binary blobs as base64 (as MVT
// writes them), dates as ISO strings, 64-bit integers as numbers when they fit.
import { trimEndOf } from "../../../core/trim.ts";
import type { FileEntry } from "../../../acquisitions/view.ts";
import { VigilError } from "../../../core/errors.ts";
import { fromDate } from "../../../core/time.ts";
import { parsePlist, type PlistValue } from "../../../formats/plist.ts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export function plistToJson(v: PlistValue | unknown, depth = 0): JsonValue {
  if (v === null || v === undefined) return null;
  if (depth > 64) return "<too deep>";
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (v instanceof Date) return fromDate(v) ?? null;
  if (Array.isArray(v)) return v.map((x) => plistToJson(x, depth + 1));
  if (typeof v === "object") {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = plistToJson(x, depth + 1);
    return out;
  }
  return String(v);
}

export function isDict(v: unknown): v is Record<string, PlistValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** The value as a dictionary, or undefined: narrows plist values where isDict's guard cannot (UID objects). */
export function asDict(v: unknown): Record<string, PlistValue> | undefined {
  return isDict(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** The last path component: iOS stores some process names as "UUID/bundle.id" or full paths. */
export function baseName(p: string): string {
  const t = trimEndOf(p, "/");
  const i = t.lastIndexOf("/");
  return i >= 0 ? t.slice(i + 1) : t;
}

/** Reads a plist artifact whose top level must be a dictionary; a one-line VigilError otherwise. */
export async function readPlistDict(
  view: { readFile(e: FileEntry): Promise<Buffer> },
  file: FileEntry,
): Promise<Record<string, PlistValue>> {
  const v = parsePlist(await view.readFile(file), file.path);
  if (!isDict(v)) throw new VigilError(`unexpected plist: the top level is ${describe(v)}, not a dictionary`, { file: file.path, code: "schema" });
  return v;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (v === null) return "empty";
  if (Buffer.isBuffer(v)) return "data";
  if (v instanceof Date) return "a date";
  return `a ${typeof v}`;
}
