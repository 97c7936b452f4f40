// Process listings a sysdiagnose takes when it starts (ps.txt, ps_thread.txt): every process
// running at that moment, with its full command line. A known spyware process, or a binary
// running from a writable system location, is flagged.
import { createInterface } from "node:readline";
import { VigilError } from "../../core/errors.ts";
import { defineModule } from "../contract.ts";
import { iosRules } from "../../rules/index.ts";
import { checkProcessPath, ruleDetections } from "../../rules/process-paths.ts";
import { dedupeMatches, fromMatches } from "../../core/detection.ts";
import { msg } from "../../core/i18n/index.ts";

export interface ProcessRecord {
  user?: string;
  uid?: number;
  pid?: number;
  ppid?: number;
  started?: string;
  /** The full command line as ps printed it. */
  command: string;
  /** Binary path: the command up to its first " -argument", when it is a path. */
  path?: string;
  process_name: string;
  file: string;
}

/** Splits a ps COMMAND into binary path and process name. */
export function commandPath(command: string): { path?: string; name: string } {
  const c = command.trim();
  if (c.startsWith("/")) {
    // Paths may hold spaces (app bundles); arguments start with " -" or " /" far more often.
    const cut = c.search(/ -{1,2}[A-Za-z]/);
    const path = (cut > 0 ? c.slice(0, cut) : c).trim();
    return { path, name: path.slice(path.lastIndexOf("/") + 1) };
  }
  const first = c.split(/\s+/)[0] ?? c;
  return { name: first.replace(/:$/, "") };
}

const INT = /^-?\d+$/;

/** Parses a ps listing line by line; `header` columns come from the first line. */
export class PsParser {
  private cols: string[] | undefined;
  private cmdIndex = -1;
  constructor(private readonly file: string) {}

  line(raw: string): Omit<ProcessRecord, "file"> | undefined {
    // trimEnd, not /\s+$/: that expression is quadratic on a long run of spaces inside the line.
    const text = raw.trimEnd();
    if (!text.trim()) return undefined;
    if (!this.cols) {
      const cols = text.trim().split(/\s+/);
      const ci = cols.findIndex((c) => c === "COMMAND" || c === "CMD" || c === "COMM");
      if (ci < 0 || !cols.includes("PID")) throw new VigilError("not a ps listing (no header with PID and COMMAND)", { file: this.file, code: "format" });
      this.cols = cols;
      this.cmdIndex = ci;
      return undefined;
    }
    const cols = this.cols;
    const parts = text.trim().split(/\s+/);
    // Thread lines of `ps -M` lack the command column: skip them.
    if (parts.length <= this.cmdIndex) return undefined;
    const command = parts.slice(this.cmdIndex).join(" ");
    // Keep the command's own spacing: cut the raw line after the fields before it.
    let pos = 0;
    const t = text.trimStart();
    for (let i = 0; i < this.cmdIndex; i++) {
      pos = t.indexOf(parts[i], pos) + parts[i].length;
    }
    const rawCommand = t.slice(pos).trim() || command;
    const get = (name: string) => {
      const i = cols.indexOf(name);
      return i >= 0 && i < this.cmdIndex ? parts[i] : undefined;
    };
    const num = (name: string) => {
      const v = get(name);
      return v !== undefined && INT.test(v) ? Number(v) : undefined;
    };
    const pid = num("PID");
    if (pid === undefined) return undefined;
    const { path, name } = commandPath(rawCommand);
    return { user: get("USER"), uid: num("UID"), pid, ppid: num("PPID"), started: get("STARTED"), command: rawCommand, path, process_name: name };
  }
}

export default defineModule<ProcessRecord>({
  name: "sysdiagnose_processes",
  title: "Running processes (sysdiagnose ps)",
  platform: "ios",
  description:
    "Reads the process listings a sysdiagnose records (ps.txt, ps_thread.txt). Flags known spyware process names and paths, and binaries running from writable system locations such as /private/var/db/ or /private/var/tmp/.",
  reads: {
    sysdiagnose: ["ps.txt", "ps_thread.txt"],
  },
  async *records(ctx) {
    const seen = new Set<string>();
    const files = [...ctx.files].sort((a, b) => (a.path === "ps.txt" ? -1 : b.path === "ps.txt" ? 1 : 0));
    for (const f of files) {
      const p = new PsParser(f.path);
      const lines = createInterface({ input: await ctx.view.openStream(f), crlfDelay: Infinity });
      for await (const line of lines) {
        const r = p.line(line);
        if (!r) continue;
        // ps_thread.txt repeats the processes of ps.txt.
        const key = `${r.pid}\0${r.command}`;
        if (seen.has(key)) continue;
        seen.add(key);
        yield { ...r, file: f.path };
      }
    }
  },
  check(r, ctx) {
    const out = fromMatches(dedupeMatches(ctx.iocs.process(r.process_name)), {
      grade: "strong",
      title: (m) => msg("det.sysdiagnose_processes.running", { value: m.matched }),
      why: msg("det.sysdiagnose_processes.running.why"),
      artifact: r.file,
    });
    if (r.path) {
      for (const d of checkProcessPath(ctx.iocs, r.path, { where: msg("det.where.ps"), grade: "strong", artifact: r.file })) {
        if (!out.some((o) => o.matched_indicator?.value === d.matched_indicator?.value)) out.push(d);
      }
    }
    out.push(...ruleDetections(iosRules(), "process", r, { osVersion: ctx.view.device.osVersion }, { artifact: r.file }));
    return out;
  },
});
