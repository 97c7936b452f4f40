import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { VigilError } from "../core/errors.js";
import { openSqliteBuffer } from "../formats/sqlite.js";
import { findByScan } from "./spec-match.js";
const SPEC_KEY = {
  ios_backup: "backup",
  ios_fs: "fs",
  ios_sysdiagnose: "sysdiagnose",
  androidqf: "androidqf",
  android_bugreport: "bugreport",
  android_backup: "android_backup",
  android_intrusion_logs: "intrusion_logs",
  mvt_results: "fs"
};
function specKeyFor(kind) {
  return SPEC_KEY[kind];
}
function memoryView(opts) {
  const entries = opts.files.map((f) => {
    const data = typeof f.data === "string" ? Buffer.from(f.data) : f.data;
    const path = f.path ?? (f.domain ? `${f.domain}/${f.relativePath ?? ""}` : "");
    if (!path) throw new Error("memory file needs a path or a domain");
    return { ...f, path, size: data.length, data };
  });
  const read = /* @__PURE__ */ new Map();
  const get = (e) => {
    const hit = entries.find((x) => x.path === e.path);
    if (!hit) throw new VigilError("no such file in acquisition", { file: e.path });
    if (!read.has(hit.path)) read.set(hit.path, { path: hit.path, size: hit.data.length, sha256: createHash("sha256").update(hit.data).digest("hex") });
    return hit.data;
  };
  const view = {
    kind: opts.kind,
    platform: opts.platform,
    root: opts.root ?? "<memory>",
    encrypted: false,
    device: { platform: opts.platform, ...opts.device },
    specKey: SPEC_KEY[opts.kind],
    find: (spec) => findByScan(view, spec),
    async *entries() {
      for (const { data: _d, ...e } of entries) yield e;
    },
    async readFile(e) {
      return get(e);
    },
    async openStream(e) {
      return Readable.from([get(e)]);
    },
    async openSqlite(e) {
      const wal = entries.find((x) => x.path === e.path + "-wal");
      return openSqliteBuffer(get(e), e.path, wal?.data);
    },
    inputsRead: () => [...read.values()],
    async close() {
    }
  };
  return view;
}
export {
  memoryView,
  specKeyFor
};
