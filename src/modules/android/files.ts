// androidqf's files.json: the file listing its collector took (path, size, mode, owner, times,
// and hashes when collected). Paths and hashes are checked against indicators; files left in
// /data/local/tmp, where exploit chains and adb-pushed tools drop their payloads, and folders of
// forensic extraction agents are flagged. A change of the trusted adb keys is a timeline event.
import { defineModule } from "../contract.ts";
import { codeRule, fromMatches, heuristic } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { fromUnixSeconds } from "../../core/time.ts";
import { jsonArrayElements } from "./lib/json-array.ts";
import { msg } from "../../core/i18n/index.ts";
import { androidPattern } from "../../rules/index.ts";
import { forensicToolPackages } from "./lib/common.ts";

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

export const FORENSIC_FILES_RULE = codeRule("android-forensic-tool-files");
// Where an app's files live, in a folder named after it: data, app (".../<pkg>-<suffix>") and
// external-storage folders.
const APP_DIRS = [
  /^\/data\/data\/([^/]+)/,
  /^\/data\/user(?:_de)?\/\d+\/([^/]+)/,
  /^\/data\/app\/(?:~~[^/]+\/)?([^/]+)/,
  /^\/(?:sdcard|storage\/emulated\/\d+|data\/media\/\d+)\/Android\/(?:data|obb|media)\/([^/]+)/,
];

/** The forensic tool whose agent package owns the app folder of this path, if any. */
function forensicPackageIn(path: string): [string, string] | undefined {
  for (const re of APP_DIRS) {
    const dir = re.exec(path)?.[1];
    if (!dir) continue;
    const name = dir.split("-")[0];
    const tool = forensicToolPackages().get(name);
    return tool ? [name, tool] : undefined;
  }
  return undefined;
}
/** Trusted adb keys: the file changes when a computer is authorised ("always allow"). */
const ADB_KEYS = new Set(["/data/misc/adb/adb_keys", "/data/misc/adb/adb_temp_keys.xml"]);
const flaggedTools = new WeakMap<object, Set<string>>();

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
    "The file listing androidqf collected (files.json): paths and file hashes are checked against indicators; files under /data/local/tmp and folders of forensic extraction agents are flagged.",
  reads: { androidqf: ["files.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      // Entries without a path cannot be checked: counted, so the listing is not called clean.
      let unreadable = 0;
      // Streamed: a listing of every file of the phone can run to hundreds of megabytes.
      for await (const item of jsonArrayElements(await ctx.view.openStream(f), f.path, "a list of files")) {
        const e = item as Record<string, unknown> | null;
        if (typeof e?.path !== "string") {
          unreadable++;
          continue;
        }
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
      if (unreadable) ctx.skip(`${f.path}: ${unreadable} entr${unreadable === 1 ? "y" : "ies"} without a path`, unreadable);
    }
  },
  events(r) {
    const out = [];
    if (ADB_KEYS.has(r.path) && r.modified_time) {
      out.push({ timestamp: r.modified_time, event: "adb_keys_modified", description: `Trusted adb keys changed (${r.path}): a computer was last authorised for USB debugging then` });
      return out;
    }
    if (r.modified_time) out.push({ timestamp: r.modified_time, event: "file_modified", description: `File modified: ${r.path}` });
    if (r.changed_time && r.changed_time !== r.modified_time) out.push({ timestamp: r.changed_time, event: "file_changed", description: `File metadata changed: ${r.path}` });
    return out;
  },
  check(r, ctx) {
    const out: DetectionInput[] = fromMatches(ctx.iocs.filePath(r.path), { grade: "strong", title: (m) => msg("det.files.path", { value: m.matched }), artifact: r.file, timestamp: r.modified_time });
    for (const h of [r.sha256, r.sha1, r.md5]) {
      if (h) out.push(...fromMatches(ctx.iocs.hash(h), { grade: "strong", title: () => msg("det.files.hash", { value: r.path }), artifact: r.file, timestamp: r.modified_time }));
    }
    const [pkg, tool] = forensicPackageIn(r.path) ?? [];
    if (pkg && tool) {
      const seen = flaggedTools.get(ctx) ?? new Set<string>();
      flaggedTools.set(ctx, seen);
      if (!seen.has(pkg)) {
        seen.add(pkg);
        out.push(
          heuristic({
            rule: FORENSIC_FILES_RULE.id,
            ruleDescription: FORENSIC_FILES_RULE.description,
            grade: "medium",
            title: msg("det.files.forensic_tool", { pkg, tool, path: r.path }),
            why: msg("det.files.forensic_tool.why"),
            matched: r.path,
            artifact: r.file,
            timestamp: r.modified_time,
          }),
        );
      }
    }
    if (r.path.startsWith("/data/local/tmp/") && !androidPattern("data_local_tmp_own_files").test(r.path) && !r.mode?.startsWith("d")) {
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
