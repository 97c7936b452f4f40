// Keychain analytics databases (private/var/Keychains/Analytics/*.db): securityd's records of
// keychain and trust failures, each a plist of fields that often name the calling process and
// the host a TLS check was about. A known spyware process or domain there was active on the phone.
import { VigilError } from "../../core/errors.ts";
import { defineSqliteModule } from "../lib/sqlite.ts";
import { dedupeMatches, fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { fromUnixAuto } from "../../core/time.ts";
import { parsePlist } from "../../formats/plist.ts";
import { isDict, plistToJson, type JsonValue } from "./lib/plist-values.ts";
import { msg } from "../../core/i18n/index.ts";

export interface KeychainAnalyticsRecord {
  isodate?: string;
  /** Database file name, as MVT writes it. */
  artifact: string;
  table: string;
  file: string;
  [field: string]: JsonValue | undefined;
}

const TABLES = ["hard_failures", "soft_failures", "all_events"];
const RESERVED = new Set(["isodate", "artifact", "table", "file"]);

/** Every string value in a record, with the key it came from (nested values included). */
function* strings(v: JsonValue | undefined, key: string, depth = 0): Generator<[string, string]> {
  if (depth > 8 || v === null || v === undefined) return;
  if (typeof v === "string") yield [key, v];
  else if (Array.isArray(v)) for (const x of v) yield* strings(x, key, depth + 1);
  else if (typeof v === "object") for (const [k, x] of Object.entries(v)) yield* strings(x, k, depth + 1);
}

export default defineSqliteModule<KeychainAnalyticsRecord>({
  name: "keychain_analytics",
  title: "Keychain analytics (securityd failure records)",
  platform: "ios",
  description:
    "Reads the keychain analytics databases (private/var/Keychains/Analytics/*.db), whose rows are plists naming processes and hosts. Flags string values that are known spyware process names or domains.",
  reads: {
    fs: ["private/var/Keychains/Analytics/*.db"],
  },
  *rows(db) {
    const present = TABLES.filter((t) => db.has(t, "timestamp", "data"));
    if (present.length === 0) throw new VigilError("unexpected schema: none of hard_failures, soft_failures, all_events with timestamp and data", { file: db.path, code: "schema" });
    const artifact = db.path.slice(db.path.lastIndexOf("/") + 1);
    for (const table of present) {
      for (const [timestamp, data] of db.rows<[number | null, unknown]>(`SELECT timestamp, data FROM "${table}"`)) {
        const rec: KeychainAnalyticsRecord = { isodate: fromUnixAuto(timestamp ?? undefined), artifact, table, file: db.path };
        if (Buffer.isBuffer(data) && data.length) {
          try {
            const v = parsePlist(data, db.path);
            if (isDict(v)) {
              for (const [k, x] of Object.entries(v)) rec[RESERVED.has(k) ? `data_${k}` : k] = plistToJson(x);
            } else rec.data = plistToJson(v);
          } catch {
            rec.data_undecoded = data.toString("base64");
          }
        }
        yield rec;
      }
    }
  },
  events: (r) => (r.isodate ? [{ timestamp: r.isodate, event: `keychain_${r.table}`, description: `Keychain analytics ${r.table.replace("_", " ")} in ${r.artifact}${typeof r.process === "string" ? ` by ${r.process}` : ""}` }] : []),
  check(r, ctx) {
    const out: DetectionInput[] = [];
    for (const [key, value] of strings(r as unknown as JsonValue, "")) {
      if (RESERVED.has(key) || value.length > 512) continue;
      out.push(
        ...fromMatches(dedupeMatches(ctx.iocs.process(value)), {
          grade: "strong",
          title: (m) => msg("det.keychain_analytics.process", { value: m.matched, artifact: r.artifact }),
          why: msg("det.keychain_analytics.process.why"),
          timestamp: r.isodate,
          artifact: r.file,
        }),
      );
      const doms = ctx.iocs.domain(value);
      if (doms.length) {
        out.push(
          ...fromMatches(dedupeMatches(doms), {
            grade: "medium",
            title: (m) => msg("det.keychain_analytics.domain", { value: m.matched, artifact: r.artifact }),
            why: msg("det.keychain_analytics.domain.why"),
            timestamp: r.isodate,
            artifact: r.file,
          }),
        );
      }
    }
    return out;
  },
});
