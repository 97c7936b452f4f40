// An acquisition held in memory: used by `vigil demo`'s unit tests and by module tests that
// build artifacts in code. Behaves like every other view (find, read, SQLite, provenance).
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { DeviceInfo, InputFile, Platform } from "../core/model.ts";
import { VigilError } from "../core/errors.ts";
import { openSqliteBuffer } from "../formats/sqlite.ts";
import { findByScan } from "./spec-match.ts";
import type { AcquisitionKind, AcquisitionView, ArtifactSpec, FileEntry, SqliteHandle } from "./view.ts";

export interface MemoryFile extends Omit<FileEntry, "path"> {
  path?: string;
  data: Buffer | string;
}

const SPEC_KEY: Record<AcquisitionKind, AcquisitionView["specKey"]> = {
  ios_backup: "backup",
  ios_fs: "fs",
  ios_sysdiagnose: "sysdiagnose",
  androidqf: "androidqf",
  android_bugreport: "bugreport",
  android_backup: "android_backup",
  android_intrusion_logs: "intrusion_logs",
  network: "network",
  mvt_results: "fs",
};
export function specKeyFor(kind: AcquisitionKind): AcquisitionView["specKey"] {
  return SPEC_KEY[kind];
}

export function memoryView(opts: {
  kind: AcquisitionKind;
  platform: Platform;
  files: MemoryFile[];
  device?: Partial<DeviceInfo>;
  root?: string;
}): AcquisitionView {
  const entries: (FileEntry & { data: Buffer })[] = opts.files.map((f) => {
    const data = typeof f.data === "string" ? Buffer.from(f.data) : f.data;
    const path = f.path ?? (f.domain ? `${f.domain}/${f.relativePath ?? ""}` : "");
    if (!path) throw new Error("memory file needs a path or a domain");
    return { ...f, path, size: data.length, data };
  });
  const read = new Map<string, InputFile>();
  const get = (e: FileEntry) => {
    const hit = entries.find((x) => x.path === e.path);
    if (!hit) throw new VigilError("no such file in acquisition", { file: e.path });
    if (!read.has(hit.path)) read.set(hit.path, { path: hit.path, size: hit.data.length, sha256: createHash("sha256").update(hit.data).digest("hex") });
    return hit.data;
  };
  const view: AcquisitionView = {
    kind: opts.kind,
    platform: opts.platform,
    root: opts.root ?? "<memory>",
    encrypted: false,
    device: { platform: opts.platform, ...opts.device },
    specKey: SPEC_KEY[opts.kind],
    find: (spec: ArtifactSpec) => findByScan(view, spec),
    async *entries() {
      for (const { data: _d, ...e } of entries) yield e;
    },
    async readFile(e) {
      return get(e);
    },
    async openStream(e) {
      return Readable.from([get(e)]);
    },
    async openSqlite(e): Promise<SqliteHandle> {
      const wal = entries.find((x) => x.path === e.path + "-wal");
      return openSqliteBuffer(get(e), e.path, wal?.data);
    },
    inputsRead: () => [...read.values()],
    async close() {},
  };
  return view;
}
