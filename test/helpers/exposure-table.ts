// Exposure tables built in code for the tests: an entry with every required field (a CVE-like id,
// an iOS product, a curated "look here"), overridden per test, and a table around entries.
import type { ExposureEntry, ExposureTable } from "../../src/rules/exposure/model.ts";

export function exposureEntry(id: string, e: Partial<ExposureEntry>, knownExploited = "2023-06-21"): ExposureEntry {
  return {
    id,
    cve: id,
    title: `flaw ${id}`,
    product: "iOS/iPadOS",
    platforms: ["ios"],
    fixed: [],
    known_exploited: knownExploited,
    known_exploited_source: "CISA KEV, date added (catalog test)",
    campaigns: [],
    look_for: "look here",
    look_for_kind: "curated",
    sources: [`https://example.org/${id}`],
    curated: [],
    ...e,
  };
}

export function exposureTable(entries: ExposureEntry[]): ExposureTable {
  return { about: "test", built: "2026-01-01", kev: null, curated: { file: "test", sha256: "" }, entries };
}
