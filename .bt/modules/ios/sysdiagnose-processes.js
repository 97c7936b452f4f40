import { createInterface } from "node:readline";
import { VigilError } from "../../core/errors.js";
import { defineModule } from "../../core/module.js";
import { iosRules } from "../../rules/index.js";
import { checkProcessPath, ruleDetections, uniqueMatches } from "../../rules/process-paths.js";
import { fromMatches } from "../../core/module.js";
function commandPath(command) {
  const c = command.trim();
  if (c.startsWith("/")) {
    const cut = c.search(/ -{1,2}[A-Za-z]/);
    const path = (cut > 0 ? c.slice(0, cut) : c).trim();
    return { path, name: path.slice(path.lastIndexOf("/") + 1) };
  }
  const first = c.split(/\s+/)[0] ?? c;
  return { name: first.replace(/:$/, "") };
}
const INT = /^-?\d+$/;
class PsParser {
  constructor(file) {
    this.file = file;
  }
  file;
  cols;
  cmdIndex = -1;
  line(raw) {
    const text = raw.replace(/\s+$/, "");
    if (!text.trim()) return void 0;
    if (!this.cols) {
      const cols2 = text.trim().split(/\s+/);
      const ci = cols2.findIndex((c) => c === "COMMAND" || c === "CMD" || c === "COMM");
      if (ci < 0 || !cols2.includes("PID")) throw new VigilError("not a ps listing (no header with PID and COMMAND)", { file: this.file, code: "format" });
      this.cols = cols2;
      this.cmdIndex = ci;
      return void 0;
    }
    const cols = this.cols;
    const parts = text.trim().split(/\s+/);
    if (parts.length <= this.cmdIndex) return void 0;
    const command = parts.slice(this.cmdIndex).join(" ");
    let pos = 0;
    const t = text.trimStart();
    for (let i = 0; i < this.cmdIndex; i++) {
      pos = t.indexOf(parts[i], pos) + parts[i].length;
    }
    const rawCommand = t.slice(pos).trim() || command;
    const get = (name2) => {
      const i = cols.indexOf(name2);
      return i >= 0 && i < this.cmdIndex ? parts[i] : void 0;
    };
    const num = (name2) => {
      const v = get(name2);
      return v !== void 0 && INT.test(v) ? Number(v) : void 0;
    };
    const pid = num("PID");
    if (pid === void 0) return void 0;
    const { path, name } = commandPath(rawCommand);
    return { user: get("USER"), uid: num("UID"), pid, ppid: num("PPID"), started: get("STARTED"), command: rawCommand, path, process_name: name };
  }
}
var sysdiagnose_processes_default = defineModule({
  name: "sysdiagnose_processes",
  title: "Running processes (sysdiagnose ps)",
  platform: "ios",
  description: "Reads the process listings a sysdiagnose records (ps.txt, ps_thread.txt). Flags known spyware process names and paths, and binaries running from writable system locations such as /private/var/db/ or /private/var/tmp/.",
  reads: {
    sysdiagnose: ["ps.txt", "ps_thread.txt"]
  },
  async *records(ctx) {
    const seen = /* @__PURE__ */ new Set();
    const files = [...ctx.files].sort((a, b) => a.path === "ps.txt" ? -1 : b.path === "ps.txt" ? 1 : 0);
    for (const f of files) {
      const p = new PsParser(f.path);
      const lines = createInterface({ input: await ctx.view.openStream(f), crlfDelay: Infinity });
      for await (const line of lines) {
        const r = p.line(line);
        if (!r) continue;
        const key = `${r.pid}\0${r.command}`;
        if (seen.has(key)) continue;
        seen.add(key);
        yield { ...r, file: f.path };
      }
    }
  },
  check(r, ctx) {
    const out = fromMatches(uniqueMatches(ctx.iocs.process(r.process_name)), {
      grade: "strong",
      title: (m) => `Known spyware process running: ${m.matched}`,
      why: "The process was running when the sysdiagnose was taken.",
      artifact: r.file
    });
    if (r.path) {
      for (const d of checkProcessPath(ctx.iocs, r.path, { where: "was running (ps)", grade: "strong", artifact: r.file })) {
        if (!out.some((o) => o.matched_indicator?.value === d.matched_indicator?.value)) out.push(d);
      }
    }
    out.push(...ruleDetections(iosRules(), "process", r, { osVersion: ctx.view.device.osVersion }, { artifact: r.file }));
    return out;
  }
});
export {
  PsParser,
  commandPath,
  sysdiagnose_processes_default as default
};
