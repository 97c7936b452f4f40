// shutdown.log: which processes were still running each time the phone shut down. Spyware
// that lives in memory shows up here (Kaspersky's iShutdown research), and the file survives
// reboots. In a full-filesystem dump it is private/var/db/diagnostics/shutdown.log; in a
// sysdiagnose it is under system_logs.logarchive/Extra/, rotated as shutdown.N.log on newer iOS.
import { createInterface } from "node:readline";
import { defineModule } from "../contract.ts";
import { ShutdownLogParser, type ShutdownReboot } from "../../formats/shutdown-log.ts";
import { iosRules } from "../../rules/index.ts";
import { checkProcessPath, ruleDetections } from "../../rules/process-paths.ts";
import { msg } from "../../core/i18n/index.ts";

export interface ShutdownLogRecord {
  /** Time of the shutdown's SIGTERM line (absent for a last shutdown cut short). */
  isodate?: string;
  pid: number;
  /** Binary path, without the UUID component iOS 26 appends. */
  client: string;
  uuid?: string;
  /** Seconds into the shutdown of the last notice that still listed this process. */
  delay: number;
  /** Notices that listed this process. */
  times_delayed: number;
  /** Which shutdown of the file (1 = oldest). */
  reboot: number;
  file: string;
}

export default defineModule<ShutdownLogRecord>({
  name: "shutdown_log",
  title: "Processes running at shutdown (shutdown.log)",
  platform: "ios",
  description:
    "Reads shutdown.log, where iOS lists the processes still running while it shuts down. Flags known spyware process names and paths, processes running from writable system locations, and shutdowns held up by unusual lingering processes.",
  reads: {
    fs: ["private/var/db/diagnostics/shutdown.log", "private/var/db/diagnostics/shutdown.*.log"],
    sysdiagnose: ["system_logs.logarchive/Extra/shutdown.log", "system_logs.logarchive/Extra/shutdown.*.log"],
  },
  async *records(ctx) {
    const rules = iosRules();
    const env = { osVersion: ctx.view.device.osVersion };
    // Rotated files: the highest number is the oldest, the unnumbered file the newest.
    const rank = (p: string) => {
      const m = /shutdown\.(\d+)\.log$/.exec(p);
      return m ? -Number(m[1]) : 1;
    };
    const files = [...ctx.files].sort((a, b) => rank(a.path) - rank(b.path));
    for (const file of files) {
      const done: ShutdownReboot[] = [];
      const parser = new ShutdownLogParser(file.path, (r) => done.push(r));
      const lines = createInterface({ input: await ctx.view.openStream(file), crlfDelay: Infinity });
      const drain = function* (): Generator<ShutdownLogRecord> {
        for (const r of done.splice(0)) {
          if (!r.complete) ctx.warn(`${file.path}: the last shutdown has no SIGTERM line (log cut short); its time is unknown`);
          if (r.isodate) {
            ctx.event({
              timestamp: r.isodate,
              event: "shutdown",
              description: `Device shut down${r.clients.length ? ` (${r.clients.length} process${r.clients.length > 1 ? "es" : ""} lingered, ${r.notices} notice${r.notices === 1 ? "" : "s"})` : ""}`,
            });
          }
          const subject = { ...r, clients: r.clients };
          for (const d of ruleDetections(rules, "shutdown_reboot", subject, env, {
            timestamp: r.isodate,
            artifact: file.path,
            record: { isodate: r.isodate, reboot: r.index, notices: r.notices, max_delay: r.max_delay, clients: r.clients.map((c) => c.client) },
          })) {
            ctx.detect(d);
          }
          for (const c of r.clients) {
            yield { isodate: r.isodate, pid: c.pid, client: c.client, uuid: c.uuid, delay: c.delay, times_delayed: c.times_delayed, reboot: r.index, file: file.path };
          }
        }
      };
      for await (const line of lines) {
        parser.line(line);
        if (done.length) yield* drain();
      }
      parser.end();
      yield* drain();
    }
  },
  events: (r) =>
    r.isodate
      ? [{ timestamp: r.isodate, event: "shutdown", description: `Client ${r.client} with PID ${r.pid} was running when the device was shut down` }]
      : [],
  check(r, ctx) {
    const env = { osVersion: ctx.view.device.osVersion };
    return [
      ...checkProcessPath(ctx.iocs, r.client, { where: msg("det.where.shutdown_log"), grade: "strong", timestamp: r.isodate, artifact: r.file }),
      ...ruleDetections(iosRules(), "shutdown_client", r, env, { timestamp: r.isodate, artifact: r.file }),
    ];
  },
});
