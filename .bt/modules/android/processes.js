import { defineModule, fromMatches } from "../../core/module.js";
import { VigilError } from "../../core/errors.js";
import { readText } from "./lib/common.js";
function parsePs(text, file) {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const headerAt = lines.findIndex((l) => /^\s*USER\s+PID\s+PPID\b/.test(l));
  if (headerAt < 0) throw new VigilError('not a ps output (no "USER PID PPID ..." header)', { file });
  const cols = lines[headerAt].trim().split(/\s+/);
  const nameCol = cols.indexOf("NAME") >= 0 ? cols.indexOf("NAME") : cols.indexOf("CMD");
  const out = [];
  let skipped = 0;
  for (const line of lines.slice(headerAt + 1)) {
    if (!line.trim()) continue;
    const parts = line.trim().split(/\s+/);
    const pid = Number(parts[cols.indexOf("PID")]);
    if (parts.length < cols.length || !Number.isInteger(pid)) {
      skipped++;
      continue;
    }
    const at = nameCol >= 0 ? nameCol : cols.length - 1;
    const get = (c) => cols.indexOf(c) >= 0 ? parts[cols.indexOf(c)] : void 0;
    out.push({
      user: get("USER"),
      pid,
      ppid: Number(get("PPID")),
      vsz: get("VSZ") !== void 0 ? Number(get("VSZ")) : void 0,
      rss: get("RSS") !== void 0 ? Number(get("RSS")) : void 0,
      wchan: get("WCHAN"),
      addr: get("ADDR"),
      state: get("S"),
      proc_name: parts.slice(at).join(" "),
      file
    });
  }
  return { processes: out, skipped };
}
function namesOf(procName) {
  let n = procName.trim();
  if (n.startsWith("[") && n.endsWith("]")) n = n.slice(1, -1);
  const first = n.split(" ")[0];
  const names = [first];
  const slash = first.lastIndexOf("/");
  if (first.startsWith("/") && slash >= 0 && slash < first.length - 1) names.push(first.slice(slash + 1));
  return names;
}
function parseProcessJson(text, file) {
  let list;
  try {
    list = JSON.parse(text);
  } catch {
    throw new VigilError("not valid JSON (expected a list of processes; truncated?)", { file });
  }
  if (!Array.isArray(list)) throw new VigilError("not a list of processes", { file });
  const out = [];
  let skipped = 0;
  for (const p of list) {
    const cmd = Array.isArray(p?.command_line) ? p.command_line.filter((x) => typeof x === "string") : [];
    const comm = typeof p?.filename === "string" ? p.filename.replace(/^\((.*)\)$/, "$1") : void 0;
    const name = cmd[0] || (typeof p?.name === "string" ? p.name : void 0) || comm || (typeof p?.path === "string" && p.path ? p.path : void 0);
    if (!name || typeof p.pid !== "number") {
      skipped++;
      continue;
    }
    out.push({
      user: typeof p.user === "string" ? p.user : void 0,
      uid: typeof p.uid === "number" ? p.uid : void 0,
      pid: p.pid,
      ppid: typeof p.ppid === "number" ? p.ppid : void 0,
      state: typeof p.state === "string" && p.state ? p.state : void 0,
      proc_name: name,
      comm,
      path: typeof p.path === "string" && p.path ? p.path : void 0,
      command_line: cmd.length ? cmd : void 0,
      label: typeof p.context === "string" ? p.context : typeof p.label === "string" ? p.label : void 0,
      file
    });
  }
  return { processes: out, skipped };
}
var processes_default = defineModule({
  name: "processes",
  title: "Running processes",
  platform: "android",
  description: "The process list androidqf took (ps output, or its collector's JSON): process names, executable paths and command lines are checked against process indicators.",
  reads: { androidqf: ["ps.txt", "processes.txt", "processes.json"] },
  async *records(ctx) {
    for (const f of ctx.files) {
      const text = await readText(ctx, f);
      const { processes, skipped } = text.trimStart().startsWith("[") ? parseProcessJson(text, f.path) : parsePs(text, f.path);
      if (skipped) ctx.warn(`${f.path}: ${skipped} process entr${skipped === 1 ? "y" : "ies"} could not be read`);
      yield* processes;
    }
  },
  check(r, ctx) {
    const out = [];
    const seen = /* @__PURE__ */ new Set();
    const names = new Set(namesOf(r.proc_name));
    if (r.path) for (const n of namesOf(r.path)) names.add(n);
    if (r.comm) names.add(r.comm);
    for (const name of names) {
      for (const d of fromMatches(ctx.iocs.process(name, { maybeTruncated: name.length >= 15 && (name === r.comm || r.path === void 0) }), {
        grade: "strong",
        title: (m) => `Known spyware process running: ${m.matched} (pid ${r.pid})`,
        artifact: r.file
      })) {
        const k = d.matched_indicator.value + "\0" + d.matched_indicator.name;
        if (!seen.has(k)) {
          seen.add(k);
          out.push(d);
        }
      }
    }
    return out;
  }
});
export {
  processes_default as default,
  namesOf,
  parseProcessJson,
  parsePs
};
