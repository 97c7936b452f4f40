// Loads the exposure table: the bundled data/exposure/exploited.json, or a newer copy that
// `vigil update` wrote. Checks the shape the evaluator relies on, so a damaged file is a clear
// one-line error rather than a wrong answer.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VigilError } from "../../core/errors.ts";
import { DATA_DIR } from "../../core/paths.ts";
import type { ExposureTable } from "./model.ts";

export const BUNDLED_EXPOSURE_TABLE = join(DATA_DIR, "exposure", "exploited.json");

const cache = new Map<string, ExposureTable>();

/** Parses and checks a table's bytes; `file` names it in errors. */
export function parseExposureTable(data: Buffer | string, file: string): ExposureTable {
  let t: ExposureTable;
  try {
    t = JSON.parse(typeof data === "string" ? data : data.toString("utf8")) as ExposureTable;
  } catch (e) {
    throw new VigilError(`not valid JSON (${(e as Error).message})`, { file });
  }
  if (!t || !Array.isArray(t.entries) || typeof t.built !== "string") throw new VigilError("is not an exposure table (no entries or build date)", { file });
  for (const e of t.entries) {
    const ok =
      e && typeof e.id === "string" && Array.isArray(e.fixed) && Array.isArray(e.platforms) && typeof e.known_exploited === "string" && Array.isArray(e.campaigns) && Array.isArray(e.sources);
    if (!ok) throw new VigilError(`entry ${String((e as { id?: unknown })?.id ?? "?")} lacks id, fixed, platforms, known_exploited, campaigns or sources`, { file });
  }
  return t;
}

export function loadExposureTable(file = BUNDLED_EXPOSURE_TABLE): ExposureTable {
  let t = cache.get(file);
  if (!t) {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      throw new VigilError(`cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
    }
    t = parseExposureTable(data, file);
    cache.set(file, t);
  }
  return t;
}
