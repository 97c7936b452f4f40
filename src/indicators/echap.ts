// Echap's stalkerware-indicators `ioc.yaml`: a list of apps, each with its names, Android
// package names, signing certificate fingerprints, websites, distribution sites and C2.
import type { IndicatorKind } from "../core/model.ts";
import { resolveKind, type ListKind } from "./lists.ts";
import { normalizeIndicator, refang } from "./normalize.ts";
import { makeSet, type FileMeta } from "./set.ts";
import type { Indicator, LoadedSet, LoadProblem } from "./types.ts";

/** Keys of an entry that hold no indicator Vigil can match; listed once per file as skipped. */
const DESCRIPTIVE = new Set(["name", "names", "type", "comment", "comments", "description", "references", "tags"]);

/** True when the parsed YAML looks like Echap's format (a list of entries with packages/websites/c2). */
export function isEchapDoc(doc: unknown): doc is unknown[] {
  return (
    Array.isArray(doc) &&
    doc.length > 0 &&
    doc.some((e) => e && typeof e === "object" && "name" in e && ("packages" in e || "websites" in e || "c2" in e || "certificates" in e))
  );
}

/**
 * A value that is not a string, for a one-line problem: scalars as written, mappings and lists by
 * their kind only (YAML aliases can make them cyclic, and they can be large).
 */
function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v && typeof v === "object") return "a mapping";
  return typeof v === "string" ? JSON.stringify(v.slice(0, 120)) : String(v);
}

export function loadEchap(doc: unknown[], meta: FileMeta): { sets: LoadedSet[]; problems: LoadProblem[] } {
  const problems: LoadProblem[] = [];
  const sets: LoadedSet[] = [];
  const unread = new Map<string, number>();
  doc.forEach((entry, idx) => {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push({ file: meta.source, id: `entry ${idx + 1}`, reason: "entry is not a mapping", level: "error" });
      return;
    }
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === "string" && e.name.trim() ? e.name.trim() : `${meta.defaultName} entry ${idx + 1}`;
    const where = `entry ${idx + 1} (${name})`;
    const indicators: Indicator[] = [];
    const take = (field: string, values: unknown, kind: ListKind) => {
      if (values === undefined || values === null) return;
      const list = Array.isArray(values) ? values : [values];
      for (const v of list) {
        if (typeof v !== "string" || v.trim() === "") {
          problems.push({ file: meta.source, id: where, reason: `${field}: ${describe(v)} is not a string`, level: "error" });
          continue;
        }
        const value = refang(v.trim());
        const k: IndicatorKind | null = resolveKind(kind, value);
        const key = k === null ? null : normalizeIndicator(k, value);
        if (key === null) {
          problems.push({ file: meta.source, id: where, reason: `${field}: ${JSON.stringify(v.slice(0, 120))} is not a valid ${kind}`, level: "error" });
          continue;
        }
        indicators.push({ type: k!, value, key });
      }
    };
    for (const [key, val] of Object.entries(e)) {
      switch (key) {
        case "packages":
          take(key, val, "app_id");
          break;
        case "certificates":
          take(key, val, "app_cert_hash");
          break;
        case "websites":
        case "distribution":
          // Sites are written as host names, sometimes as IP addresses or full URLs.
          take(key, val, "domain");
          break;
        case "c2": {
          if (!val || typeof val !== "object" || Array.isArray(val)) {
            take(key, val, "domain");
            break;
          }
          for (const [ck, cv] of Object.entries(val as Record<string, unknown>)) {
            if (ck === "ips" || ck === "ip") take(`c2.${ck}`, cv, "ip");
            else if (ck === "domains" || ck === "domain") take(`c2.${ck}`, cv, "domain");
            else unread.set(`c2.${ck}`, (unread.get(`c2.${ck}`) ?? 0) + 1);
          }
          break;
        }
        default:
          if (!DESCRIPTIVE.has(key)) unread.set(key, (unread.get(key) ?? 0) + 1);
      }
    }
    if (indicators.length) sets.push(makeSet(name, meta, indicators));
  });
  for (const [key, n] of unread) {
    problems.push({ file: meta.source, reason: `${JSON.stringify(key.slice(0, 120))} (${n} ${n === 1 ? "entry" : "entries"}) is not an indicator kind Vigil matches`, level: "skipped" });
  }
  return { sets, problems };
}
