import { createInterface } from "node:readline";
import { defineModule } from "../../core/module.js";
import { ShutdownLogParser } from "../../formats/shutdown-log.js";
import { iosRules } from "../../rules/index.js";
import { checkProcessPath, ruleDetections } from "../../rules/process-paths.js";
var shutdown_log_default = defineModule({
  name: "shutdown_log",
  title: "Processes running at shutdown (shutdown.log)",
  platform: "ios",
  description: "Reads shutdown.log, where iOS lists the processes still running while it shuts down. Flags known spyware process names and paths, processes running from writable system locations, and shutdowns held up by unusual lingering processes.",
  reads: {
    fs: ["private/var/db/diagnostics/shutdown.log", "private/var/db/diagnostics/shutdown.*.log"],
    sysdiagnose: ["system_logs.logarchive/Extra/shutdown.log", "system_logs.logarchive/Extra/shutdown.*.log"]
  },
  async *records(ctx) {
    const rules = iosRules();
    const env = { osVersion: ctx.view.device.osVersion };
    const rank = (p) => {
      const m = /shutdown\.(\d+)\.log$/.exec(p);
      return m ? -Number(m[1]) : 1;
    };
    const files = [...ctx.files].sort((a, b) => rank(a.path) - rank(b.path));
    for (const file of files) {
      const done = [];
      const parser = new ShutdownLogParser(file.path, (r) => done.push(r));
      const lines = createInterface({ input: await ctx.view.openStream(file), crlfDelay: Infinity });
      const drain = function* () {
        for (const r of done.splice(0)) {
          if (!r.complete) ctx.warn(`${file.path}: the last shutdown has no SIGTERM line (log cut short); its time is unknown`);
          if (r.isodate) {
            ctx.event({
              timestamp: r.isodate,
              event: "shutdown",
              description: `Device shut down${r.clients.length ? ` (${r.clients.length} process${r.clients.length > 1 ? "es" : ""} lingered, ${r.notices} notice${r.notices === 1 ? "" : "s"})` : ""}`
            });
          }
          const subject = { ...r, clients: r.clients };
          for (const d of ruleDetections(rules, "shutdown_reboot", subject, env, {
            timestamp: r.isodate,
            artifact: file.path,
            record: { isodate: r.isodate, reboot: r.index, notices: r.notices, max_delay: r.max_delay, clients: r.clients.map((c) => c.client) }
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
  events: (r) => r.isodate ? [{ timestamp: r.isodate, event: "shutdown", description: `Client ${r.client} with PID ${r.pid} was running when the device was shut down` }] : [],
  check(r, ctx) {
    const env = { osVersion: ctx.view.device.osVersion };
    return [
      ...checkProcessPath(ctx.iocs, r.client, { where: "was running at shutdown (shutdown.log)", grade: "strong", timestamp: r.isodate, artifact: r.file }),
      ...ruleDetections(iosRules(), "shutdown_client", r, env, { timestamp: r.isodate, artifact: r.file })
    ];
  }
});
export {
  shutdown_log_default as default
};
