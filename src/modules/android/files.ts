// androidqf's files.json: the file listing its collector took (path, size, mode, owner, times,
// and hashes when collected). Paths and hashes are checked against indicators; files left in
// /data/local/tmp, where exploit chains and adb-pushed tools drop their payloads, are flagged.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { fromUnixSeconds } from "../../core/time.ts";
import { jsonArrayElements } from "./lib/json-array.ts";
import { msg } from "../../core/i18n/index.ts";

export interface FileRecord {
  path: string;
  size?: number;
  mode?: string;
  user_id?: number;
  group_id?: number;
  context?: string;
  changed_time?: string;
  modified_time?: string;
  access_time?: string;
  sha256?: string;
  sha1?: string;
  md5?: string;
  file: string;
}

export const TMP_FILE_RULE = codeRule("android-file-in-data-local-tmp");
// androidqf pushes its collector binary there itself.
const OWN_TOOLS = /^\/data\/local\/tmp\/(collector(_\w+)?|androidqf[\w.-]*)$/;

function n(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
function s(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

export default defineModule<FileRecord>({
  name: "files",
  title: "File listing",
  platform: "android",
  description:
    "The file listing androidqf collected (files.json): paths and file hashes are checked against indicators, and files under /data/local/tmp are flagged.",
  reads: { androidqf: ["files.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      // Streamed: a listing of every file of the phone can run to hundreds of megabytes.
      for await (const item of jsonArrayElements(await ctx.view.openStream(f), f.path, "a list of files")) {
        const e = item as Record<string, unknown> | null;
        if (typeof e?.path !== "string") continue;
        yield {
          path: e.path,
          size: n(e.size),
          mode: s(e.mode),
          user_id: n(e.user_id),
          group_id: n(e.group_id),
          context: s(e.context),
          changed_time: n(e.changed_time) ? fromUnixSeconds(n(e.changed_time)) : undefined,
          modified_time: n(e.modified_time) ? fromUnixSeconds(n(e.modified_time)) : undefined,
          access_time: n(e.access_time) ? fromUnixSeconds(n(e.access_time)) : undefined,
          sha256: s(e.sha256),
          sha1: s(e.sha1),
          md5: s(e.md5),
          file: f.path,
        };
      }
    }
  },
  events(r) {
    const out = [];
    if (r.modified_time) out.push({ timestamp: r.modified_time, event: "file_modified", description: `File modified: ${r.path}` });
    if (r.changed_time && r.changed_time !== r.modified_time) out.push({ timestamp: r.changed_time, event: "file_changed", description: `File metadata changed: ${r.path}` });
    return out;
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.filePath(r.path), { grade: "strong", title: (m) => msg("det.files.path", { value: m.matched }), artifact: r.file, timestamp: r.modified_time });
    for (const h of [r.sha256, r.sha1, r.md5]) {
      if (h) out.push(...fromMatches(ctx.iocs.hash(h), { grade: "strong", title: () => msg("det.files.hash", { value: r.path }), artifact: r.file, timestamp: r.modified_time }));
    }
    if (r.path.startsWith("/data/local/tmp/") && !OWN_TOOLS.test(r.path) && !r.mode?.startsWith("d")) {
      out.push(
        heuristic({
          rule: TMP_FILE_RULE.id,
          ruleDescription: TMP_FILE_RULE.description,
          grade: "medium",
          title: msg("det.files.tmp", { value: r.path }),
          why: msg("det.files.tmp.why"),
          matched: r.path,
          artifact: r.file,
          timestamp: r.modified_time,
        }),
      );
    }
    return out;
  },
});
