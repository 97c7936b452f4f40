import { defineModule, fromMatches } from "../../core/module.js";
var filesystem_default = defineModule({
  name: "filesystem",
  title: "Filesystem walk (every file and folder)",
  platform: "ios",
  description: "Walks every entry of a full-filesystem dump, recording its path and modification time. Flags paths and file names that are known spyware files, and path components named like known spyware processes.",
  reads: { whole: ["ios_fs"] },
  async *records(ctx) {
    const v = ctx.view;
    if (typeof v.refused === "function") {
      const refused = v.refused();
      for (const r of refused.slice(0, 50)) ctx.warn(`refused archive entry ${JSON.stringify(r.entry)}: ${r.reason}`);
      if (refused.length > 50) ctx.warn(`${refused.length - 50} more archive entries refused`);
    }
    let prev = "";
    for await (const e of ctx.view.entries()) {
      const rec = { path: e.path, modified: e.modified };
      if (e.size !== void 0 && (e.type ?? "file") === "file") rec.size = e.size;
      if (e.type && e.type !== "file") rec.type = e.type;
      let shared = 0;
      const n = Math.min(prev.length, e.path.length);
      while (shared < n && prev.charCodeAt(shared) === e.path.charCodeAt(shared)) shared++;
      let cut;
      if (shared === e.path.length && (shared === prev.length || prev[shared] === "/")) cut = shared;
      else if (shared === prev.length && e.path[shared] === "/") cut = shared + 1;
      else cut = e.path.lastIndexOf("/", shared - 1) + 1;
      newFrom.set(rec, cut);
      prev = e.path;
      yield rec;
    }
  },
  events: (r) => r.modified ? [{ timestamp: r.modified, event: "entry_modified", description: r.path }] : [],
  check(r, ctx) {
    const from = newFrom.get(r) ?? 0;
    newFrom.delete(r);
    const out = [];
    const full = "/" + r.path;
    const byPath = ctx.iocs.filePath(full);
    const byName = ctx.iocs.fileName(r.path.slice(r.path.lastIndexOf("/") + 1)).filter((m) => !byPath.some((p) => p.indicator.value === m.indicator.value)).map((m) => ({ ...m, matched: full }));
    if (byName.length) {
      out.push(
        ...fromMatches(byName, {
          grade: "strong",
          title: (m) => `Known spyware file name present: ${full}`,
          why: "The indicator names a file that spyware installs, and a file of that name exists in this dump.",
          artifact: r.path,
          timestamp: r.modified
        })
      );
    }
    if (byPath.length) {
      out.push(
        ...fromMatches(byPath, {
          grade: "strong",
          title: (m) => `Known spyware file path present: ${full}`,
          why: "The indicator names a file or folder that spyware installs, and it exists in this dump.",
          artifact: r.path,
          timestamp: r.modified
        })
      );
    }
    let start = from;
    while (start < r.path.length) {
      let end = r.path.indexOf("/", start);
      if (end < 0) end = r.path.length;
      if (end > start) {
        const comp = r.path.slice(start, end);
        const ms = ctx.iocs.process(comp);
        if (ms.length) {
          const dir = r.path.slice(0, end);
          out.push(
            ...fromMatches(
              ms.filter((m) => !byPath.some((p) => p.indicator.value === m.indicator.value)).map((m) => ({ ...m, matched: "/" + dir })),
              {
                grade: "medium",
                title: (m) => `Path named like a known spyware process (${m.indicator.value}): /${dir}`,
                why: "A file or folder carries the name of a known spyware process; spyware often stores its binary or data under its own name.",
                artifact: dir,
                timestamp: r.modified
              }
            )
          );
        }
      }
      start = end + 1;
    }
    return out;
  }
});
const newFrom = /* @__PURE__ */ new WeakMap();
export {
  filesystem_default as default
};
