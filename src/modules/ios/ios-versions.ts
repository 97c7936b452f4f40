// iOS version history: which iOS versions and builds the phone ran, and since when. Read from
// the analytics journals (private/var/db/analyticsd/Analytics-Journal-*.ips, whose first line
// names the OS version of that day) and from the build field of the keychain analytics rows.
// An investigator uses it to tell whether the phone ran a version an exploit chain targeted.
import { createInterface } from "node:readline";
import type { FileEntry } from "../../acquisitions/view.ts";
import { defineModule } from "../contract.ts";
import { fromOffsetDateTime, fromUnixAuto } from "../../core/time.ts";
import { splitOsVersion } from "../../formats/ips.ts";
import { parsePlist } from "../../formats/plist.ts";
import { isDict } from "./lib/plist-values.ts";
import { eachFile } from "../lib/each-file.ts";
import { withSqlite, type SqliteDb } from "../lib/sqlite.ts";

export interface IosVersionRecord {
  /** First time this version/build was seen. */
  isodate: string;
  os_version?: string;
  build?: string;
  /** Where it was seen: "analytics_journal" or "keychain_analytics". */
  source: string;
}

async function firstLine(stream: NodeJS.ReadableStream): Promise<string | undefined> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const l of rl) return l;
  } finally {
    rl.close();
    (stream as unknown as { destroy?: () => void }).destroy?.();
  }
  return undefined;
}

export default defineModule<IosVersionRecord>({
  name: "ios_versions",
  title: "iOS version history (analytics)",
  platform: "ios",
  description:
    "Lists the iOS versions and builds the phone ran and when each first appeared, from the analytics journals and the keychain analytics databases. Nothing is flagged here; the history dates a finding against the iOS versions exploits targeted.",
  reads: {
    fs: ["private/var/db/analyticsd/Analytics-Journal-*.ips", "private/var/Keychains/Analytics/*.db"],
  },
  records(ctx) {
    const first = new Map<string, IosVersionRecord>();
    const note = (r: IosVersionRecord) => {
      const key = `${r.os_version ?? ""}\0${r.build ?? ""}`;
      const had = first.get(key);
      if (!had || r.isodate < had.isodate) first.set(key, r);
    };
    const journal = async (f: FileEntry) => {
      const line = await firstLine(await ctx.view.openStream(f));
      if (!line) return;
      const head = JSON.parse(line) as Record<string, unknown>;
      const at = fromOffsetDateTime(typeof head.timestamp === "string" ? head.timestamp : undefined);
      const os = splitOsVersion(typeof head.os_version === "string" ? head.os_version : undefined);
      if (at && (os.version || os.build)) note({ isodate: at, os_version: os.version, build: os.build, source: "analytics_journal" });
    };
    const keychain = (db: SqliteDb) => {
      for (const table of ["hard_failures", "soft_failures", "all_events"]) {
        if (!db.has(table, "data")) continue;
        for (const [timestamp, data] of db.rows<[number | null, unknown]>(`SELECT timestamp, data FROM "${table}"`)) {
          if (!Buffer.isBuffer(data)) continue;
          let v;
          try {
            v = parsePlist(data);
          } catch {
            continue;
          }
          const b = isDict(v) ? (v as Record<string, unknown>).build : undefined;
          const build = typeof b === "string" ? b : undefined;
          const at = fromUnixAuto(timestamp ?? undefined);
          if (build && at) note({ isodate: at, build, source: "keychain_analytics" });
        }
      }
    };
    // Versions are noted file by file; the records, each version's first sighting, come last.
    return eachFile(
      ctx,
      async (f) => {
        await (f.path.endsWith(".ips") ? journal(f) : withSqlite(ctx, f, keychain));
        return [];
      },
      () => [...first.values()].sort((a, b) => (a.isodate < b.isodate ? -1 : a.isodate > b.isodate ? 1 : 0)),
    );
  },
  events: (r) => [
    { timestamp: r.isodate, event: "ios_version", description: `iOS ${r.os_version ?? "version unknown"}${r.build ? ` (${r.build})` : ""} first seen (${r.source.replace("_", " ")})` },
  ],
});
