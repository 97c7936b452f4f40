// Refreshing the iOS release table (data/ios-releases.json) from Apple's software lookup
// service (https://gdmf.apple.com/v2/pmv, the JSON Apple documents for device management):
// it lists the iOS versions Apple currently offers, each with its posting date. New versions are
// added to the table; versions already there keep their dates.
import { VigilError } from "../core/errors.ts";

export const APPLE_PMV_URL = "https://gdmf.apple.com/v2/pmv";

export interface IosReleaseTable {
  about?: string;
  updated: string;
  complete_through: string;
  note?: string;
  releases: { version: string; date: string }[];
}

interface PmvAsset {
  ProductVersion?: unknown;
  PostingDate?: unknown;
}

const VERSION_RE = /^\d+(\.\d+){1,2}$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** iOS versions and posting dates in a software lookup service answer. */
export function parseApplePmv(data: Buffer | string, file: string): { version: string; date: string }[] {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(typeof data === "string" ? data : data.toString("utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new VigilError(`not valid JSON (${(e as Error).message})`, { file });
  }
  const out = new Map<string, string>();
  let sets = 0;
  for (const key of ["PublicAssetSets", "AssetSets"]) {
    const ios = (doc?.[key] as Record<string, unknown> | undefined)?.iOS;
    if (!Array.isArray(ios)) continue;
    sets++;
    for (const a of ios as PmvAsset[]) {
      const v = typeof a?.ProductVersion === "string" ? a.ProductVersion.trim() : "";
      const d = typeof a?.PostingDate === "string" ? a.PostingDate.trim().slice(0, 10) : "";
      if (!VERSION_RE.test(v) || !DAY_RE.test(d)) continue;
      const prev = out.get(v);
      if (!prev || d < prev) out.set(v, d);
    }
  }
  if (sets === 0) throw new VigilError("is not an Apple software lookup answer (no PublicAssetSets.iOS or AssetSets.iOS list)", { file });
  if (out.size === 0) throw new VigilError("lists no iOS version with a posting date", { file });
  return [...out].map(([version, date]) => ({ version, date })).sort((a, b) => cmp(a.version, b.version));
}

const cmp = (a: string, b: string): number => {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

/**
 * Adds the listed versions the table lacks. Apple lists the newest releases it offers, so after a
 * merge the table is complete at the top as of the fetch day: `complete_through` moves there
 * (releases between the old table and the listed ones may still be missing, which only matters
 * for versions no longer offered).
 */
export function mergeIosReleases(table: IosReleaseTable, listed: { version: string; date: string }[], fetched: string): { table: IosReleaseTable; added: string[] } {
  const have = new Set(table.releases.map((r) => r.version));
  const added = listed.filter((r) => !have.has(r.version));
  const releases = [...table.releases, ...added].sort((a, b) => cmp(a.version, b.version));
  const day = fetched.slice(0, 10);
  return {
    table: {
      ...table,
      updated: day,
      complete_through: day > table.complete_through ? day : table.complete_through,
      note: `Updated ${day} from Apple's software lookup service (${APPLE_PMV_URL}), which lists the releases Apple currently offers; older releases come from the bundled table.`,
      releases,
    },
    added: added.map((r) => r.version).sort(cmp),
  };
}
