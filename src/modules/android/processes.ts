// Running processes as androidqf lists them: ps.txt / processes.txt (toybox "ps -A" columns
// USER PID PPID VSZ RSS WCHAN ADDR S NAME) or processes.json (newer collectors).
import { defineModule, fromMatches } from "../../core/module.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { readText } from "./lib/common.ts";

export interface ProcessRecord {
  user?: string;
  pid: number;
  ppid?: number;
  vsz?: number;
  rss?: number;
  wchan?: string;
  addr?: string;
  state?: string;
  proc_name: string;
  label?: string;
  file: string;
}

export function parsePs(text: string, file: string): { processes: ProcessRecord[]; skipped: number } {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const headerAt = lines.findIndex((l) => /^\s*USER\s+PID\s+PPID\b/.test(l));
  if (headerAt < 0) throw new VigilError('not a ps output (no "USER PID PPID ..." header)', { file });
  const cols = lines[headerAt].trim().split(/\s+/);
  const nameCol = cols.indexOf("NAME") >= 0 ? cols.indexOf("NAME") : cols.indexOf("CMD");
  const out: ProcessRecord[] = [];
  let skipped = 0;
  for (const line of lines.slice(headerAt + 1)) {
    if (!line.trim()) continue;
    const parts = line.trim().split(/\s+/);
    const pid = Number(parts[cols.indexOf("PID")]);
    if (parts.length < cols.length || !Number.isInteger(pid)) {
      skipped++;
      continue;
    }
    // The name is the last column and may contain spaces.
    const at = nameCol >= 0 ? nameCol : cols.length - 1;
    const get = (c: string) => (cols.indexOf(c) >= 0 ? parts[cols.indexOf(c)] : undefined);
    out.push({
      user: get("USER"),
      pid,
      ppid: Number(get("PPID")),
      vsz: get("VSZ") !== undefined ? Number(get("VSZ")) : undefined,
      rss: get("RSS") !== undefined ? Number(get("RSS")) : undefined,
      wchan: get("WCHAN"),
      addr: get("ADDR"),
      state: get("S"),
      proc_name: parts.slice(at).join(" "),
      file,
    });
  }
  return { processes: out, skipped };
}

/** Names worth checking for a ps entry: "[kworker/0:0]" → "kworker/0:0"; "/system/bin/x" → also "x". */
export function namesOf(procName: string): string[] {
  let n = procName.trim();
  if (n.startsWith("[") && n.endsWith("]")) n = n.slice(1, -1);
  const first = n.split(" ")[0];
  const names = [first];
  const slash = first.lastIndexOf("/");
  if (first.startsWith("/") && slash >= 0 && slash < first.length - 1) names.push(first.slice(slash + 1));
  return names;
}

export default defineModule<ProcessRecord>({
  name: "processes",
  title: "Running processes",
  platform: "android",
  description: "The process list androidqf took (ps): process names are checked against process indicators.",
  reads: { androidqf: ["ps.txt", "processes.txt", "processes.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      const text = await readText(ctx, f);
      if (f.path.endsWith(".json")) {
        let list: unknown;
        try {
          list = JSON.parse(text);
        } catch {
          throw new VigilError("not valid JSON (expected a list of processes; truncated?)", { file: f.path });
        }
        if (!Array.isArray(list)) throw new VigilError("not a list of processes", { file: f.path });
        for (const p of list as Record<string, unknown>[]) {
          const name = p?.name ?? p?.proc_name ?? p?.cmdline;
          if (typeof name !== "string" || typeof p.pid !== "number") continue;
          yield { user: typeof p.user === "string" ? p.user : undefined, pid: p.pid, ppid: typeof p.ppid === "number" ? p.ppid : undefined, proc_name: name, label: typeof p.label === "string" ? p.label : typeof p.context === "string" ? p.context : undefined, file: f.path };
        }
        continue;
      }
      const { processes, skipped } = parsePs(text, f.path);
      if (skipped) ctx.warn(`${f.path}: ${skipped} line(s) did not match the ps columns`);
      yield* processes;
    }
  },
  check(r, ctx) {
    const out: DetectionInput[] = [];
    const seen = new Set<string>();
    for (const name of namesOf(r.proc_name)) {
      // Kernel and comm names are cut at 15 characters.
      for (const d of fromMatches(ctx.iocs.process(name, { maybeTruncated: name.length >= 15 }), {
        grade: "strong",
        title: (m) => `Known spyware process running: ${m.matched} (pid ${r.pid})`,
        artifact: r.file,
      })) {
        const k = d.matched_indicator!.value + "\0" + d.matched_indicator!.name;
        if (!seen.has(k)) {
          seen.add(k);
          out.push(d);
        }
      }
    }
    return out;
  },
});
