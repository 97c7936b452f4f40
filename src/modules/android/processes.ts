// Running processes as androidqf lists them: ps.txt / processes.txt (toybox "ps -A" columns
// USER PID PPID VSZ RSS WCHAN ADDR S NAME) or processes.json (newer collectors).
import { defineModule } from "../contract.ts";
import { fromMatches } from "../../core/detection.ts";
import type { DetectionInput } from "../../core/model.ts";
import { VigilError } from "../../core/errors.ts";
import { readText } from "./lib/common.ts";
import { msg } from "../../core/i18n/index.ts";

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
  uid?: number;
  /** MVT's names for the ps columns VSZ, RSS, ADDR (spelled as MVT spells it) and S, beside Vigil's. */
  virtual_memory_size?: number;
  resident_set_size?: number;
  aprocress?: string;
  stat?: string;
  /** Kernel name (comm), at most 15 characters. */
  comm?: string;
  path?: string;
  command_line?: string[];
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
      virtual_memory_size: get("VSZ") !== undefined ? Number(get("VSZ")) : undefined,
      resident_set_size: get("RSS") !== undefined ? Number(get("RSS")) : undefined,
      aprocress: get("ADDR"),
      stat: get("S"),
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

/**
 * androidqf's collector writes the process list as JSON (processes.txt or processes.json):
 * pid, uid, ppid, "filename" (the kernel's comm in parentheses, cut at 15 characters), path of
 * the executable, SELinux context, and the command line.
 */
export function parseProcessJson(text: string, file: string): { processes: ProcessRecord[]; skipped: number } {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw new VigilError("not valid JSON (expected a list of processes; truncated?)", { file });
  }
  if (!Array.isArray(list)) throw new VigilError("not a list of processes", { file });
  const out: ProcessRecord[] = [];
  let skipped = 0;
  for (const p of list as Record<string, unknown>[]) {
    const cmd = Array.isArray(p?.command_line) ? (p.command_line as unknown[]).filter((x): x is string => typeof x === "string") : [];
    const comm = typeof p?.filename === "string" ? p.filename.replace(/^\((.*)\)$/, "$1") : undefined;
    const name = cmd[0] || (typeof p?.name === "string" ? p.name : undefined) || comm || (typeof p?.path === "string" && p.path ? p.path : undefined);
    if (!name || typeof p.pid !== "number") {
      skipped++;
      continue;
    }
    out.push({
      user: typeof p.user === "string" ? p.user : undefined,
      uid: typeof p.uid === "number" ? p.uid : undefined,
      pid: p.pid,
      ppid: typeof p.ppid === "number" ? p.ppid : undefined,
      state: typeof p.state === "string" && p.state ? p.state : undefined,
      stat: typeof p.state === "string" && p.state ? p.state : undefined,
      proc_name: name,
      comm,
      path: typeof p.path === "string" && p.path ? p.path : undefined,
      command_line: cmd.length ? cmd : undefined,
      label: typeof p.context === "string" ? p.context : typeof p.label === "string" ? p.label : undefined,
      file,
    });
  }
  return { processes: out, skipped };
}

export default defineModule<ProcessRecord>({
  name: "processes",
  title: "Running processes",
  platform: "android",
  description: "The process list androidqf took (ps output, or its collector's JSON): process names, executable paths and command lines are checked against process indicators.",
  reads: { androidqf: ["ps.txt", "processes.txt", "processes.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      const text = await readText(ctx, f);
      // Newer androidqf versions write JSON even into processes.txt.
      const { processes, skipped } = text.trimStart().startsWith("[") ? parseProcessJson(text, f.path) : parsePs(text, f.path);
      if (skipped) ctx.warn(`${f.path}: ${skipped} process entr${skipped === 1 ? "y" : "ies"} could not be read`);
      yield* processes;
    }
  },
  check(r, ctx) {
    const out: DetectionInput[] = [];
    const seen = new Set<string>();
    const names = new Set(namesOf(r.proc_name));
    if (r.path) for (const n of namesOf(r.path)) names.add(n);
    if (r.comm) names.add(r.comm);
    for (const name of names) {
      // Kernel and comm names are cut at 15 characters.
      for (const d of fromMatches(ctx.iocs.process(name, { maybeTruncated: name.length >= 15 && (name === r.comm || r.path === undefined) }), {
        grade: "strong",
        title: (m) => msg("det.processes.running", { value: m.matched, pid: r.pid }),
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
