// Crash and diagnostic reports (.ips). A report names the process that crashed, its binary
// path and the exception: a known spyware process that crashed was running, and crashes of
// the processes that parse incoming messages are what failed zero-click attempts leave.
import { defineModule } from "../contract.ts";
import { parseIps, type CrashReport } from "../../formats/ips.ts";
import { describeError, VigilError } from "../../core/errors.ts";
import { dedupeMatches, fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { iosRules } from "../../rules/index.ts";
import { checkProcessPath, ruleDetections } from "../../rules/process-paths.ts";
import { msg } from "../../core/i18n/index.ts";

export interface CrashReportRecord extends CrashReport {
  /** The crashed process: procName from the body, else the name in the header. */
  process?: string;
  file: string;
}

export default defineModule<CrashReportRecord>({
  name: "crash_reports",
  title: "Crash reports (.ips)",
  platform: "ios",
  description:
    "Reads crash and diagnostic reports (.ips): process name and path, exception, time and iOS version. Flags known spyware process names and paths, and crashes of the processes that parse incoming messages (BlastDoor, imagent and others), which failed zero-click exploits cause.",
  reads: {
    fs: ["private/var/mobile/Library/Logs/CrashReporter/**/*.ips"],
    sysdiagnose: ["crashes_and_spins/**/*.ips"],
  },
  async *records(ctx) {
    let bad = 0;
    for (const f of ctx.files) {
      // Hidden files are AppleDouble/resource forks copied along by macOS tools.
      if (f.path.split("/").pop()!.startsWith(".")) continue;
      let rep: CrashReport;
      try {
        rep = parseIps(await ctx.view.readFile(f), f.path);
      } catch (e) {
        if (++bad <= 20) ctx.warn(describeError(e));
        continue;
      }
      yield { ...rep, process: rep.proc_name ?? rep.name, file: f.path };
    }
    if (bad > 20) ctx.warn(`${bad - 20} more unreadable crash reports`);
    if (bad > 0 && bad === ctx.files.length) throw new VigilError(`none of the ${bad} crash reports could be read`, { file: ctx.files[0].path, code: "format" });
  },
  events: (r) =>
    r.timestamp
      ? [{ timestamp: r.timestamp, event: "crash_report", description: `${r.process ?? "unknown process"} ${r.bug_type === "309" || r.bug_type === "109" ? "crashed" : `report (bug type ${r.bug_type ?? "?"})`}${r.exception_type ? ` (${r.exception_type})` : ""}` }]
      : [],
  check(r, ctx) {
    const out: DetectionInput[] = [];
    if (r.process) {
      out.push(
        ...fromMatches(dedupeMatches(ctx.iocs.process(r.process)), {
          grade: "strong",
          title: (m) => msg("det.crash_reports.process", { value: m.matched }),
          why: msg("det.crash_reports.process.why"),
          timestamp: r.timestamp,
          artifact: r.file,
        }),
      );
    }
    if (r.proc_path) out.push(...checkProcessPath(ctx.iocs, r.proc_path, { where: msg("det.where.crash_report"), grade: "strong", timestamp: r.timestamp, artifact: r.file }).filter((d) => !out.some((o) => o.matched_indicator?.value === d.matched_indicator?.value)));
    out.push(...ruleDetections(iosRules(), "crash_report", r, { osVersion: r.os_version ?? ctx.view.device.osVersion }, { timestamp: r.timestamp, artifact: r.file }));
    return out;
  },
});
