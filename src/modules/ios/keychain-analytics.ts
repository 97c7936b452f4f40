// Keychain analytics databases (private/var/Keychains/Analytics/*.db): securityd's records of
// keychain and trust failures, each a plist of fields that often name the calling process and
// the host a TLS check was about. A known spyware process or domain there was active on the phone.
import { describeError, VigilError } from "../../core/errors.ts";
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { fromUnixAuto } from "../../core/time.ts";
import { parsePlist } from "../../formats/plist.ts";
import { uniqueMatches } from "../../rules/process-paths.ts";
import { isDict, plistToJson, type JsonValue } from "./lib/plist-values.ts";
import { msg } from "../../core/i18n/index.ts";
import { databaseError } from "./lib/web.ts";

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

export default defineModule<KeychainAnalyticsRecord>({
  name: "keychain_analytics",
  title: "Keychain analytics (securityd failure records)",
  platform: "ios",
  description:
    "Reads the keychain analytics databases (private/var/Keychains/Analytics/*.db), whose rows are plists naming processes and hosts. Flags string values that are known spyware process names or domains.",
  reads: {
    fs: ["private/var/Keychains/Analytics/*.db"],
  },
  async *records(ctx) {
    let failed = 0;
    for (const f of ctx.files) {
      let h;
      try {
        h = await ctx.view.openSqlite(f);
      } catch (e) {
        failed++;
        ctx.warn(describeError(e));
        continue;
      }
      try {
        const present = TABLES.filter((t) => h.tables().has(t) && h.columns(t).has("timestamp") && h.columns(t).has("data"));
        if (present.length === 0) {
          ctx.warn(new VigilError("unexpected schema: none of hard_failures, soft_failures, all_events with timestamp and data", { file: f.path, code: "schema" }).oneLine());
          continue;
        }
        const artifact = f.path.slice(f.path.lastIndexOf("/") + 1);
        for (const table of present) {
          const stmt = h.db.prepare(`SELECT timestamp, data FROM "${table}"`);
          for (const row of stmt.iterate() as Iterable<{ timestamp: number | null; data: Buffer | null }>) {
            const rec: KeychainAnalyticsRecord = { isodate: fromUnixAuto(row.timestamp ?? undefined), artifact, table, file: f.path };
            if (row.data && Buffer.isBuffer(row.data) && row.data.length) {
              try {
                const v = parsePlist(row.data, f.path);
                if (isDict(v)) {
                  for (const [k, x] of Object.entries(v)) rec[RESERVED.has(k) ? `data_${k}` : k] = plistToJson(x);
                } else rec.data = plistToJson(v);
              } catch {
                rec.data_undecoded = row.data.toString("base64");
              }
            }
            yield rec;
          }
        }
      } catch (e) {
        throw databaseError(e, f.path);
      } finally {
        h.close();
      }
    }
    if (failed > 0 && failed === ctx.files.length) throw new VigilError(`none of the ${failed} analytics databases could be opened`, { file: ctx.files[0].path, code: "sqlite" });
  },
  events: (r) => (r.isodate ? [{ timestamp: r.isodate, event: `keychain_${r.table}`, description: `Keychain analytics ${r.table.replace("_", " ")} in ${r.artifact}${typeof r.process === "string" ? ` by ${r.process}` : ""}` }] : []),
  check(r, ctx) {
    const out: DetectionInput[] = [];
    for (const [key, value] of strings(r as unknown as JsonValue, "")) {
      if (RESERVED.has(key) || value.length > 512) continue;
      out.push(
        ...fromMatches(uniqueMatches(ctx.iocs.process(value)), {
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
          ...fromMatches(uniqueMatches(doms), {
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
