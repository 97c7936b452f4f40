// dumpsys dbinfo: the SQLite databases apps had open and their recent queries.
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { parseDbinfo, type DbinfoOperation } from "../../formats/dumpsys/dbinfo.ts";
import { dumpsysReads, dumpsysService } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

export type DbinfoRecord = DbinfoOperation & { file: string };

export default defineModule<DbinfoRecord>({
  name: "dumpsys_dbinfo",
  title: "Open app databases (dbinfo)",
  platform: "android",
  description: "Databases apps had open and their recent queries (dumpsys dbinfo): database paths are checked against file indicators and process names against app ids.",
  reads: dumpsysReads("dbinfo"),
  async *records(ctx) {
    for (const { file, lines } of await dumpsysService(ctx, "dbinfo")) {
      for (const op of parseDbinfo(lines)) yield { ...op, file };
    }
  },
  events(r) {
    return r.timestamp && r.action ? [{ timestamp: r.timestamp, event: "database_query", description: `${r.process ?? "pid " + r.pid} ${r.action} on ${r.path} (device clock)` }] : [];
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.filePath(r.path), { grade: "strong", title: (m) => msg("det.dbinfo.database", { value: m.matched }), artifact: r.file, timestamp: r.timestamp });
    if (r.process) out.push(...fromMatches(ctx.iocs.appId(r.process.split(":")[0]), { grade: "strong", title: (m) => msg("det.dbinfo.app", { value: m.matched }), artifact: r.file, timestamp: r.timestamp }));
    return out;
  },
});
